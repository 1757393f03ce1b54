import { readlinkSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';

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

/** What setThreadNice got: the kernel's id of the thread (for per-thread figures), and its nice value. */
export interface ThreadPriority {
  tid: number | null;
  nice: number | null;
  error?: string;
}
