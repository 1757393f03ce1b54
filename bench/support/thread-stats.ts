/**
 * Where the CPU went during a measurement window (Linux /proc; elsewhere every figure is null).
 *
 * Per thread of this process, from /proc/self/task/<tid>/schedstat: time on a CPU and time runnable but
 * waiting for one (the run queue). A thread whose wait is large next to its CPU time was ready to work and
 * got no core: on a saturated host that, not its own work, is what delays it. Per process on the host, from
 * /proc/<pid>/stat: CPU time of the fake provider, Postgres and Redis, which share the cores with the worker.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';

export interface ThreadRoles {
  socket: number | null;
  capture: number[];
}

interface ThreadSample {
  cpuNs: number;
  waitNs: number;
}

interface Snapshot {
  atMs: number;
  threads: Map<number, ThreadSample>;
  processes: Map<number, { comm: string; ticks: number }>;
  hostBusyTicks: number;
  hostTotalTicks: number;
}

/** Share of one core, in percent, of this window's wall time. */
export interface ThreadFigures {
  cpuPct: number;
  waitPct: number;
  threads: number;
}

export interface WindowThreadFigures {
  main: ThreadFigures;
  socket: ThreadFigures;
  capture: ThreadFigures;
  /** V8's GC and compiler threads and libuv's pool: shared by every thread of the process. */
  helpers: ThreadFigures;
  host: {
    cores: number;
    busyCores: number;
    fakeProviderCores: number;
    postgresCores: number;
    redisCores: number;
  };
}

const TICKS_PER_SEC = 100;

function readThreads(): Map<number, ThreadSample> {
  const out = new Map<number, ThreadSample>();
  for (const name of readdirSync('/proc/self/task')) {
    try {
      const [cpu, wait] = readFileSync(`/proc/self/task/${name}/schedstat`, 'utf8').split(' ');
      out.set(Number(name), { cpuNs: Number(cpu), waitNs: Number(wait) });
    } catch {
      // The thread ended between the listing and the read.
    }
  }
  return out;
}

function readProcesses(): Map<number, { comm: string; ticks: number }> {
  const out = new Map<number, { comm: string; ticks: number }>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.set(Number(name), { comm, ticks: Number(fields[11]) + Number(fields[12]) });
    } catch {
      // Gone meanwhile.
    }
  }
  return out;
}

function readHost(): { busy: number; total: number } {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const total = fields.reduce((a, b) => a + b, 0);
  const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
  return { busy: total - idle, total };
}

function snapshot(): Snapshot | null {
  try {
    const host = readHost();
    return {
      atMs: performance.now(),
      threads: readThreads(),
      processes: readProcesses(),
      hostBusyTicks: host.busy,
      hostTotalTicks: host.total,
    };
  } catch {
    return null;
  }
}

/** Starts a window; the returned function ends it and gives the figures (null off Linux). */
export function startThreadWindow(
  roles: () => ThreadRoles,
  fakeProviderPid: number | undefined,
): () => WindowThreadFigures | null {
  const a = snapshot();
  return () => {
    const b = snapshot();
    if (a === null || b === null) return null;
    const wallNs = (b.atMs - a.atMs) * 1e6;
    const { socket, capture } = roles();
    const group = (tids: number[]): ThreadFigures => {
      let cpu = 0;
      let wait = 0;
      let n = 0;
      for (const tid of tids) {
        const x = a.threads.get(tid);
        const y = b.threads.get(tid);
        if (x === undefined || y === undefined) continue;
        cpu += y.cpuNs - x.cpuNs;
        wait += y.waitNs - x.waitNs;
        n++;
      }
      return { cpuPct: pct(cpu / wallNs), waitPct: pct(wait / wallNs), threads: n };
    };
    const known = new Set<number>([process.pid, ...(socket === null ? [] : [socket]), ...capture]);
    const helpers = [...b.threads.keys()].filter((tid) => !known.has(tid));
    const processCores = (match: (pid: number, comm: string) => boolean): number => {
      let ticks = 0;
      for (const [pid, p] of b.processes) {
        if (!match(pid, p.comm)) continue;
        ticks += p.ticks - (a.processes.get(pid)?.ticks ?? p.ticks);
      }
      return round2(ticks / TICKS_PER_SEC / (wallNs / 1e9));
    };
    const hostCores = cpus().length;
    return {
      main: group([process.pid]),
      socket: group(socket === null ? [] : [socket]),
      capture: group(capture),
      helpers: group(helpers),
      host: {
        cores: hostCores,
        busyCores: round2(
          ((b.hostBusyTicks - a.hostBusyTicks) / (b.hostTotalTicks - a.hostTotalTicks)) * hostCores,
        ),
        fakeProviderCores: processCores((pid) => pid === fakeProviderPid),
        postgresCores: processCores((_, comm) => comm.startsWith('postgres')),
        redisCores: processCores((_, comm) => comm.startsWith('redis-server')),
      },
    };
  };
}

/** One line for the log. */
export function describeThreads(f: WindowThreadFigures): string {
  const t = (name: string, x: ThreadFigures): string =>
    `${name}${x.threads > 1 ? ` x${x.threads}` : ''} ${x.cpuPct}% cpu / ${x.waitPct}% waiting`;
  return (
    `${t('main', f.main)}; ${t('socket', f.socket)}; ${t('capture', f.capture)}; ${t('helpers', f.helpers)}; ` +
    `host ${f.host.busyCores} of ${f.host.cores} cores busy (fake provider ${f.host.fakeProviderCores}, ` +
    `postgres ${f.host.postgresCores}, redis ${f.host.redisCores})`
  );
}

const pct = (x: number): number => Math.round(x * 1000) / 10;
const round2 = (x: number): number => Math.round(x * 100) / 100;
