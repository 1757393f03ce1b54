/**
 * A capture thread (worker_threads): streams answers for the main thread. Its adapters' HTTP exchanges run on
 * the socket thread (socket-thread.ts), which timestamps every read; here the reads are decoded, recorded and
 * matched, the answers' live events (status `running`, chunks, mentions) are written to Redis on the thread's
 * own connection, and answers are analysed as they end (in short turns). Neither this work nor the main
 * thread's queue traffic and database writes delays an arrival time, and the main thread handles no per-chunk
 * work at all. It runs at a lower priority (CaptureThreadData.nice) than the main thread: it only decides how
 * soon a live chunk is published.
 *
 * Protocol (capture-protocol.ts): `start` runs one answer through `captureAnswer` with this thread's own
 * adapters; its result goes back once the answer's live events have been answered by Redis, so the main
 * thread's events of the run (`succeeded`, `scores`, a failure) follow them in the log. `abort` aborts one
 * answer (the worker is shutting down). Nothing here touches Nest or Postgres.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { type BrandSpec } from '../../detection/brand-watchlist';
import { CompiledWatchlist } from '../../detection/compiled-watchlist';
import { SystemMonotonicClock } from '../../llm/monotonic-clock';
import { buildProviders } from '../../llm/provider-adapters';
import { ProviderError } from '../../llm/provider-error';
import { createRedis } from '../../infra/redis/create-redis';
import { LiveEventWriter } from '../../live-events/live-event-writer';
import { LoopTurns } from './loop-turns';
import { analyzeAnswer } from '../analysis/run-analysis';
import { captureAnswer } from '../analysis/answer-capture';
import { SocketThreadTransport } from './socket-transport';
import { BoostedPost, setThreadNice } from './thread-priority';
import {
  perfToHrOffsetMs,
  serializeProviderError,
  type CaptureRecord,
  type CaptureThreadData,
  type ToCaptureThread,
} from './capture-protocol';

const port = parentPort;
if (port === null) throw new Error('capture-thread must run in a worker thread');
const data = workerData as CaptureThreadData;
const priority = setThreadNice(data.nice);
const { tid } = priority;
const toMain = new BoostedPost(tid, priority.nice, data.mainNice);
const providers = buildProviders(data.http, new SocketThreadTransport(data.socketRings));
/** Held for the thread's life: the socket thread takes its closing for this thread's end. */
const socketPort = data.socketPort;
socketPort.unref();
const hrOffsetMs = perfToHrOffsetMs();
const live = new LiveEventWriter(
  createRedis(data.live.redisUrl, 'capture-live'),
  data.live.prefix,
  (fields, message) => send({ id: 0, type: 'warn', message, fields: { ...fields, err: String(fields.err) } }),
);
/** How long a starting thread waits for its Redis connection before taking answers (events before it drop). */
const LIVE_CONNECT_WAIT_MS = 3_000;
const running = new Map<number, AbortController>();
/**
 * Answers that end together (a schedule starts hundreds at once) are analysed about a millisecond's worth
 * per event-loop turn, so the reads of the streams still running are stamped between them.
 */
const analysisTurns = new LoopTurns(1);

/** Compiled watchlists by brand configuration: a project's runs share one compilation. */
const WATCHLIST_CACHE_SIZE = 64;
const watchlists = new Map<string, CompiledWatchlist>();
function watchlistFor(brands: BrandSpec[]): CompiledWatchlist {
  const key = JSON.stringify(brands);
  let compiled = watchlists.get(key);
  if (compiled !== undefined) {
    watchlists.delete(key); // re-inserted below: most recently used last
  } else {
    compiled = new CompiledWatchlist(brands);
    if (watchlists.size >= WATCHLIST_CACHE_SIZE) watchlists.delete(watchlists.keys().next().value!);
  }
  watchlists.set(key, compiled);
  return compiled;
}

let batch: CaptureRecord[] = [];
function send(record: CaptureRecord): void {
  if (batch.push(record) === 1) setImmediate(flush);
}
function flush(): void {
  const records = batch;
  batch = [];
  toMain.run(() => port!.postMessage(records));
}

async function start(msg: Extract<ToCaptureThread, { type: 'start' }>): Promise<void> {
  const { id, run } = msg;
  const controller = new AbortController();
  running.set(id, controller);
  try {
    const watchlist = watchlistFor(msg.job.brands);
    live.status(run, 'running');
    const clock = new SystemMonotonicClock();
    const result = await captureAnswer(
      providers[msg.providerKey],
      msg.job,
      controller.signal,
      {
        chunks: (chunks) => live.chunks(run, chunks),
        mentions: (mentions) => {
          for (const m of mentions) live.mention(run, m);
        },
      },
      watchlist,
      clock,
    );
    // Its zero now is the request-sent instant the socket thread stamped.
    send({ id, type: 'started', originHrMs: clock.originMs + hrOffsetMs });
    const { analysis } = msg.job;
    const analysed =
      result.error === null && analysis !== undefined
        ? await analysisTurns.run(() =>
            analyzeAnswer(result.capture, result.mentions, analysis.brands, analysis.settings),
          )
        : null;
    // Its events first, then the result (bounded: Redis slow or down does not hold the run).
    await live.settled();
    send({
      id,
      type: 'done',
      // The chunk list repeats answerText, chunkEnds and chunkArrivalsUs; not worth copying across threads.
      capture: { ...result.capture, chunks: [] },
      error: result.error === null ? null : serializeProviderError(result.error),
      mentions: result.mentions,
      analysis: analysed,
    });
  } catch (e) {
    const error = e instanceof Error ? e : new Error(String(e));
    send({
      id,
      type: 'crashed',
      message: error instanceof ProviderError ? `${error.code}: ${error.message}` : error.message,
      ...(error.stack !== undefined ? { stack: error.stack } : {}),
    });
  } finally {
    running.delete(id);
  }
}

// Ready once the live-event connection is (or LIVE_CONNECT_WAIT_MS passed): the first answer's events would
// drop otherwise. Messages posted meanwhile wait in the port.
void live.connected(LIVE_CONNECT_WAIT_MS).then(() => {
  port.postMessage([{ id: 0, type: 'ready', tid }] satisfies CaptureRecord[]);
  port.on('message', (msg: ToCaptureThread) => {
    switch (msg.type) {
      case 'start':
        void start(msg);
        break;
      case 'abort':
        running.get(msg.id)?.abort(new Error(msg.reason));
        break;
    }
  });
});
