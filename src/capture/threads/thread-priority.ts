import { execFileSync } from 'node:child_process';
import { readFileSync, readlinkSync } from 'node:fs';
import os, { getPriority, setPriority } from 'node:os';

/** setpriority(2) on one thread (os.setPriority; a fake in tests). */
export interface SetPrioritySyscall {
  setPriority(tid: number, nice: number): void;
}

/**
 * Sets the calling thread's nice value (Linux: a thread id is a valid setpriority target, and only that thread
 * changes). Raising priority (a negative change) needs CAP_SYS_NICE; without it the thread keeps its own and
 * the reason is returned. Elsewhere (no /proc/thread-self) nothing changes.
 */
export function setThreadNice(nice: number): ThreadPriority {
  let tid: number;
  try {
    tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
  } catch {
    return { tid: null, nice: null, error: 'thread priorities are only set on Linux' };
  }
  try {
    if (getPriority(tid) !== nice) setPriority(tid, nice);
    return { tid, nice: getPriority(tid) };
  } catch (e) {
    return { tid, nice: getPriority(tid), error: e instanceof Error ? e.message : String(e) };
  }
}

/**
 * Puts thread `tid` of this process under SCHED_FIFO at `priority` (1-99) with util-linux `chrt` (Node has
 * no binding for sched_setscheduler; the call runs once, when the thread starts), and reads the policy back
 * from /proc. Needs CAP_SYS_NICE or an RLIMIT_RTPRIO of at least `priority`, and real-time time in the
 * process's cgroup (cgroup v1 containers often have none); otherwise the thread stays a normal one and the
 * reason is returned.
 */
export function setThreadRealtime(
  tid: number | null,
  priority: number,
  sys: RealtimeSyscalls = OS_REALTIME,
): { realtime: boolean; error?: string } {
  if (tid === null) return { realtime: false, error: 'real-time priorities are only set on Linux' };
  try {
    sys.chrt(['--fifo', '--pid', String(priority), String(tid)]);
  } catch (e) {
    const stderr = (e as { stderr?: Buffer }).stderr?.toString().trim();
    return { realtime: false, error: stderr || (e instanceof Error ? e.message : String(e)) };
  }
  const realtime = sys.policy(tid) === SCHED_FIFO;
  return realtime ? { realtime } : { realtime, error: 'chrt ran but the thread is not SCHED_FIFO' };
}

/** What setThreadRealtime runs: util-linux `chrt` (throws with its stderr when refused) and the policy read back. */
export interface RealtimeSyscalls {
  chrt(args: string[]): void;
  policy(tid: number): number | null;
}

const OS_REALTIME: RealtimeSyscalls = {
  chrt: (args) => {
    execFileSync('chrt', args, { stdio: 'pipe', timeout: 5000 });
  },
  policy: (tid) => schedulingPolicy(tid),
};

const SCHED_FIFO = 1;

/** The scheduling policy of thread `tid` of this process (0 normal, 1 FIFO, ...), from /proc; null off Linux. */
export function schedulingPolicy(tid: number): number | null {
  try {
    const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces and parentheses): state is field 3, policy 41.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[41 - 3]);
  } catch {
    return null;
  }
}

/** What setThreadNice got: the kernel's id of the thread (for per-thread figures), and its nice value. */
export interface ThreadPriority {
  tid: number | null;
  nice: number | null;
  error?: string;
}

/**
 * Posts to a higher-priority thread at that thread's nice value. A MessagePort post appends to the receiver's
 * queue and wakes it while holding the queue's lock (Node's MessagePortData::AddToIncomingQueue). Woken, the
 * receiver can preempt the poster and block on that lock at once; the poster, at a low priority on a busy
 * host, may then wait tens of milliseconds for a core, and the receiver with it: a priority inversion that
 * stalled every stream's reads on the socket thread by 10-40 ms a few times a second (bench:load at 500
 * streams: ts error p99 10-11 ms before, about 6 after). Raised for the post, the poster gets a core as soon
 * as the receiver would. Two setpriority calls per post; off where priorities cannot be raised. Capture
 * threads now reach the socket thread through shared-memory rings (ByteRing), which take no lock at all; they
 * still post each answer's result to the main thread this way.
 */
export class BoostedPost {
  private enabled: boolean;

  constructor(
    private readonly tid: number | null,
    private readonly own: number | null,
    private readonly receiver: number | null,
    private readonly sys: SetPrioritySyscall = os,
  ) {
    this.enabled = tid !== null && own !== null && receiver !== null && receiver < own;
  }

  run(post: () => void): void {
    if (!this.enabled) return post();
    try {
      this.sys.setPriority(this.tid!, this.receiver!);
    } catch {
      // Not permitted (no CAP_SYS_NICE): post at our own priority from now on.
      this.enabled = false;
      return post();
    }
    try {
      post();
    } finally {
      this.sys.setPriority(this.tid!, this.own!);
    }
  }
}
