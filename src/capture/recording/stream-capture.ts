import type { LlmProvider, LlmRequest, LlmStreamContext } from '../../llm/llm-provider';
import { ProviderError } from '../../llm/provider-error';
import type { StreamPart } from '../../llm/stream-part';
import type { CapturedStream } from './captured-stream';
import { ContentIdleWatchdog, type WatchdogTimers } from './content-idle-watchdog';
import { StreamRecorder, type TextListener } from './stream-recorder';

export interface StreamCaptureResult {
  capture: CapturedStream;
  /** Why the stream did not complete; the partial capture is kept for inspection either way. */
  error: ProviderError | null;
}

export interface StreamCaptureOptions {
  /**
   * Fail the stream as `stalled` (retryable) when this long passes without content (a non-empty text or
   * reasoning part), counted from the start of the request. Bytes, pings and keep-alive comments do not
   * count. Unset: no content watchdog (the HTTP client's byte idle timeout and deadline still apply).
   */
  contentIdleMs?: number;
  /** Timer functions for the watchdog; tests only. */
  timers?: WatchdogTimers;
}

/**
 * Drives one provider stream into a recorder. Provider failures become a result (a partial stream is data
 * to keep, not an exception to lose); anything else is a bug and propagates.
 */
export class StreamCapture {
  static async run(
    provider: LlmProvider,
    request: LlmRequest,
    ctx: LlmStreamContext,
    onText?: TextListener,
    options: StreamCaptureOptions = {},
  ): Promise<StreamCaptureResult> {
    const recorder = new StreamRecorder(ctx.clock.startedAt);
    if (onText !== undefined) recorder.onText(onText);
    if (options.contentIdleMs !== undefined) {
      return StreamCapture.runWatched(
        provider,
        request,
        ctx,
        recorder,
        options.contentIdleMs,
        options.timers,
      );
    }
    try {
      for await (const part of provider.stream(request, ctx)) recorder.record(part);
    } catch (error) {
      if (!(error instanceof ProviderError)) throw error;
      return { capture: finish(recorder, ctx, false), error };
    }
    return { capture: finish(recorder, ctx, true), error: null };
  }

  private static async runWatched(
    provider: LlmProvider,
    request: LlmRequest,
    ctx: LlmStreamContext,
    recorder: StreamRecorder,
    contentIdleMs: number,
    timers: WatchdogTimers | undefined,
  ): Promise<StreamCaptureResult> {
    // Our own controller, chained to the caller's: a stall aborts the provider's request (closing the
    // socket) while the caller's signal keeps working, and the caller's signal is never aborted by us.
    const controller = new AbortController();
    const forwardAbort = (): void => controller.abort(ctx.signal.reason);
    if (ctx.signal.aborted) forwardAbort();
    else ctx.signal.addEventListener('abort', forwardAbort, { once: true });

    const stalled = new ProviderError('stalled', `no content received for ${contentIdleMs} ms`, {
      retryable: true,
    });
    let onStall: () => void = () => undefined;
    const stallSignal = new Promise<'stalled'>((resolve) => {
      onStall = () => resolve('stalled');
    });
    let stallFired = false;
    /** Resolves the step being awaited, if any (set per step). */
    let wakeStep: ((value: 'stalled') => void) | null = null;
    void stallSignal.then(() => {
      stallFired = true;
      wakeStep?.('stalled');
    });
    const watchdog = new ContentIdleWatchdog(
      contentIdleMs,
      () => {
        // The HTTP client throws an abort reason that is a ProviderError as is.
        controller.abort(stalled);
        onStall();
      },
      timers,
    );
    const fail = (error: ProviderError): StreamCaptureResult => ({
      capture: finish(recorder, ctx, false),
      error,
    });

    const iterator = provider.stream(request, { ...ctx, signal: controller.signal })[Symbol.asyncIterator]();
    watchdog.start();
    try {
      for (;;) {
        const next = iterator.next();
        // Raced against the stall so that a provider that ignores its abort signal still cannot hang the
        // capture. Hand-rolled rather than Promise.race([next, stallSignal]): that would add a reaction to
        // the long-lived stallSignal on every step (thousands per run) and cost twice the promises. `next`
        // gets a rejection handler here, so once the stall has won its rejection never goes unhandled.
        const step = await new Promise<IteratorResult<StreamPart, void> | 'stalled'>((resolve, reject) => {
          wakeStep = resolve;
          next.then(resolve, reject);
          if (stallFired) void stallSignal.then(resolve);
        });
        wakeStep = null;
        if (step === 'stalled') {
          iterator.return?.()?.catch(() => undefined);
          return fail(stalled);
        }
        if (step.done === true) break;
        const part: StreamPart = step.value;
        if ((part.type === 'text' || part.type === 'reasoning') && part.text.length > 0) watchdog.touch();
        recorder.record(part);
      }
    } catch (error) {
      // After a stall, whatever the aborted provider throws (our reason, or its own abort error) is the stall.
      if (watchdog.fired && (error instanceof ProviderError || isAbortError(error))) return fail(stalled);
      if (!(error instanceof ProviderError)) throw error;
      return fail(error);
    } finally {
      watchdog.stop();
      ctx.signal.removeEventListener('abort', forwardAbort);
    }
    return { capture: finish(recorder, ctx, true), error: null };
  }
}

/** The capture, timed from the request-sent instant the clock moved to (or its own zero, if never sent). */
function finish(recorder: StreamRecorder, ctx: LlmStreamContext, complete: boolean): CapturedStream {
  return recorder.sent(ctx.clock.startedAt, ctx.clock.connectUs ?? null).finish(complete, ctx.clock.nowUs());
}

function isAbortError(error: unknown): boolean {
  return error instanceof Error && error.name === 'AbortError';
}
