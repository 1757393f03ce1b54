import type { LlmProvider, LlmRequest, LlmStreamContext } from '../llm/llm-provider';
import { ProviderError } from '../llm/provider-error';
import type { CapturedStream } from './captured-stream';
import { StreamRecorder, type TextListener } from './stream-recorder';

export interface StreamCaptureResult {
  capture: CapturedStream;
  /** Why the stream did not complete; the partial capture is kept for inspection either way. */
  error: ProviderError | null;
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
  ): Promise<StreamCaptureResult> {
    const recorder = new StreamRecorder(ctx.clock.startedAt);
    if (onText !== undefined) recorder.onText(onText);
    try {
      for await (const part of provider.stream(request, ctx)) recorder.record(part);
    } catch (error) {
      if (!(error instanceof ProviderError)) throw error;
      return { capture: recorder.finish(false, ctx.clock.nowUs()), error };
    }
    return { capture: recorder.finish(true, ctx.clock.nowUs()), error: null };
  }
}
