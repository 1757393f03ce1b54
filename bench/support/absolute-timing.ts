/**
 * `bench:capture`'s absolute times: TTFT, every content event's arrival and every mention's visibleAt as
 * streamrank records them (µs since its request-sent instant) against the ground truth of the fake provider
 * (bench/support/load-provider.ts, a child process): (the write that carried it) - (the request's arrival at
 * the fake), both on process.hrtime. The error is what the reader adds: the loopback both ways and any delay
 * in stamping; a request-sent instant taken before the bytes went out (a poll tick, a hand-over) shows up in
 * every sample of its answer.
 *
 * Streamrank runs as the worker does: the capture pool with capture threads and its socket thread. The floor is
 * a bare node:http client (bench/support/bare-http-client.ts) on a thread of the same process at the socket
 * thread's priority, reading the same fake, in the same run, alternating with streamrank case by case.
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { loadConfig, type AppConfig } from '../../src/config/app-config';
import { buildProviders } from '../../src/llm/provider-adapters';
import { type AnswerCaptureJob, type AnswerCaptureResult } from '../../src/capture/analysis/answer-capture';
import { AnswerCapturePool } from '../../src/capture/threads/answer-capture-pool';
import { RunEventPublisher } from '../../src/live-events/run-event-publisher';
import { deleteQueueKeys } from '../../test/support/pipeline';
import { inFlight, startBareHttpClient, type BareHttpClient, type BareStream } from './bare-http-client';
import { REDIS_URL, sleep, startLoadProvider, type LoadProvider } from './bench-env';
import { figures, headroom, show, type Target } from './timing-figures';
import { percentile } from '../../src/scoring/statistics';

/** Signed errors in ms: measured time since the request was sent minus the fake's. */
export interface AbsoluteErrors {
  ttftMs: number[];
  /** Every content event's arrival (token arrivalMs, chunk arrivals; TTFT is the first). */
  arrivalsMs: number[];
  /** Every mention's visibleAt (its chunk's arrival); empty for the floor. */
  visibleMs: number[];
  /** Where the arrival errors come from, on process.hrtime: the fake's request arrival - the sent instant ... */
  requestLegMs: number[];
  /** ... and each content event's arrival - its write. */
  responseLegMs: number[];
}

const noErrors = (): AbsoluteErrors => ({
  ttftMs: [],
  arrivalsMs: [],
  visibleMs: [],
  requestLegMs: [],
  responseLegMs: [],
});

const BRANDS = [
  { id: 'acme', name: 'Acme', aliases: [], exclusions: [], domains: ['acme.example.com'] },
  { id: 'globex', name: 'Globex', aliases: [], exclusions: [], domains: [] },
];

/** Streams at a time: `n` in flight, the ones started after `rampMs` for `windowMs` measured (see inFlight). */
export interface Load {
  n: number;
  rampMs: number;
  windowMs: number;
}

export interface AbsoluteTimingRig {
  /** Answers through the capture pool (capture threads, socket thread). */
  streamrank(load: Load): Promise<AbsoluteErrors>;
  /** Streams through the bare node:http client. */
  floor(load: Load): Promise<AbsoluteErrors>;
  socketThread: string;
  stop(): Promise<void>;
}

export async function startAbsoluteTimingRig(provider: LoadProvider): Promise<AbsoluteTimingRig> {
  const prefix = `bench-capture-${process.pid}`;
  // The pool reads no database and decrypts nothing; the config only insists on both being set.
  const config: AppConfig = loadConfig({
    DATABASE_URL: 'postgresql://unused@127.0.0.1:1/unused',
    ENCRYPTION_KEY: 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=',
    ...process.env,
    CAPTURE_THREADS: process.env.CAPTURE_THREADS ?? '2',
    EGRESS_ALLOW_PRIVATE: 'true',
    REDIS_URL,
    QUEUE_PREFIX: prefix,
  });
  const redis = new Redis(REDIS_URL, { lazyConnect: true });
  await redis.connect();
  const pool = new AnswerCapturePool(config, new RunEventPublisher(redis, config));
  await pool.onModuleInit();
  const rt = pool.socketRealtime ? config.CAPTURE_SOCKET_RT_PRIORITY : 0;
  const bare: BareHttpClient = await startBareHttpClient(pool.socketNice ?? 0, rt);
  const engine = {
    providerKey: 'openai-compatible' as const,
    provider: buildProviders({ allowPrivate: true, idleTimeoutMs: 30_000, deadlineMs: 120_000 })[
      'openai-compatible'
    ],
    request: { baseUrl: provider.baseUrl, model: 'gpt-fake', prompt: 'best crm?', parameters: {} },
  };
  const job: AnswerCaptureJob = {
    request: engine.request,
    brands: BRANDS,
    contentIdleMs: 30_000,
    liveBatchMs: 50,
    analysis: { brands: BRANDS.map((b) => ({ id: b.id, kind: 'competitor' as const })), settings: SETTINGS },
  };

  /** The fake's request arrival and write times of stream `id`, once it has reported them. */
  async function truth(ids: number[]): Promise<void> {
    const deadline = Date.now() + 10_000;
    await provider.collect();
    while (ids.some((id) => !provider.requests.has(id)) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
      await provider.collect();
    }
  }

  return {
    socketThread: pool.socketRealtime ? `SCHED_FIFO ${rt}` : `nice ${pool.socketNice ?? '?'}`,
    async streamrank({ n, rampMs, windowMs }) {
      const origins = new Map<string, number>();
      pool.onClockOrigin = (tag, hrMs) => origins.set(tag, hrMs);
      const results = await inFlight(n, rampMs, windowMs, async () => {
        const tag = randomUUID();
        const run = { runId: tag, projectId: 'bench', attempt: 1 };
        const r = await pool.capture(engine, job, new AbortController().signal, run, tag);
        return { r, originHrMs: origins.get(tag)! };
      });
      const ids = results.map(({ r }) => streamId(r));
      await truth(ids);
      const out = noErrors();
      results.forEach(({ r, originHrMs }, i) => addCaptureErrors(out, r, originHrMs, provider, ids[i]!));
      return out;
    },
    async floor({ n, rampMs, windowMs }) {
      const streams = await bare.run(`${provider.baseUrl}/chat/completions`, n, rampMs, windowMs);
      await truth(streams.map((s) => s.id));
      const out = noErrors();
      for (const s of streams) addBareErrors(out, s, provider.requests.get(s.id)!);
      return out;
    },
    async stop() {
      await bare.stop();
      await pool.onApplicationShutdown();
      await deleteQueueKeys(prefix);
      redis.disconnect();
    },
  };
}

const SETTINGS = { foldTokens: 20, halfLifeMs: 1000 };

function streamId(r: AnswerCaptureResult): number {
  if (r.error !== null) throw new Error(`capture failed: ${r.error.code} ${r.error.message}`);
  return Number(/^S(\d+) /.exec(r.capture.answerText)?.[1]);
}

function addCaptureErrors(
  out: AbsoluteErrors,
  r: AnswerCaptureResult,
  originHrMs: number,
  p: LoadProvider,
  id: number,
): void {
  const writes = p.streams.get(id)!;
  const requestMs = p.requests.get(id)!;
  const truthMs = (k: number): number => writes[k]! - requestMs;
  const { capture: c } = r;
  // One content event per chunk (the fake writes one token per event); a read may carry several.
  const events: number[] = [];
  const eventOfChar: number[] = [];
  let start = 0;
  c.chunkEnds.forEach((end, i) => {
    if (end > start) events.push(c.chunkArrivalsUs[i]!);
    for (let x = start; x < end; x++) eventOfChar[x] = events.length - 1;
    start = end;
  });
  if (events.length !== writes.length) {
    throw new Error(`stream ${id}: ${events.length} events, ${writes.length} writes`);
  }
  events.forEach((atUs, k) => out.arrivalsMs.push(atUs / 1000 - truthMs(k)));
  out.requestLegMs.push(requestMs - originHrMs);
  events.forEach((atUs, k) => out.responseLegMs.push(originHrMs + atUs / 1000 - writes[k]!));
  out.ttftMs.push(c.ttftUs! / 1000 - truthMs(0));
  for (const m of r.mentions) out.visibleMs.push(m.visibleAtUs / 1000 - truthMs(eventOfChar[m.charEnd - 1]!));
}

function addBareErrors(out: AbsoluteErrors, s: BareStream, requestMs: number): void {
  s.arrivalsMs.forEach((at, k) => out.arrivalsMs.push(at - s.sentMs - (s.writesMs[k]! - requestMs)));
  out.requestLegMs.push(requestMs - s.sentMs);
  s.arrivalsMs.forEach((at, k) => out.responseLegMs.push(at - s.writesMs[k]!));
  out.ttftMs.push(out.arrivalsMs.at(-s.arrivalsMs.length)!);
}

/** Idle: no stream open for this long (the socket thread used to poll every 20 ms after 2 s of it). */
const IDLE_MS = 3_200;

export interface AbsoluteSettings {
  tokens: number;
  idleSamples: number;
  warmSamples: number;
  /** Streams in flight for the steady-state case; 0 skips it. */
  streams: number;
  providerNice: number;
  /** The fake's SCHED_FIFO priority (0: none, it runs at providerNice). */
  providerRt: number;
}

/**
 * The cases, each alternating floor and streamrank: one answer after IDLE_MS with nothing open, one right
 * after another, and `streams` in flight (started over one answer's length, measured for 3 s after 1.5 s).
 */
export async function absoluteCases(
  targets: Target[],
  s: AbsoluteSettings,
): Promise<Record<string, unknown>> {
  const provider = await startLoadProvider({
    LOAD_RATE: '50',
    LOAD_MIN_TOKENS: String(s.tokens),
    LOAD_MAX_TOKENS: String(s.tokens),
    LOAD_PROVIDER_NICE: String(s.providerNice),
    LOAD_PROVIDER_RT: String(s.providerRt),
  });
  const rig = await startAbsoluteTimingRig(provider);
  const fake = provider.realtime ?? `nice ${s.providerNice}`;
  const out: Record<string, unknown> = { socketThread: rig.socketThread, fake, tokensPerAnswer: s.tokens };
  console.log(
    `absolute times via the capture pool (socket thread ${rig.socketThread}, fake provider ${fake}), ` +
      `${s.tokens} tokens/answer`,
  );
  const one: Load = { n: 1, rampMs: 0, windowMs: 0 };
  try {
    await rig.floor(one);
    await rig.streamrank(one); // threads and sockets warm
    const answerMs = (s.tokens / 50) * 1000;
    const cases = [
      { name: '1 stream after >= 3 s idle', load: one, times: s.idleSamples, idle: true, target: 2 },
      { name: '1 stream right after another', load: one, times: s.warmSamples, idle: false, target: 2 },
      ...(s.streams > 0
        ? [
            {
              name: `${s.streams} streams in flight`,
              load: { n: s.streams, rampMs: Math.max(1_500, answerMs * 2), windowMs: 3_000 },
              times: 1,
              idle: true,
              target: 5,
            },
          ]
        : []),
    ];
    for (const c of cases) {
      const sr = noErrors();
      const bare = noErrors();
      for (let i = 0; i < c.times; i++) {
        if (c.idle) await sleep(IDLE_MS);
        merge(bare, await rig.floor(c.load));
        if (c.idle) await sleep(IDLE_MS);
        merge(sr, await rig.streamrank(c.load));
      }
      const f = {
        ttftMs: figures(sr.ttftMs, 3),
        arrivalsMs: figures(sr.arrivalsMs, 3),
        visibleMs: figures(sr.visibleMs, 3),
        floorTtftMs: figures(bare.ttftMs, 3),
        floorArrivalsMs: figures(bare.arrivalsMs, 3),
        signedArrivalsMedianMs: Number((percentile(sr.arrivalsMs, 0.5) ?? NaN).toFixed(3)),
        requestLegMs: figures(sr.requestLegMs, 3),
        responseLegMs: figures(sr.responseLegMs, 3),
        floorRequestLegMs: figures(bare.requestLegMs, 3),
        floorResponseLegMs: figures(bare.responseLegMs, 3),
      };
      out[c.name] = f;
      console.log(`  ${c.name}:`);
      console.log(`    streamrank TTFT |error| ${show(f.ttftMs, 'ms')}`);
      console.log(
        `    streamrank arrivals |error| ${show(f.arrivalsMs, 'ms')}; visibleAt ${show(f.visibleMs, 'ms')}`,
      );
      console.log(
        `    floor (bare node:http): TTFT ${show(f.floorTtftMs, 'ms')}; arrivals ${show(f.floorArrivalsMs, 'ms')}`,
      );
      console.log(
        `    legs (fake saw request - sent; arrival - write): streamrank ${f.requestLegMs.p50}/${f.requestLegMs.p99}; ` +
          `${f.responseLegMs.p50}/${f.responseLegMs.p99} ms, floor ${f.floorRequestLegMs.p50}/` +
          `${f.floorRequestLegMs.p99}; ${f.floorResponseLegMs.p50}/${f.floorResponseLegMs.p99} ms (median/p99 |x|)`,
      );
      const measured = f.arrivalsMs.p99;
      const ratio = Number((measured / Math.max(f.floorArrivalsMs.p99, 1e-3)).toFixed(2));
      targets.push(
        {
          name: `${c.name}: p99 |error| of absolute arrivals (ms)`,
          target: c.target,
          measured,
          headroom: headroom(c.target, measured),
          floorP99Ms: f.floorArrivalsMs.p99,
        },
        {
          name: `${c.name}: p99 over the floor's p99`,
          target: 1.5,
          measured: ratio,
          headroom: headroom(1.5, ratio),
        },
      );
    }
  } finally {
    await rig.stop();
    await provider.stop();
  }
  return out;
}

function merge(into: AbsoluteErrors, e: AbsoluteErrors): void {
  into.ttftMs.push(...e.ttftMs);
  into.arrivalsMs.push(...e.arrivalsMs);
  into.visibleMs.push(...e.visibleMs);
  into.requestLegMs.push(...e.requestLegMs);
  into.responseLegMs.push(...e.responseLegMs);
}
