/**
 * The floor for `bench:capture`'s absolute times, run as a worker thread of the bench process (see
 * `startBareHttpClient`) at the socket thread's priority: a bare node:http client that streams answers from
 * the load provider (bench/support/load-provider.ts) and does nothing else. Its request-sent instant is
 * stamped where streamrank's is (the request's bytes go to a connected socket: at once on a reused socket,
 * else as it connects), every read in its `data` listener, all on process.hrtime (ms); the bytes are only
 * scanned for the fake's write stamps (`sr_write_ns`) of the content events they carry.
 *
 * Protocol: `{ n, url, rampMs, windowMs }` runs `inFlight` and answers with one `BareStream[]`.
 */
import http from 'node:http';
import path from 'node:path';
import { parentPort, Worker, workerData } from 'node:worker_threads';
import { setThreadNice, setThreadRealtime } from '../../src/capture/threads/thread-priority';

export interface BareStream {
  /** The fake's stream id (its first content chunk is `S<id> `). */
  id: number;
  /** Request-sent instant, ms on process.hrtime. */
  sentMs: number;
  /** Per content event, in order: its arrival and the fake's write time, ms on process.hrtime. */
  arrivalsMs: number[];
  writesMs: number[];
}

export interface BareHttpClient {
  run(url: string, n: number, rampMs: number, windowMs: number): Promise<BareStream[]>;
  stop(): Promise<void>;
}

/**
 * Keeps `n` streams in flight, each slot running `one` back to back: slot i starts at i * rampMs / n, no
 * stream starts after rampMs + windowMs, and the streams that started at or after rampMs are returned (the
 * steady state). n = 1 with rampMs = windowMs = 0 runs one stream.
 */
export async function inFlight<T>(
  n: number,
  rampMs: number,
  windowMs: number,
  one: () => Promise<T>,
): Promise<T[]> {
  const t0 = performance.now();
  const kept: T[] = [];
  const slot = async (i: number): Promise<void> => {
    await new Promise((r) => setTimeout(r, (i * rampMs) / n));
    for (;;) {
      const startedMs = performance.now() - t0;
      const result = await one();
      if (startedMs >= rampMs) kept.push(result);
      if (performance.now() - t0 >= rampMs + windowMs) return;
    }
  };
  await Promise.all(Array.from({ length: n }, (_, i) => slot(i)));
  return kept;
}

/** One content event (non-empty delta) up to its write stamp. */
const CONTENT = /"delta":\{"content":"([^"]+)"\}[^\n]*?"sr_write_ns":"(\d+)"\}\n\n/g;
const BODY = JSON.stringify({
  model: 'gpt-fake',
  stream: true,
  messages: [{ role: 'user', content: 'floor' }],
});
const hrMs = (): number => Number(process.hrtime.bigint()) / 1e6;

function stream(url: string): Promise<BareStream> {
  return new Promise((resolve, reject) => {
    const out: BareStream = { id: NaN, sentMs: NaN, arrivalsMs: [], writesMs: [] };
    const req = http.request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': String(BODY.length) },
    });
    req.setNoDelay(true);
    req.on('socket', (socket) => {
      if (!socket.connecting) out.sentMs = hrMs();
      else socket.once('connect', () => (out.sentMs = hrMs()));
    });
    req.on('response', (res) => {
      let carry = '';
      res.on('data', (bytes: Buffer) => {
        const at = hrMs();
        const text = carry + bytes.toString('latin1');
        let last = 0;
        for (const m of text.matchAll(CONTENT)) {
          last = m.index + m[0].length;
          if (out.arrivalsMs.length === 0) out.id = Number(/^S(\d+) /.exec(m[1]!)?.[1]);
          out.arrivalsMs.push(at);
          out.writesMs.push(Number(BigInt(m[2]!)) / 1e6);
        }
        carry = text.slice(last);
      });
      res.on('end', () => resolve(out));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(BODY);
  });
}

/** Starts the client on its own thread at `nice` (and real-time at `rtPriority` > 0, where permitted). */
export async function startBareHttpClient(nice: number, rtPriority: number): Promise<BareHttpClient> {
  const register = path.resolve(__dirname, '../../scripts/swc-register.js');
  const worker = new Worker(
    `require(${JSON.stringify(register)});\nrequire(${JSON.stringify(__filename)});`,
    {
      eval: true,
      workerData: { bareHttpClient: true, nice, rtPriority },
    },
  );
  let failed: (e: Error) => void = () => undefined;
  worker.on('error', (e) => failed(e));
  await new Promise<void>((resolve, reject) => {
    failed = reject;
    worker.once('message', () => resolve());
  });
  return {
    run: (url, n, rampMs, windowMs) =>
      new Promise((resolve, reject) => {
        failed = reject;
        worker.once('message', resolve);
        worker.postMessage({ url, n, rampMs, windowMs });
      }),
    stop: async () => {
      await worker.terminate();
    },
  };
}

const data = workerData as { bareHttpClient?: boolean; nice: number; rtPriority: number } | null;
if (parentPort !== null && data?.bareHttpClient === true) {
  const port = parentPort;
  const priority = setThreadNice(data.nice);
  if (data.rtPriority > 0 && priority.tid !== null) setThreadRealtime(priority.tid, data.rtPriority);
  port.on('message', (m: { url: string; n: number; rampMs: number; windowMs: number }) => {
    void inFlight(m.n, m.rampMs, m.windowMs, () => stream(m.url)).then((streams) =>
      port.postMessage(streams),
    );
  });
  port.postMessage('ready');
}
