import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { type AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { type ResolvedEngine } from '../../llm/provider-adapters';
import { RunEventPublisher, type RunRef } from '../../live-events/run-event-publisher';
import { type AnswerCaptureJob, type AnswerCaptureResult } from '../analysis/answer-capture';
import { type AnswerCaptureMode } from './answer-capture-mode';
import { type CaptureThreadHandle } from './capture-thread-handle';
import { InProcessCapture } from './in-process-capture';
import { type SocketThreadHandle } from './socket-thread-handle';
import { ThreadedCapture } from './threaded-capture';

/**
 * Streams answers on CAPTURE_THREADS worker threads (0: on the main thread), with every provider socket on
 * one more thread, the socket thread, which only reads, timestamps and forwards, real-time where permitted
 * (CAPTURE_SOCKET_RT_PRIORITY) or else at a raised priority (CAPTURE_SOCKET_NICE). A capture thread decodes,
 * records and detects mentions, writes the answer's live events to Redis on its own connection, and sends the
 * final capture back, at a lowered priority (CAPTURE_THREAD_NICE). So arrival times depend neither on how busy
 * the main thread is with queue traffic and database writes, nor on the capture threads' parsing and scoring,
 * and the main thread's event loop stays free of per-read and per-chunk work.
 *
 * The mode (ThreadedCapture or InProcessCapture) is chosen once, here; the pool only delegates to it.
 */
@Injectable()
export class AnswerCapturePool implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(AnswerCapturePool.name);
  private readonly size: number;
  private readonly mode: AnswerCaptureMode;
  /** Instrumentation (the load benchmark): each answer's request-sent instant on process.hrtime (ms), at its end. */
  onClockOrigin: ((tag: string, originHrMs: number) => void) | null = null;

  constructor(@Inject(APP_CONFIG) config: AppConfig, publisher: RunEventPublisher) {
    this.size = config.CAPTURE_THREADS;
    const tap = (tag: string, originHrMs: number): void => this.onClockOrigin?.(tag, originHrMs);
    this.mode =
      this.size === 0 ? new InProcessCapture(publisher, tap) : new ThreadedCapture(config, this.logger, tap);
  }

  get threadCount(): number {
    return this.size;
  }

  /** The nice value the socket thread got (CAPTURE_SOCKET_NICE, or its own when not permitted); null before. */
  get socketNice(): number | null {
    return this.mode.socketNice;
  }

  /** Whether the socket thread runs real-time (CAPTURE_SOCKET_RT_PRIORITY, where permitted). */
  get socketRealtime(): boolean {
    return this.mode.socketRealtime;
  }

  /** Instrumentation (the load benchmark's per-thread CPU figures): the kernel ids of the running threads. */
  threadIds(): { socket: number | null; capture: number[] } {
    return this.mode.threadIds();
  }

  /** The running capture thread handles (tests stop one to see it replaced); none in process. */
  get threads(): readonly CaptureThreadHandle[] {
    return this.mode instanceof ThreadedCapture ? this.mode.threads : [];
  }

  /** The socket thread's handle, once started (tests stop it to see it replaced); none in process. */
  get socket(): SocketThreadHandle | null {
    return this.mode instanceof ThreadedCapture ? this.mode.socket : null;
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
    return this.mode.capture(resolved, job, signal, run, tag);
  }

  /** Starts the threads, if any, before the worker takes its first job. */
  onModuleInit(): Promise<void> {
    return this.mode.start();
  }

  onApplicationShutdown(): Promise<void> {
    return this.mode.shutdown();
  }
}
