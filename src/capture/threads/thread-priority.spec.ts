import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { schedulingPolicy, setThreadRealtime } from './thread-priority';

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

describe('BoostedPost', () => {
  it("posts at the receiver's priority and goes back to its own", async () => {
    const r = await inThread(0);
    // Raising a priority needs CAP_SYS_NICE; without it the post goes out at the thread's own priority.
    expect(r.during).toBe(r.permitted ? 0 : 10);
    expect(r.after).toBe(10);
  });

  it('leaves its priority alone when the receiver runs at the same or a lower priority', async () => {
    const r = await inThread(15);
    expect(r.during).toBe(10);
    expect(r.after).toBe(10);
  });
});

describe('setThreadRealtime', () => {
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
    // Root may (this machine and CI run the tests as root).
    if (process.getuid?.() === 0) expect(got).toEqual({ realtime: true });
  });

  it('reports why when the thread cannot be changed, and leaves the caller alone', () => {
    const got = setThreadRealtime(2 ** 30, 1); // no such thread
    expect(got.realtime).toBe(false);
    expect(got.error).toMatch(/\S/);
    expect(setThreadRealtime(null, 1)).toEqual({ realtime: false, error: expect.stringMatching(/Linux/) });
    expect(schedulingPolicy(process.pid)).toBe(0);
  });
});
