/**
 * The floor for `bench:load`, run as a CHILD process (see `runBareReader`): N concurrent raw HTTP streams from
 * the load provider, each read timestamped with `process.hrtime.bigint()` in its `data` listener and nothing
 * else done with it; a stream that ends is re-opened. Its own quiet process, so the floor is what the machine
 * gives a reader that does nothing, not what is left after the measured worker's heap, timers and GC.
 *
 * argv: port streams rampS windowS nice rtPriority. It runs at the priority of the worker's socket thread
 * (real-time when rtPriority > 0, else that nice value), where it can, so the floor and the pipeline read with
 * the same priority. Reports over IPC one `BareReaderFigures` message, then exits.
 */
import net from 'node:net';
import { setPriority } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setThreadRealtime } from '../../src/capture/threads/thread-priority';

export interface BareReaderFigures {
  /** Each content event's arrival minus its write time, in ms, for events read inside the window. */
  errorsMs: number[];
  /** The measured window, shaped like bench:load's own (times in ms, memory in MB at the end). */
  window: {
    t0: number;
    t1: number;
    eldP50Ms: number;
    eldP99Ms: number;
    cpuCores: number;
    rssMb: number;
    heapMb: number;
  };
  /** Memory in MB before the streams were opened. */
  base: { rssMb: number; heapMb: number };
}

const ELD_RESOLUTION_MS = 10;
const TAG = /"sr_write_ns":"(\d+)"\}\n\n/g;
const REQUEST =
  'POST /v1/chat/completions HTTP/1.1\r\nHost: bench\r\nContent-Length: 0\r\nConnection: close\r\n\r\n';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function main(): Promise<void> {
  const [port, n, rampS, windowS, nice, rtPriority] = process.argv.slice(2).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  try {
    setPriority(nice);
  } catch {
    // Not permitted: the floor is read at the default priority.
  }
  // The process's only JS thread is its main thread, whose kernel id is the pid.
  if (rtPriority > 0) setThreadRealtime(process.pid, rtPriority);
  // Errors go straight into a preallocated array: the reader keeps no per-read objects, so its own GC (a
  // scavenge copying every retained read took ~10 ms here) does not show up as timestamp error.
  let errors = new Float64Array(1 << 20);
  let count = 0;
  let measuring = false;
  let stopping = false;
  let open = 0;
  let allClosed: () => void = () => undefined;
  const closed = new Promise<void>((resolve) => (allClosed = resolve));
  const connect = (): void => {
    open++;
    /** The tail of the last read that may hold the start of a tag completed by the next read. */
    let carry = '';
    const socket = net.connect(port, '127.0.0.1');
    socket.setNoDelay(true);
    socket.on('connect', () => socket.write(REQUEST));
    socket.on('data', (b: Buffer) => {
      const at = process.hrtime.bigint();
      const text = carry + b.toString('latin1');
      let last = 0;
      for (const m of text.matchAll(TAG)) {
        last = m.index + m[0].length;
        if (!measuring) continue;
        if (count === errors.length) {
          const grown = new Float64Array(errors.length * 2);
          grown.set(errors);
          errors = grown;
        }
        errors[count++] = Number(at - BigInt(m[1]!)) / 1e6;
      }
      carry = text.slice(Math.max(last, text.length - 64));
    });
    socket.on('close', () => {
      open--;
      if (!stopping) connect();
      else if (open === 0) allClosed();
    });
    socket.on('error', () => undefined);
  };
  const mem0 = process.memoryUsage();
  for (let i = 0; i < n; i++) connect();
  await sleep(rampS * 1000);

  const eld = monitorEventLoopDelay({ resolution: ELD_RESOLUTION_MS });
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  measuring = true;
  eld.enable();
  await sleep(windowS * 1000);
  eld.disable();
  measuring = false;
  const t1 = process.hrtime.bigint();
  const cpu = process.cpuUsage(cpu0);
  const mem1 = process.memoryUsage();
  stopping = true;
  await closed;

  const seconds = Number(t1 - t0) / 1e9;
  const mb = (bytes: number): number => bytes / 2 ** 20;
  const figures: BareReaderFigures = {
    errorsMs: Array.from(errors.subarray(0, count)),
    window: {
      t0: 0,
      t1: seconds * 1000,
      // The histogram records whole sampling intervals; the delay is what exceeds the resolution.
      eldP50Ms: Math.max(0, eld.percentile(50) / 1e6 - ELD_RESOLUTION_MS),
      eldP99Ms: Math.max(0, eld.percentile(99) / 1e6 - ELD_RESOLUTION_MS),
      cpuCores: (cpu.user + cpu.system) / 1e6 / seconds,
      rssMb: mb(mem1.rss),
      heapMb: mb(mem1.heapUsed),
    },
    base: { rssMb: mb(mem0.rss), heapMb: mb(mem0.heapUsed) },
  };
  process.send!(figures, () => process.exit(0));
}

if (require.main === module) void main();
