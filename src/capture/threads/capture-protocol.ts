import { type CapturedStream } from '../recording/captured-stream';
import { type DetectedMention } from '../../detection/incremental-matcher';
import { ProviderError, type ProviderErrorCode } from '../../llm/provider-error';
import { type ProviderHttpSettings, type ProviderKey } from '../../llm/provider-adapters';
import { type AnswerAnalysis } from '../analysis/run-analysis';
import { type RunRef } from '../../live-events/live-event-writer';
import { type AnswerCaptureJob } from '../analysis/answer-capture';
import { type SocketChannelRings } from './socket-protocol';
import { type MessagePort } from 'node:worker_threads';

/** Passed to every capture thread when it starts. */
export interface CaptureThreadData {
  http: ProviderHttpSettings;
  /** Its channel to the socket thread, where its adapters' HTTP exchanges run: the rings (shared) ... */
  socketRings: SocketChannelRings;
  /** ... and a port (transferred) whose closing tells the socket thread this thread is gone. */
  socketPort: MessagePort;
  /** The thread's nice value (raising it never needs privileges). */
  nice: number;
  /** The nice value of the main thread, which it posts to: it posts at that value (see BoostedPost). */
  mainNice: number;
  /** Where the thread writes its answers' live events (its own connection). */
  live: { redisUrl: string; prefix: string };
}

/** Main thread to capture thread. */
export type ToCaptureThread =
  /** `run` names the live events: its `running` status, then the answer's chunks and mentions. */
  | { type: 'start'; id: number; providerKey: ProviderKey; job: AnswerCaptureJob; run: RunRef }
  | { type: 'abort'; id: number; reason: string };

export interface SerializedProviderError {
  code: ProviderErrorCode;
  message: string;
  retryable: boolean;
  httpStatus?: number;
  retryAfterMs?: number;
}

/** Capture thread to main thread: one message per event-loop turn of the capture thread, its records in order. */
export type FromCaptureThread = CaptureRecord[];

export type CaptureRecord =
  /** The thread has loaded its adapters and listens (id 0). */
  /** Startup report: the thread's kernel id (null off Linux). */
  | { id: number; type: 'ready'; tid: number | null }
  /**
   * The capture clock's zero, the request-sent instant, on the shared monotonic clock (process.hrtime, in ms);
   * for instrumentation, sent once the answer has ended (the zero moves when the request goes out).
   */
  | { id: number; type: 'started'; originHrMs: number }
  /** A warning for the process log (id 0): live events the thread's writer dropped. */
  | { id: number; type: 'warn'; message: string; fields: { runId: string; dropped: number; err: string } }
  /**
   * The answer ended, and its live events have been answered by Redis (or settled() gave up).
   * `capture.chunks` is empty: answerText, chunkEnds and chunkArrivalsUs hold the same.
   */
  | {
      id: number;
      type: 'done';
      capture: CapturedStream;
      error: SerializedProviderError | null;
      mentions: DetectedMention[];
      analysis: AnswerAnalysis | null;
    }
  /** Something other than a provider failure went wrong: a bug, reported rather than hidden. */
  | { id: number; type: 'crashed'; message: string; stack?: string };

/**
 * A capture thread died (or failed outside the provider's stream) while it held the answer: not the engine's
 * failure. The run's attempt is recorded as `capture_thread_failed` and retried within its attempt budget.
 */
export class CaptureThreadError extends Error {
  override readonly name = 'CaptureThreadError';
}

export function serializeProviderError(e: ProviderError): SerializedProviderError {
  return {
    code: e.code,
    message: e.message,
    retryable: e.retryable,
    ...(e.httpStatus !== undefined ? { httpStatus: e.httpStatus } : {}),
    ...(e.retryAfterMs !== undefined ? { retryAfterMs: e.retryAfterMs } : {}),
  };
}

export function deserializeProviderError(e: SerializedProviderError): ProviderError {
  return new ProviderError(e.code, e.message, {
    retryable: e.retryable,
    ...(e.httpStatus !== undefined ? { httpStatus: e.httpStatus } : {}),
    ...(e.retryAfterMs !== undefined ? { retryAfterMs: e.retryAfterMs } : {}),
  });
}

/**
 * Offset from this thread's performance.now() to process.hrtime in ms. Each thread has its own
 * performance.timeOrigin, but all read the same CLOCK_MONOTONIC through hrtime.
 */
export function perfToHrOffsetMs(): number {
  let best = Infinity;
  let offset = 0;
  for (let i = 0; i < 50; i++) {
    const a = process.hrtime.bigint();
    const p = performance.now();
    const b = process.hrtime.bigint();
    const spread = Number(b - a);
    if (spread < best) {
      best = spread;
      offset = Number((a + b) / 2n) / 1e6 - p;
    }
  }
  return offset;
}
