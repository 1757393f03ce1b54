import { CompiledWatchlist } from '../../detection/compiled-watchlist';
import { SystemMonotonicClock } from '../../llm/monotonic-clock';
import { type ResolvedEngine } from '../../llm/provider-adapters';
import { type RunEventPublisher, type RunRef } from '../../live-events/run-event-publisher';
import {
  captureAnswer,
  type AnswerCaptureJob,
  type AnswerCaptureResult,
  type LiveAnswerListener,
} from '../analysis/answer-capture';
import { type AnswerCaptureMode, type ClockOriginTap } from './answer-capture-mode';
import { perfToHrOffsetMs } from './capture-protocol';

/**
 * CAPTURE_THREADS=0: answers stream on the main thread, through the engine's own adapter, and their live events
 * go out through the process's publisher. Arrival times then wait for whatever else the main thread is doing.
 */
export class InProcessCapture implements AnswerCaptureMode {
  private readonly hrOffsetMs = perfToHrOffsetMs();
  readonly socketNice = null;
  readonly socketRealtime = false;

  constructor(
    private readonly publisher: RunEventPublisher,
    private readonly onClockOrigin: ClockOriginTap,
  ) {}

  start(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }

  threadIds(): { socket: number | null; capture: number[] } {
    return { socket: null, capture: [] };
  }

  /** Like a capture thread, it resolves once the answer's live events are answered. */
  capture(
    resolved: ResolvedEngine,
    job: AnswerCaptureJob,
    signal: AbortSignal,
    run: RunRef,
    tag: string,
  ): Promise<AnswerCaptureResult> {
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
    this.onClockOrigin(tag, clock.originMs + this.hrOffsetMs); // moved to the request-sent instant
    await this.publisher.settled();
    return result;
  }
}
