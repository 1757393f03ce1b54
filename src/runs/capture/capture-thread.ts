/**
 * A capture thread (worker_threads): streams answers for the main thread. Its adapters' HTTP exchanges run on
 * the socket thread (socket-thread.ts), which timestamps every read; here the reads are decoded, recorded and
 * matched, and answers analysed as they end (in short turns). Neither this work nor the main thread's queue
 * traffic, database writes and live-event publishing delays an arrival time. It runs at a lower priority
 * (CaptureThreadData.nice) than the main thread: it only decides how soon a live chunk is published.
 *
 * Protocol (capture-protocol.ts): `start` runs one answer through `captureAnswer` with this thread's own
 * adapters; live chunks and mentions (batched by the job's liveBatchMs) and the result go back in one message
 * per event-loop turn, in order. `abort` aborts one answer (the worker is shutting down). Nothing here touches
 * Nest, Postgres or Redis.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { type BrandSpec } from '../../detection/brand-watchlist';
import { CompiledWatchlist } from '../../detection/compiled-watchlist';
import { SystemMonotonicClock } from '../../llm/monotonic-clock';
import { buildProviders } from '../../llm/provider-adapters';
import { ProviderError } from '../../llm/provider-error';
import { LoopTurns } from '../loop-turns';
import { analyzeAnswer } from '../run-analysis';
import { captureAnswer } from './answer-capture';
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
const toSocket = new BoostedPost(tid, priority.nice, data.socketNice);
const providers = buildProviders(
  data.http,
  new SocketThreadTransport(data.socketPort, (post) => toSocket.run(post)),
);
const hrOffsetMs = perfToHrOffsetMs();
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
  const { id } = msg;
  const controller = new AbortController();
  running.set(id, controller);
  try {
    const watchlist = watchlistFor(msg.job.brands);
    const clock = new SystemMonotonicClock();
    send({ id, type: 'started', originHrMs: clock.originMs + hrOffsetMs });
    const result = await captureAnswer(
      providers[msg.providerKey],
      msg.job,
      controller.signal,
      {
        chunks: (chunks) => send({ id, type: 'chunks', chunks }),
        mentions: (mentions) => send({ id, type: 'mentions', mentions }),
      },
      watchlist,
      clock,
    );
    const { analysis } = msg.job;
    send({
      id,
      type: 'done',
      // The chunk list repeats answerText, chunkEnds and chunkArrivalsUs; not worth copying across threads.
      capture: { ...result.capture, chunks: [] },
      error: result.error === null ? null : serializeProviderError(result.error),
      mentions: result.mentions,
      analysis:
        result.error === null && analysis !== undefined
          ? await analysisTurns.run(() =>
              analyzeAnswer(result.capture, result.mentions, analysis.brands, analysis.settings),
            )
          : null,
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
