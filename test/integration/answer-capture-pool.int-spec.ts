// The capture pool against real HTTP streams from a fake provider in a CHILD process, which stamps every
// write with process.hrtime (the clock all threads and processes here share), and real Redis for the live
// events. The headline property: reads are stamped on a capture thread, so a blocked main thread (queue
// traffic, database writes, a long analysis) delays no arrival time; with CAPTURE_THREADS=0 the same blocking
// shows up in every arrival after it.
import { randomUUID } from 'node:crypto';
import { type Worker } from 'node:worker_threads';
import { Logger } from '@nestjs/common';
import { Redis } from 'ioredis';
import { loadConfig } from '../../src/config/app-config';
import { RunEventPublisher, type RunRef } from '../../src/live-events/run-event-publisher';
import { runLogKey } from '../../src/live-events/run-event-keys';
import { buildProviders } from '../../src/llm/provider-adapters';
import { AnswerCapturePool } from '../../src/capture/threads/answer-capture-pool';
import { schedulingPolicy } from '../../src/capture/threads/thread-priority';
import { type AnswerCaptureJob, type AnswerCaptureResult } from '../../src/capture/analysis/answer-capture';
import { type ResolvedEngine } from '../../src/llm/provider-adapters';
import { analyzeAnswer, replayMentions } from '../../src/capture/analysis/run-analysis';
import { startLoadProvider, type LoadProvider } from '../../bench/support/bench-env';
import { deleteQueueKeys, isolatedQueuePrefix } from '../support/pipeline';

const TOKENS = 40;
const RATE = 100; // tokens/s: a 0.4 s answer
const BRANDS = [
  { id: 'acme', name: 'Acme', aliases: [], exclusions: [], domains: ['acme.example.com'] },
  { id: 'globex', name: 'Globex', aliases: [], exclusions: [], domains: [] },
  { id: 'initech', name: 'Initech', aliases: [], exclusions: [], domains: [] },
];
const SETTINGS = { foldTokens: 20, halfLifeMs: 1000 };
const PREFIX = isolatedQueuePrefix('capture-pool');

/** One entry of a run's live-event log, its data parsed. */
type LoggedEvent =
  | { type: 'status'; data: { status: string; attempt: number } }
  | { type: 'chunk'; data: { index: number; text: string; arrivalMs: number }[] }
  | {
      type: 'mention';
      data: { brandId: string; matched: string; charStart: number; charEnd: number; visibleAtMs: number };
    };

interface Captured {
  result: AnswerCaptureResult;
  originHrMs: number;
  run: RunRef;
}

describe('AnswerCapturePool (capture threads)', () => {
  let provider: LoadProvider;
  let redis: Redis;
  const pools: AnswerCapturePool[] = [];

  beforeAll(async () => {
    redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { lazyConnect: true });
    await redis.connect();
    provider = await startLoadProvider({
      LOAD_RATE: String(RATE),
      LOAD_MIN_TOKENS: String(TOKENS),
      LOAD_MAX_TOKENS: String(TOKENS),
    });
  });

  afterAll(async () => {
    for (const p of pools) await p.onApplicationShutdown();
    await provider?.stop();
    await deleteQueueKeys(PREFIX);
    redis?.disconnect();
  });

  function pool(threads: number, env: Record<string, string> = {}): AnswerCapturePool {
    const config = loadConfig({
      ...process.env,
      CAPTURE_THREADS: String(threads),
      EGRESS_ALLOW_PRIVATE: 'true',
      QUEUE_PREFIX: PREFIX,
      ...env,
    });
    const p = new AnswerCapturePool(config, new RunEventPublisher(redis, config));
    pools.push(p);
    return p;
  }

  /** The run's live-event log as it stands. */
  async function logged(run: RunRef): Promise<LoggedEvent[]> {
    const entries = await redis.xrange(runLogKey(PREFIX, run.runId), '-', '+');
    return entries.map(([, f]) => ({ type: f[1], data: JSON.parse(f[3]!) }) as LoggedEvent);
  }

  const resolved = (): ResolvedEngine => ({
    providerKey: 'openai-compatible',
    provider: buildProviders({ allowPrivate: true, idleTimeoutMs: 10_000, deadlineMs: 30_000 })[
      'openai-compatible'
    ],
    request: { baseUrl: provider.baseUrl, model: 'gpt-fake', prompt: 'best crm?', parameters: {} },
  });

  const job = (overrides: Partial<AnswerCaptureJob> = {}): AnswerCaptureJob => ({
    request: resolved().request,
    brands: BRANDS,
    contentIdleMs: 10_000,
    liveBatchMs: 50,
    analysis: { brands: BRANDS.map((b) => ({ id: b.id, kind: 'competitor' as const })), settings: SETTINGS },
    ...overrides,
  });

  async function capture(
    p: AnswerCapturePool,
    options: { signal?: AbortSignal; during?: () => void; job?: AnswerCaptureJob } = {},
  ): Promise<Captured> {
    const tag = `t${Math.random()}`;
    let originHrMs = NaN;
    p.onClockOrigin = (t, origin) => {
      if (t === tag) originHrMs = origin;
    };
    const run = { runId: randomUUID(), projectId: 'project', attempt: 1 };
    const running = p.capture(
      resolved(),
      options.job ?? job(),
      options.signal ?? new AbortController().signal,
      run,
      tag,
    );
    options.during?.();
    const result = await running;
    return { result, originHrMs, run };
  }

  /** Arrival (hrtime ms) minus the fake's write time of each content event, in ms. */
  async function arrivalErrorsMs(c: Captured): Promise<number[]> {
    const { capture: cap } = c.result;
    const stream = Number(/^S(\d+) /.exec(cap.answerText)?.[1]);
    const deadline = Date.now() + 5_000;
    for (
      await provider.collect();
      !provider.streams.has(stream) && Date.now() < deadline;
      await provider.collect()
    ) {
      await new Promise((r) => setTimeout(r, 20));
    }
    const writes = provider.streams.get(stream)!;
    expect(writes).toHaveLength(TOKENS);
    // One content event per token; every event of one write shares the write's time and its read's arrival.
    const arrivals = eventArrivals(cap.answerText, cap.chunkEnds, cap.chunkArrivalsUs);
    expect(arrivals).toHaveLength(TOKENS);
    return arrivals.map((atUs, k) => c.originHrMs + atUs / 1000 - writes[k]!);
  }

  /** Blocks this (the main) thread for `ms`, 100 ms from now. */
  function blockMainThreadSoon(ms: number): () => void {
    return () =>
      void setTimeout(() => {
        const until = performance.now() + ms;
        while (performance.now() < until);
      }, 100);
  }

  it('stamps reads on the socket thread: a blocked main thread delays no arrival time', async () => {
    const threaded = await capture(pool(2), { during: blockMainThreadSoon(250) });
    expect(threaded.result.error).toBeNull();
    const errors = await arrivalErrorsMs(threaded);
    // Loopback delivery plus the capture thread's own turn: well under a millisecond on a quiet machine. The
    // bound is half the block, so a busy machine cannot fail it while a stamp taken on the main thread would.
    expect(Math.max(...errors)).toBeLessThan(125);
    expect(Math.min(...errors)).toBeGreaterThan(-1); // never before the write: the clocks line up

    // The same blocking with reads on the main thread: arrivals after it are late by up to the block.
    const inline = await capture(pool(0), { during: blockMainThreadSoon(250) });
    expect(inline.result.error).toBeNull();
    expect(Math.max(...(await arrivalErrorsMs(inline)))).toBeGreaterThan(150);
  });

  it('returns the capture, mentions and analysis a main-thread run would compute', async () => {
    const { result } = await capture(pool(2));
    expect(result.error).toBeNull();
    expect(result.capture.complete).toBe(true);
    expect(result.capture.answerText.split(' ').length).toBeGreaterThanOrEqual(TOKENS);
    expect(result.mentions.length).toBeGreaterThan(0);
    // Detection while streaming on the thread = detection replayed from the stored chunks.
    expect(result.mentions).toEqual(replayMentions(result.capture, BRANDS));
    expect(result.analysis).toEqual(
      analyzeAnswer(
        result.capture,
        result.mentions,
        BRANDS.map((b) => ({ id: b.id, kind: 'competitor' })),
        SETTINGS,
      ),
    );
    // On the main thread the analysis is left to the caller.
    const inline = await capture(pool(0));
    expect(inline.result.analysis).toBeNull();
    expect(inline.result.mentions).toEqual(replayMentions(inline.result.capture, BRANDS));
  });

  it.each([2, 0])(
    'has the live events in the log when it resolves (%i capture threads): running, chunks in order and batched, each mention after the chunk that holds it',
    async (threads) => {
      // Redis holds every write from 250 ms into the 400 ms answer until 200 ms after it ends.
      const pause = (): void =>
        void setTimeout(() => void redis.call('CLIENT', 'PAUSE', '350', 'WRITE'), 250);
      const p = pool(threads);
      await p.onModuleInit(); // threads up: the pause falls in the answer
      const { result, run } = await capture(p, { during: pause });
      expect(result.error).toBeNull();
      // Read right after the capture resolved: a capture thread writes on its own connection and answers only
      // once Redis has answered, so the caller's next events (the run's outcome) follow these in the log.
      const events = await logged(run);
      expect(events[0]).toEqual({ type: 'status', data: { status: 'running', attempt: 1 } });
      const batches = events.flatMap((e) => (e.type === 'chunk' ? [e.data] : []));
      const chunks = batches.flat();
      expect(chunks.map((c) => c.index)).toEqual(chunks.map((_, i) => i));
      expect(chunks.map((c) => c.text).join('')).toBe(result.capture.answerText);
      expect(chunks.map((c) => Math.round(c.arrivalMs * 1000))).toEqual(result.capture.chunkArrivalsUs);
      // 40 tokens 10 ms apart in 50 ms batches: far fewer log entries than chunks.
      expect(batches.length).toBeLessThan(chunks.length / 2);
      let delivered = 0;
      const mentions: Extract<LoggedEvent, { type: 'mention' }>['data'][] = [];
      for (const e of events) {
        if (e.type === 'chunk') delivered += e.data.reduce((n, c) => n + c.text.length, 0);
        if (e.type !== 'mention') continue;
        expect(e.data.charEnd).toBeLessThanOrEqual(delivered);
        mentions.push(e.data);
      }
      expect(mentions).toEqual(
        result.mentions.map((m) => ({
          brandId: m.brandId,
          matched: m.matched,
          charStart: m.charStart,
          charEnd: m.charEnd,
          visibleAtMs: m.visibleAtUs / 1000,
        })),
      );
      expect(mentions.length).toBeGreaterThan(0);
    },
  );

  it('still captures when a capture thread cannot reach Redis: its live events are dropped and logged', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    try {
      // Nothing listens on port 1: the thread's connection never becomes ready.
      const { result, run } = await capture(pool(1, { REDIS_URL: 'redis://127.0.0.1:1' }));
      expect(result.error).toBeNull();
      expect(result.capture.complete).toBe(true);
      expect(await logged(run)).toEqual([]);
      expect(warn).toHaveBeenCalledWith(
        expect.objectContaining({ runId: run.runId, dropped: expect.any(Number) as number }),
        expect.stringMatching(/^capture thread: live run events dropped/),
      );
    } finally {
      warn.mockRestore();
    }
  });

  it('aborts an answer on request, and replaces a capture thread that dies', async () => {
    const p = pool(1);
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('worker shutting down')), 100);
    const aborted = await capture(p, { signal: controller.signal });
    expect(aborted.result.error?.code).toBe('aborted');
    expect(aborted.result.capture.complete).toBe(false);

    const threads = (p as unknown as { threads: { worker: Worker }[] }).threads;
    expect(threads).toHaveLength(1);
    const dying = capture(p, { during: () => void threads[0]!.worker.terminate() });
    await expect(dying).rejects.toThrow(/capture thread exited/);
    // The next answer gets a new thread.
    const after = await capture(p);
    expect(after.result.error).toBeNull();
    expect((p as unknown as { threads: unknown[] }).threads).toHaveLength(1);
  });

  it('replaces a socket thread that dies, and every capture thread with it', async () => {
    const p = pool(2);
    await p.onModuleInit();
    const internals = p as unknown as { socket: { worker: Worker } | null; threads: { worker: Worker }[] };
    const before = internals.threads.map((t) => t.worker.threadId);
    const socket = internals.socket!;
    const dying = capture(p, { during: () => void socket.worker.terminate() });
    await expect(dying).rejects.toThrow(/socket thread exited/);
    // Nothing answered on the old threads: the next answer gets a new socket thread and new capture threads.
    const after = await capture(p);
    expect(after.result.error).toBeNull();
    expect(internals.socket).not.toBe(socket);
    expect(internals.threads.map((t) => t.worker.threadId).some((id) => before.includes(id))).toBe(false);
  });

  it('runs the socket thread ahead of the main thread and the capture threads behind it', async () => {
    const config = loadConfig({ ...process.env, CAPTURE_THREADS: '2' });
    const p = pool(2);
    await p.onModuleInit();
    const nices = threadNices();
    // Lowering a thread's priority needs no privilege; raising it needs CAP_SYS_NICE (else it stays at 0).
    expect(nices.filter((n) => n === config.CAPTURE_THREAD_NICE).length).toBeGreaterThanOrEqual(2);
    const socketNice = p.socketNice;
    expect([config.CAPTURE_SOCKET_NICE, 0]).toContain(socketNice);
    expect(nices).toContain(socketNice);
    // The main thread (its thread id is the process id; not always the smallest once pids wrap) keeps its own.
    expect(threadNice(process.pid)).toBe(0);
    // Each thread reports its kernel id (the load benchmark's per-thread figures): the ids are this process's
    // threads, and each has the nice value its role asked for.
    const ids = p.threadIds();
    expect(ids.capture).toHaveLength(2);
    expect(threadNice(ids.socket!)).toBe(socketNice);
    for (const tid of ids.capture) expect(threadNice(tid)).toBe(config.CAPTURE_THREAD_NICE);
    // A capture thread posts to the socket and main threads at their priority (BoostedPost), and only then:
    // after an answer has streamed, each goes back to its own (right after its last post, which the main
    // thread may have received first).
    const streamed = await capture(p);
    expect(streamed.result.error).toBeNull();
    const deadline = Date.now() + 2_000;
    while (
      ids.capture.some((tid) => threadNice(tid) !== config.CAPTURE_THREAD_NICE) &&
      Date.now() < deadline
    ) {
      await new Promise((r) => setTimeout(r, 10));
    }
    for (const tid of ids.capture) expect(threadNice(tid)).toBe(config.CAPTURE_THREAD_NICE);
  });
  it('runs the socket thread real-time where permitted, and as a normal thread when told not to', async () => {
    const rt = pool(1);
    await rt.onModuleInit();
    expect(schedulingPolicy(rt.threadIds().socket!)).toBe(rt.socketRealtime ? SCHED_FIFO : SCHED_OTHER);
    // Root may (this machine and CI run the tests as root): a refusal there would be a regression.
    if (process.getuid?.() === 0) expect(rt.socketRealtime).toBe(true);
    const normal = pool(1, { CAPTURE_SOCKET_RT_PRIORITY: '0' });
    await normal.onModuleInit();
    expect(normal.socketRealtime).toBe(false);
    expect(schedulingPolicy(normal.threadIds().socket!)).toBe(SCHED_OTHER);
    // Either way, answers stream.
    expect((await capture(rt)).result.error).toBeNull();
    expect((await capture(normal)).result.error).toBeNull();
  });
});

const SCHED_OTHER = 0;
const SCHED_FIFO = 1;

/** Nice value of every thread of this process, the main thread first (Linux /proc). */
function threadNices(): number[] {
  const fs = jest.requireActual<typeof import('node:fs')>('node:fs');
  const tids = fs
    .readdirSync('/proc/self/task')
    .map(Number)
    .sort((a, b) => a - b);
  return tids.map(threadNice);
}

/** Nice value of one thread of this process (throws if it is not one). */
function threadNice(tid: number): number {
  const fs = jest.requireActual<typeof import('node:fs')>('node:fs');
  const stat = fs.readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
}

/** Arrival of each SSE content event: the chunk list groups the events of one read. */
function eventArrivals(text: string, chunkEnds: number[], arrivalsUs: number[]): number[] {
  // The fake writes one token per event, each ending in a space; a chunk is one event's text.
  const out: number[] = [];
  let start = 0;
  chunkEnds.forEach((end, i) => {
    if (text.slice(start, end).length > 0) out.push(arrivalsUs[i]!);
    start = end;
  });
  return out;
}
