import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { BoostedPost, schedulingPolicy, setThreadRealtime, type RealtimeSyscalls } from './thread-priority';

const CAP_SYS_NICE = 23n;

/** Whether this process may raise priorities (CAP_SYS_NICE in its effective set), read apart from the code. */
function mayRaisePriority(): boolean {
  try {
    const capEff = /^CapEff:\s*([0-9a-f]+)$/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
    return capEff !== undefined && ((BigInt(`0x${capEff}`) >> CAP_SYS_NICE) & 1n) === 1n;
  } catch {
    return false;
  }
}

/** A setpriority that records its calls (and may refuse them, like the kernel without CAP_SYS_NICE). */
function fakeSetPriority(refuse = false): {
  calls: string[];
  setPriority: (tid: number, nice: number) => void;
} {
  const calls: string[] = [];
  return {
    calls,
    setPriority: (tid, nice) => {
      calls.push(`set ${tid} ${nice}`);
      if (refuse) throw new Error('EPERM');
    },
  };
}

describe('BoostedPost (decision table)', () => {
  it('raises to the receiver for the post only, then goes back to its own', () => {
    const sys = fakeSetPriority();
    new BoostedPost(7, 10, 0, sys).run(() => sys.calls.push('post'));
    expect(sys.calls).toEqual(['set 7 0', 'post', 'set 7 10']);
  });

  it('goes back to its own priority when the post throws', () => {
    const sys = fakeSetPriority();
    const post = new BoostedPost(7, 10, -5, sys);
    expect(() =>
      post.run(() => {
        throw new Error('post failed');
      }),
    ).toThrow('post failed');
    expect(sys.calls).toEqual(['set 7 -5', 'set 7 10']);
  });

  it.each([
    ['the receiver runs at the same priority', 7, 10, 10],
    ['the receiver runs at a lower priority', 7, 10, 15],
    ['the thread id is unknown (off Linux)', null, 10, 0],
    ['its own priority is unknown', 7, null, 0],
    ['the receiver priority is unknown', 7, 10, null],
  ])('posts without touching priorities when %s', (_case, tid, own, receiver) => {
    const sys = fakeSetPriority();
    let posts = 0;
    new BoostedPost(tid, own, receiver, sys).run(() => posts++);
    expect(posts).toBe(1);
    expect(sys.calls).toEqual([]);
  });

  it('posts at its own priority once raising is refused, and stops asking', () => {
    const sys = fakeSetPriority(true);
    const post = new BoostedPost(7, 10, 0, sys);
    let posts = 0;
    post.run(() => posts++);
    post.run(() => posts++);
    expect(posts).toBe(2);
    expect(sys.calls).toEqual(['set 7 0']);
  });
});

describe('setThreadRealtime (decision table)', () => {
  function fakeRealtime(chrt: () => void, policy: number | null): RealtimeSyscalls & { args: string[][] } {
    const args: string[][] = [];
    return {
      args,
      chrt: (a) => {
        args.push(a);
        chrt();
      },
      policy: () => policy,
    };
  }
  const refused = (stderr?: string) => (): void => {
    throw Object.assign(
      new Error('Command failed: chrt'),
      stderr === undefined ? {} : { stderr: Buffer.from(stderr) },
    );
  };

  it('asks chrt for SCHED_FIFO at the priority, for the thread', () => {
    const sys = fakeRealtime(() => undefined, 1);
    expect(setThreadRealtime(1234, 7, sys)).toEqual({ realtime: true });
    expect(sys.args).toEqual([['--fifo', '--pid', '7', '1234']]);
  });

  it.each([
    [
      'chrt is refused',
      refused("chrt: failed to set pid 1234's policy: Operation not permitted\n"),
      1,
      "chrt: failed to set pid 1234's policy: Operation not permitted",
    ],
    ['chrt fails without a word', refused(), 1, 'Command failed: chrt'],
    [
      'chrt ran but the policy did not change',
      () => undefined,
      0,
      'chrt ran but the thread is not SCHED_FIFO',
    ],
    ['the policy cannot be read back', () => undefined, null, 'chrt ran but the thread is not SCHED_FIFO'],
  ])('stays a normal thread and says why when %s', (_case, chrt, policy, error) => {
    expect(setThreadRealtime(1234, 7, fakeRealtime(chrt, policy))).toEqual({ realtime: false, error });
  });

  it('does nothing off Linux', () => {
    const sys = fakeRealtime(() => undefined, 1);
    expect(setThreadRealtime(null, 7, sys)).toEqual({
      realtime: false,
      error: expect.stringMatching(/Linux/),
    });
    expect(sys.args).toEqual([]);
  });
});

/**
 * BoostedPost changes the calling thread's own priority, so it runs in a worker thread here (never Jest's):
 * the thread lowers itself to nice 10, then posts through BoostedPost towards a receiver at nice 0.
 */
function inThread(receiverNice: number): Promise<{ permitted: boolean; during: number; after: number }> {
  const register = path.resolve(__dirname, '../../../scripts/swc-register.js');
  const code = `
    require(${JSON.stringify(register)});
    const { parentPort } = require('node:worker_threads');
    const { getPriority, setPriority } = require('node:os');
    const { BoostedPost, setThreadNice } = require(${JSON.stringify(path.join(__dirname, 'thread-priority.ts'))});
    const own = setThreadNice(10);
    let permitted = true;
    try { setPriority(own.tid, 9); setPriority(own.tid, 10); } catch { permitted = false; }
    let during = NaN;
    new BoostedPost(own.tid, own.nice, ${receiverNice}).run(() => { during = getPriority(own.tid); });
    parentPort.postMessage({ permitted, during, after: getPriority(own.tid) });
  `;
  return new Promise((resolve, reject) => {
    const worker = new Worker(code, { eval: true });
    worker.once('message', (m: { permitted: boolean; during: number; after: number }) => {
      resolve(m);
      void worker.terminate();
    });
    worker.once('error', reject);
  });
}

describe('BoostedPost (a real thread)', () => {
  it("posts at the receiver's priority and goes back to its own", async () => {
    const r = await inThread(0);
    // Raising a priority needs CAP_SYS_NICE; without it the post goes out at the thread's own priority.
    expect(r.permitted).toBe(mayRaisePriority());
    expect(r.during).toBe(r.permitted ? 0 : 10);
    expect(r.after).toBe(10);
  });

  it('leaves its priority alone when the receiver runs at the same or a lower priority', async () => {
    const r = await inThread(15);
    expect(r.during).toBe(10);
    expect(r.after).toBe(10);
  });
});

describe('setThreadRealtime (a real thread)', () => {
  /** In a worker thread (never Jest's own): asks for SCHED_FIFO 1 and reads the policy back. */
  function realtimeThread(): Promise<{ got: { realtime: boolean; error?: string }; policy: number | null }> {
    const register = path.resolve(__dirname, '../../../scripts/swc-register.js');
    const code = `
      require(${JSON.stringify(register)});
      const { parentPort } = require('node:worker_threads');
      const { schedulingPolicy, setThreadNice, setThreadRealtime } = require(${JSON.stringify(path.join(__dirname, 'thread-priority.ts'))});
      const { tid } = setThreadNice(0);
      const got = setThreadRealtime(tid, 1);
      parentPort.postMessage({ got, policy: schedulingPolicy(tid) });
    `;
    return new Promise((resolve, reject) => {
      const worker = new Worker(code, { eval: true });
      worker.once('message', (m: { got: { realtime: boolean; error?: string }; policy: number | null }) => {
        resolve(m);
        void worker.terminate();
      });
      worker.once('error', reject);
    });
  }

  it('puts the thread under SCHED_FIFO where permitted, and says so only when it is', async () => {
    const { got, policy } = await realtimeThread();
    expect(policy).toBe(got.realtime ? 1 : 0);
    // Root may (this machine and CI run the tests as root), and so may CAP_SYS_NICE: a refusal is a regression.
    if (process.getuid?.() === 0 || mayRaisePriority()) {
      expect(got).toEqual({ realtime: true });
      expect(policy).toBe(1);
    }
  });

  it('reports why when the thread cannot be changed, and leaves the caller alone', () => {
    const got = setThreadRealtime(2 ** 30, 1); // no such thread
    expect(got.realtime).toBe(false);
    expect(got.error).toMatch(/\S/);
    expect(setThreadRealtime(null, 1)).toEqual({ realtime: false, error: expect.stringMatching(/Linux/) });
    expect(schedulingPolicy(process.pid)).toBe(0);
  });
});
