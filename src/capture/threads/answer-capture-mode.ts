import { type ResolvedEngine } from '../../llm/provider-adapters';
import { type RunRef } from '../../live-events/run-event-publisher';
import { type AnswerCaptureJob, type AnswerCaptureResult } from '../analysis/answer-capture';

/** Instrumentation (the load benchmark): an answer's request-sent instant on process.hrtime (ms), at its end. */
export type ClockOriginTap = (tag: string, originHrMs: number) => void;

/**
 * Where answers stream: on capture threads with a socket thread (ThreadedCapture), or on the main thread
 * (InProcessCapture, CAPTURE_THREADS=0). AnswerCapturePool picks one at start and only delegates to it.
 */
export interface AnswerCaptureMode {
  /** Before the worker takes its first job. */
  start(): Promise<void>;
  /**
   * Streams one answer of `run`, publishing its live events as it goes (status `running`, then its chunks and
   * mentions); resolves once they have been answered by Redis.
   */
  capture(
    resolved: ResolvedEngine,
    job: AnswerCaptureJob,
    signal: AbortSignal,
    run: RunRef,
    tag: string,
  ): Promise<AnswerCaptureResult>;
  shutdown(): Promise<void>;
  /** The nice value the socket thread got; null before it started, or without one. */
  readonly socketNice: number | null;
  /** Whether the socket thread runs real-time. */
  readonly socketRealtime: boolean;
  /** The kernel ids of the running threads. */
  threadIds(): { socket: number | null; capture: number[] };
}
