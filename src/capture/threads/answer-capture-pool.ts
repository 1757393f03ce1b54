import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import path from 'node:path';
import { getPriority } from 'node:os';
import { MessageChannel, Worker, type MessagePort, type TransferListItem } from 'node:worker_threads';
import { type AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { CompiledWatchlist } from '../../detection/compiled-watchlist';
import { SystemMonotonicClock } from '../../llm/monotonic-clock';
import { type ProviderKey } from '../../llm/provider-adapters';
import { providerHttpSettings, type ResolvedEngine } from '../../runs/execution/provider-registry';
import { RunEventPublisher, type RunRef } from '../../live-events/run-event-publisher';
import {
  captureAnswer,
  type AnswerCaptureJob,
  type AnswerCaptureResult,
  type LiveAnswerListener,
} from '../analysis/answer-capture';
import {
  CaptureThreadError,
  deserializeProviderError,
  perfToHrOffsetMs,
  type CaptureRecord,
  type CaptureThreadData,
  type FromCaptureThread,
  type ToCaptureThread,
} from './capture-protocol';
import { ByteRing } from './byte-ring';
import {
  RECORDS_RING_BYTES,
  REQUESTS_RING_BYTES,
  type SocketChannelRings,
  type SocketRecord,
  type SocketThreadData,
  type ToSocketThread,
} from './socket-protocol';

/** How long shutdown waits for captures still in a thread before stopping the threads. */
const SHUTDOWN_WAIT_MS = 5_000;

interface PendingCapture {
  onOrigin: (originHrMs: number) => void;
  resolve: (result: AnswerCaptureResult) => void;
  reject: (error: Error) => void;
}

/**
 * A thread's start: resolves when it reports ready, rejects if it stops first (later settles change nothing).
 * Awaited by onModuleInit only; a thread that dies later is handled where it stops.
 */
class Readiness {
  settle: (error?: Error) => void = () => undefined;
  readonly promise = new Promise<void>((resolve, reject) => {
    this.settle = (error) => (error ? reject(error) : resolve());
  });

  constructor() {
    this.promise.catch(() => undefined);
  }
}

/** One capture thread and the answers it is streaming. */
class CaptureThread {
  private readonly pending = new Map<number, PendingCapture>();
  private nextId = 1;
  private stopped = false;
  /** Resolves once the thread has loaded its adapters (rejects if it dies first). */
  private readonly started = new Readiness();
  readonly ready = this.started.promise;
  /** The kernel's id of the thread, once it reported ready (null off Linux). */
  tid: number | null = null;

  constructor(
    private readonly worker: Worker,
    private readonly onStopped: (thread: CaptureThread, reason: Error) => void,
    private readonly onWarning: (record: Extract<CaptureRecord, { type: 'warn' }>) => void,
  ) {
    worker.on('message', (records: FromCaptureThread) => {
      for (const record of records) this.dispatch(record);
    });
    worker.on('error', (e) =>
      this.stop(new CaptureThreadError(`capture thread failed: ${e.message}`, { cause: e })),
    );
    worker.on('exit', (code) => this.stop(new CaptureThreadError(`capture thread exited with code ${code}`)));
    // Captures in flight keep the process busy anyway; an idle thread must not keep it alive.
    worker.unref();
  }

  get load(): number {
    return this.pending.size;
  }

  capture(
    providerKey: ProviderKey,
    job: AnswerCaptureJob,
    signal: AbortSignal,
    run: RunRef,
    onOrigin: (originHrMs: number) => void,
  ): Promise<AnswerCaptureResult> {
    const id = this.nextId++;
    return new Promise<AnswerCaptureResult>((resolve, reject) => {
      const onAbort = (): void => {
        const reason: unknown = signal.reason;
        this.post({ type: 'abort', id, reason: reason instanceof Error ? reason.message : String(reason) });
      };
      const settle = (): void => {
        signal.removeEventListener('abort', onAbort);
        this.pending.delete(id);
      };
      this.pending.set(id, {
        onOrigin,
        resolve: (result) => {
          settle();
          resolve(result);
        },
        reject: (error) => {
          settle();
          reject(error);
        },
      });
      this.post({ type: 'start', id, providerKey, job, run });
      if (signal.aborted) onAbort();
      else signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  async drain(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.pending.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  }

  async terminate(): Promise<void> {
    this.stopped = true;
    await this.worker.terminate();
  }

  /** The socket thread is gone: this thread's answers fail with `reason` and the thread stops. */
  abandon(reason: Error): void {
    this.stop(reason);
    void this.worker.terminate();
  }

  private post(message: ToCaptureThread): void {
    if (!this.stopped) this.worker.postMessage(message);
  }

  private dispatch(record: CaptureRecord): void {
    if (record.type === 'ready') {
      this.tid = record.tid;
      return this.started.settle();
    }
    if (record.type === 'warn') return this.onWarning(record);
    const p = this.pending.get(record.id);
    if (p === undefined) return;
    switch (record.type) {
      case 'started':
        p.onOrigin(record.originHrMs);
        break;
      case 'done':
        p.resolve({
          capture: record.capture,
          error: record.error === null ? null : deserializeProviderError(record.error),
          mentions: record.mentions,
          analysis: record.analysis,
        });
        break;
      case 'crashed': {
        const error = new CaptureThreadError(`capture thread: ${record.message}`);
        if (record.stack !== undefined) error.stack = record.stack;
        p.reject(error);
        break;
      }
    }
  }

  private stop(reason: Error): void {
    this.started.settle(reason);
    if (this.stopped && this.pending.size === 0) return;
    this.stopped = true;
    for (const p of [...this.pending.values()]) p.reject(reason);
    this.onStopped(this, reason);
  }
}

/** The socket thread: every provider socket of this process (socket-thread.ts). */
class SocketThread {
  private stopped = false;
  private readonly started = new Readiness();
  readonly ready = this.started.promise;

  constructor(
    private readonly worker: Worker,
    onStopped: (reason: Error) => void,
    onPriority: (record: Extract<SocketRecord, { t: 'ready' }>) => void,
  ) {
    worker.on('message', (record: SocketRecord) => {
      if (record.t !== 'ready') return;
      onPriority(record);
      this.started.settle();
    });
    const stop = (reason: Error): void => {
      this.started.settle(reason);
      if (this.stopped) return;
      this.stopped = true;
      onStopped(reason);
    };
    worker.on('error', (e) =>
      stop(new CaptureThreadError(`socket thread failed: ${e.message}`, { cause: e })),
    );
    worker.on('exit', (code) => stop(new CaptureThreadError(`socket thread exited with code ${code}`)));
    worker.unref();
  }

  /**
   * A new channel to this thread: its rings, shared with the capture thread, and the capture thread's end of a
   * port whose closing tells this thread it is gone.
   */
  attach(): { port: MessagePort; rings: SocketChannelRings } {
    const { port1, port2 } = new MessageChannel();
    const rings = {
      requests: ByteRing.allocate(REQUESTS_RING_BYTES),
      records: ByteRing.allocate(RECORDS_RING_BYTES),
    };
    this.worker.postMessage({ type: 'attach', port: port1, rings } satisfies ToSocketThread, [port1]);
    return { port: port2, rings };
  }

  async terminate(): Promise<void> {
    this.stopped = true;
    await this.worker.terminate();
  }
}

/**
 * Streams answers on CAPTURE_THREADS worker threads (0: on the main thread), with every provider socket on
 * one more thread, the socket thread, which only reads, timestamps and forwards, real-time where permitted
 * (CAPTURE_SOCKET_RT_PRIORITY) or else at a raised priority (CAPTURE_SOCKET_NICE). A capture thread decodes,
 * records and detects mentions, writes the answer's live events to Redis on its own connection, and sends the
 * final capture back, at a lowered priority (CAPTURE_THREAD_NICE). So arrival times depend neither on how busy
 * the main thread is with queue traffic and database writes, nor on the capture threads' parsing and scoring,
 * and the main thread's event loop stays free of per-read and per-chunk work. Each answer goes to the capture
 * thread streaming the fewest; a capture thread that dies fails its answers as errors (the queue retries the
 * runs) and is replaced on the next capture; so is the socket thread, and every capture thread with it.
 */
@Injectable()
export class AnswerCapturePool implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(AnswerCapturePool.name);
  private readonly size: number;
  private readonly http: CaptureThreadData['http'];
  private readonly live: CaptureThreadData['live'];
  private readonly requestedSocketNice: number;
  private readonly socketRtPriority: number;
  private readonly threadNice: number;
  /** This (the main) thread's nice value. */
  private readonly mainNice: number;
  private socket: SocketThread | null = null;
  private obtainedSocketNice: number | null = null;
  private socketIsRealtime = false;
  private socketTid: number | null = null;
  private threads: CaptureThread[] = [];
  private readonly hrOffsetMs = perfToHrOffsetMs();
  private closing = false;
  /** Instrumentation (the load benchmark): each answer's request-sent instant on process.hrtime (ms), at its end. */
  onClockOrigin: ((tag: string, originHrMs: number) => void) | null = null;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly publisher: RunEventPublisher,
  ) {
    this.size = config.CAPTURE_THREADS;
    this.http = providerHttpSettings(config);
    this.live = { redisUrl: config.REDIS_URL, prefix: config.QUEUE_PREFIX };
    this.requestedSocketNice = config.CAPTURE_SOCKET_NICE;
    this.socketRtPriority = config.CAPTURE_SOCKET_RT_PRIORITY;
    this.threadNice = config.CAPTURE_THREAD_NICE;
    this.mainNice = getPriority();
  }

  get threadCount(): number {
    return this.size;
  }

  /** The nice value the socket thread got (CAPTURE_SOCKET_NICE, or its own when not permitted); null before. */
  get socketNice(): number | null {
    return this.obtainedSocketNice;
  }

  /** Whether the socket thread runs real-time (CAPTURE_SOCKET_RT_PRIORITY, where permitted). */
  get socketRealtime(): boolean {
    return this.socketIsRealtime;
  }

  /** Instrumentation (the load benchmark's per-thread CPU figures): the kernel ids of the running threads. */
  threadIds(): { socket: number | null; capture: number[] } {
    return {
      socket: this.socket === null ? null : this.socketTid,
      capture: this.threads.flatMap((t) => (t.tid === null ? [] : [t.tid])),
    };
  }

  /**
   * Streams one answer of `run`, publishing its live events as it goes: status `running`, then its chunks and
   * mentions. It resolves once they have been answered by Redis (a capture thread writes them on its own
   * connection; see capture-thread.ts), so the caller's later events of the run follow them in the log.
   * `tag` names the answer for instrumentation only.
   */
  capture(
    resolved: ResolvedEngine,
    job: AnswerCaptureJob,
    signal: AbortSignal,
    run: RunRef,
    tag: string,
  ): Promise<AnswerCaptureResult> {
    if (this.size === 0) {
      const watchlist = new CompiledWatchlist(job.brands);
      this.publisher.status(run, 'running');
      const clock = new SystemMonotonicClock();
      const listener: LiveAnswerListener = {
        chunks: (chunks) => this.publisher.chunks(run, chunks),
        mentions: (mentions) => {
          for (const m of mentions) this.publisher.mention(run, m);
        },
      };
      return this.captureHere(resolved, job, signal, listener, watchlist, clock, tag);
    }
    if (this.closing) return Promise.reject(new CaptureThreadError('capture threads are shutting down'));
    return this.pick().capture(resolved.providerKey, job, signal, run, (origin) =>
      this.onClockOrigin?.(tag, origin),
    );
  }

  /** On this thread; like a capture thread, it resolves once the answer's live events are answered. */
  private async captureHere(
    resolved: ResolvedEngine,
    job: AnswerCaptureJob,
    signal: AbortSignal,
    listener: LiveAnswerListener,
    watchlist: CompiledWatchlist,
    clock: SystemMonotonicClock,
    tag: string,
  ): Promise<AnswerCaptureResult> {
    const result = await captureAnswer(resolved.provider, job, signal, listener, watchlist, clock);
    this.onClockOrigin?.(tag, clock.originMs + this.hrOffsetMs); // moved to the request-sent instant
    await this.publisher.settled();
    return result;
  }

  /**
   * Starts the threads before the worker takes its first job (a thread loading its modules while a run waits
   * would delay that run's request by the load time).
   */
  async onModuleInit(): Promise<void> {
    if (this.size === 0) return;
    await this.socketThread().ready;
    while (this.threads.length < this.size) this.threads.push(this.spawn());
    await Promise.all(this.threads.map((t) => t.ready));
  }

  async onApplicationShutdown(): Promise<void> {
    this.closing = true;
    const threads = this.threads;
    await Promise.all(threads.map((t) => t.drain(SHUTDOWN_WAIT_MS)));
    this.threads = [];
    await Promise.all(threads.map((t) => t.terminate()));
    await this.socket?.terminate();
    this.socket = null;
  }

  private pick(): CaptureThread {
    while (this.threads.length < this.size) this.threads.push(this.spawn());
    let best = this.threads[0]!;
    for (const t of this.threads) if (t.load < best.load) best = t;
    return best;
  }

  private socketThread(): SocketThread {
    if (this.socket !== null) return this.socket;
    const data: SocketThreadData = {
      http: this.http,
      nice: this.requestedSocketNice,
      rtPriority: this.socketRtPriority,
    };
    const socket = new SocketThread(
      startThread('socket-thread', data),
      (reason) => {
        if (this.socket === socket) this.socket = null;
        if (this.closing) return;
        this.logger.error(
          { err: reason },
          'socket thread stopped; it is replaced, with every capture thread',
        );
        const threads = this.threads;
        this.threads = [];
        for (const t of threads) t.abandon(reason);
      },
      (ready) => {
        this.obtainedSocketNice = ready.nice;
        this.socketTid = ready.tid;
        if (ready.niceError !== undefined)
          this.logger.warn(
            `socket thread runs at nice ${ready.nice ?? '?'}, not ${this.requestedSocketNice}: ${ready.niceError} ` +
              '(grant CAP_SYS_NICE for the best arrival times on a busy host)',
          );
        this.socketIsRealtime = ready.realtime;
        if (ready.realtimeError !== undefined)
          this.logger.warn(
            `socket thread is not real-time (CAPTURE_SOCKET_RT_PRIORITY=${this.socketRtPriority}): ` +
              `${ready.realtimeError}; it runs at its nice value (grant CAP_SYS_NICE for the best arrival times)`,
          );
      },
    );
    this.socket = socket;
    return socket;
  }

  private spawn(): CaptureThread {
    const { port: socketPort, rings: socketRings } = this.socketThread().attach();
    const data: CaptureThreadData = {
      http: this.http,
      socketPort,
      socketRings,
      nice: this.threadNice,
      mainNice: this.mainNice,
      live: this.live,
    };
    return new CaptureThread(
      startThread('capture-thread', data, [socketPort]),
      (thread, reason) => {
        this.threads = this.threads.filter((t) => t !== thread);
        if (!this.closing) this.logger.error({ err: reason }, 'capture thread stopped; it is replaced');
      },
      (warning) => this.logger.warn(warning.fields, `capture thread: ${warning.message}`),
    );
  }
}

/** A thread entry next to this file: compiled JavaScript, or TypeScript through the swc hook in dev/tests. */
function startThread(name: string, workerData: unknown, transferList: TransferListItem[] = []): Worker {
  const entry = path.join(__dirname, `${name}${path.extname(__filename)}`);
  if (!entry.endsWith('.ts')) return new Worker(entry, { workerData, transferList });
  const register = path.resolve(__dirname, '../../../scripts/swc-register.js');
  return new Worker(`require(${JSON.stringify(register)});\nrequire(${JSON.stringify(entry)});`, {
    eval: true,
    workerData,
    transferList,
  });
}
