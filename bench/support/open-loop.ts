// An open-loop HTTP load generator (bench:api-load): request i is sent at start + i / rate whatever is still
// outstanding, and its latency runs from that scheduled instant (not from when it actually went out), so a
// generator or server that falls behind shows as latency instead of quietly lowering the rate (no coordinated
// omission). Keep-alive node:http sockets on loopback, as many as the requests outstanding.
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { percentile } from '../../src/scoring/statistics';

export interface LoadRequest {
  path: string;
  headers: Record<string, string>;
}

export interface LoadResult {
  rate: number;
  seconds: number;
  sent: number;
  ok: number;
  notModified: number;
  /** Requests sent again after the server had closed their idle keep-alive socket. */
  retried: number;
  errors: number;
  errorKinds: Record<string, number>;
  /** Successful responses per second, over the window or until the last response if that is later. */
  achievedRate: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  /** Response headers `x-report-cache` counted (hit, shared, miss, none). */
  cache: Record<string, number>;
}

const round = (x: number) => Number(x.toFixed(1));

/**
 * One GET. A request that finds its reused keep-alive socket closed by the server (idle timeout) before any
 * response is sent once more on a new socket, as browsers and undici do for idempotent requests; `retried`
 * says so. Its latency still counts from the first attempt.
 */
export function get(
  agent: http.Agent,
  url: string,
  headers: Record<string, string>,
  timeoutMs: number,
  retry = true,
): Promise<{ status: number; headers: http.IncomingHttpHeaders; bytes: number; retried: boolean }> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent, headers, timeout: timeoutMs }, (res) => {
      let bytes = 0;
      res.on('data', (chunk: Buffer) => (bytes += chunk.length));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, bytes, retried: false }),
      );
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (err: NodeJS.ErrnoException) => {
      const closedIdle = req.reusedSocket && (err.code === 'ECONNRESET' || err.message === 'socket hang up');
      if (!retry || !closedIdle) return reject(err);
      get(agent, url, headers, timeoutMs, false).then((r) => resolve({ ...r, retried: true }), reject);
    });
  });
}

/**
 * `rate` requests per second for `seconds`, request i being `pick(i)`. `revalidate(i)` says whether request i
 * sends the ETag last seen for its URL as If-None-Match (a browser revalidating its cached copy).
 */
export async function openLoop(
  base: string,
  pick: (i: number) => LoadRequest,
  revalidate: (i: number) => boolean,
  rate: number,
  seconds: number,
  timeoutMs: number,
): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });
  const etags = new Map<string, string>();
  const latencies: number[] = [];
  const errorKinds: Record<string, number> = {};
  const cache: Record<string, number> = {};
  let notModified = 0;
  let retried = 0;
  let lastDone = 0;
  const total = Math.round(rate * seconds);
  const start = performance.now() + 20;
  const inFlight: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const at = start + (i * 1000) / rate;
    const wait = at - performance.now();
    if (wait > 0.5) await sleep(wait);
    const r = pick(i);
    const etag = etags.get(r.path);
    const headers = revalidate(i) && etag ? { ...r.headers, 'If-None-Match': etag } : r.headers;
    inFlight.push(
      get(agent, base + r.path, headers, timeoutMs).then(
        (res) => {
          const done = performance.now();
          if (res.retried) retried++;
          if (res.status === 200 || res.status === 304) {
            latencies.push(done - at);
            lastDone = Math.max(lastDone, done);
            if (res.status === 304) notModified++;
            if (typeof res.headers.etag === 'string') etags.set(r.path, res.headers.etag);
            const how = String(res.headers['x-report-cache'] ?? 'none');
            cache[how] = (cache[how] ?? 0) + 1;
          } else errorKinds[`HTTP ${res.status}`] = (errorKinds[`HTTP ${res.status}`] ?? 0) + 1;
        },
        (err: unknown) => {
          const kind = err instanceof Error ? err.message : String(err);
          errorKinds[kind] = (errorKinds[kind] ?? 0) + 1;
        },
      ),
    );
  }
  await Promise.all(inFlight);
  agent.destroy();
  const errors = Object.values(errorKinds).reduce((a, b) => a + b, 0);
  const ok = latencies.length;
  return {
    rate,
    seconds,
    sent: total,
    ok,
    notModified,
    retried,
    errors,
    errorKinds,
    achievedRate: round((ok * 1000) / Math.max(seconds * 1000, lastDone - start)),
    p50: round(percentile(latencies, 0.5) ?? NaN),
    p95: round(percentile(latencies, 0.95) ?? NaN),
    p99: round(percentile(latencies, 0.99) ?? NaN),
    max: round(Math.max(0, ...latencies)),
    cache,
  };
}
