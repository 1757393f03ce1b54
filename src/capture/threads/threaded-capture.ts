import { type Logger } from '@nestjs/common';
import { getPriority } from 'node:os';
import { type AppConfig } from '../../config/app-config';
import { providerHttpSettings, type ResolvedEngine } from '../../llm/provider-adapters';
import { type RunRef } from '../../live-events/run-event-publisher';
import { type AnswerCaptureJob, type AnswerCaptureResult } from '../analysis/answer-capture';
import { type AnswerCaptureMode, type ClockOriginTap } from './answer-capture-mode';
import { CaptureThreadHandle } from './capture-thread-handle';
import { CaptureThreadError, type CaptureThreadData } from './capture-protocol';
import { type SocketThreadData } from './socket-protocol';
import { SocketThreadHandle } from './socket-thread-handle';
import { startThread } from './thread-start';

/** How long shutdown waits for captures still in a thread before stopping the threads. */
const SHUTDOWN_WAIT_MS = 5_000;

/**
 * CAPTURE_THREADS > 0: answers stream on that many capture threads, with every provider socket on one more
 * thread, the socket thread (see AnswerCapturePool). Each answer goes to the capture thread streaming the
 * fewest; a capture thread that dies fails its answers as errors (the queue retries the runs) and is replaced
 * on the next capture; so is the socket thread, and every capture thread with it.
 */
export class ThreadedCapture implements AnswerCaptureMode {
  private readonly size: number;
  private readonly http: CaptureThreadData['http'];
  private readonly live: CaptureThreadData['live'];
  private readonly requestedSocketNice: number;
  private readonly socketRtPriority: number;
  private readonly threadNice: number;
  /** This (the main) thread's nice value. */
  private readonly mainNice: number;
  private obtainedSocketNice: number | null = null;
  private socketIsRealtime = false;
  private socketTid: number | null = null;
  /** The running handles (read by tests that stop a thread to see it replaced). */
  socket: SocketThreadHandle | null = null;
  threads: CaptureThreadHandle[] = [];
  private closing = false;

  constructor(
    config: AppConfig,
    private readonly logger: Logger,
    private readonly onClockOrigin: ClockOriginTap,
  ) {
    this.size = config.CAPTURE_THREADS;
    this.http = providerHttpSettings(config);
    this.live = { redisUrl: config.REDIS_URL, prefix: config.QUEUE_PREFIX };
    this.requestedSocketNice = config.CAPTURE_SOCKET_NICE;
    this.socketRtPriority = config.CAPTURE_SOCKET_RT_PRIORITY;
    this.threadNice = config.CAPTURE_THREAD_NICE;
    this.mainNice = getPriority();
  }

  get socketNice(): number | null {
    return this.obtainedSocketNice;
  }

  get socketRealtime(): boolean {
    return this.socketIsRealtime;
  }

  threadIds(): { socket: number | null; capture: number[] } {
    return {
      socket: this.socket === null ? null : this.socketTid,
      capture: this.threads.flatMap((t) => (t.tid === null ? [] : [t.tid])),
    };
  }

  capture(
    resolved: ResolvedEngine,
    job: AnswerCaptureJob,
    signal: AbortSignal,
    run: RunRef,
    tag: string,
  ): Promise<AnswerCaptureResult> {
    if (this.closing) return Promise.reject(new CaptureThreadError('capture threads are shutting down'));
    return this.pick().capture(resolved.providerKey, job, signal, run, (origin) =>
      this.onClockOrigin(tag, origin),
    );
  }

  /**
   * Starts the threads before the worker takes its first job (a thread loading its modules while a run waits
   * would delay that run's request by the load time).
   */
  async start(): Promise<void> {
    await this.socketThread().ready;
    while (this.threads.length < this.size) this.threads.push(this.spawn());
    await Promise.all(this.threads.map((t) => t.ready));
  }

  async shutdown(): Promise<void> {
    this.closing = true;
    const threads = this.threads;
    await Promise.all(threads.map((t) => t.drain(SHUTDOWN_WAIT_MS)));
    this.threads = [];
    await Promise.all(threads.map((t) => t.terminate()));
    await this.socket?.terminate();
    this.socket = null;
  }

  private pick(): CaptureThreadHandle {
    while (this.threads.length < this.size) this.threads.push(this.spawn());
    let best = this.threads[0]!;
    for (const t of this.threads) if (t.load < best.load) best = t;
    return best;
  }

  private socketThread(): SocketThreadHandle {
    if (this.socket !== null) return this.socket;
    const data: SocketThreadData = {
      http: this.http,
      nice: this.requestedSocketNice,
      rtPriority: this.socketRtPriority,
    };
    const socket = new SocketThreadHandle(
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
        if (ready.niceError !== undefined) {
          this.logger.warn(
            `socket thread runs at nice ${ready.nice ?? '?'}, not ${this.requestedSocketNice}: ${ready.niceError} ` +
              '(grant CAP_SYS_NICE for the best arrival times on a busy host)',
          );
        }
        this.socketIsRealtime = ready.realtime;
        if (ready.realtimeError !== undefined) {
          this.logger.warn(
            `socket thread is not real-time (CAPTURE_SOCKET_RT_PRIORITY=${this.socketRtPriority}): ` +
              `${ready.realtimeError}; it runs at its nice value (grant CAP_SYS_NICE for the best arrival times)`,
          );
        }
      },
    );
    this.socket = socket;
    return socket;
  }

  private spawn(): CaptureThreadHandle {
    const { port: socketPort, rings: socketRings } = this.socketThread().attach();
    const data: CaptureThreadData = {
      http: this.http,
      socketPort,
      socketRings,
      nice: this.threadNice,
      mainNice: this.mainNice,
      live: this.live,
    };
    return new CaptureThreadHandle(
      startThread('capture-thread', data, [socketPort]),
      (thread, reason) => {
        this.threads = this.threads.filter((t) => t !== thread);
        if (!this.closing) this.logger.error({ err: reason }, 'capture thread stopped; it is replaced');
      },
      (warning) => this.logger.warn(warning.fields, `capture thread: ${warning.message}`),
    );
  }
}
