import { SecretScrubber } from '../infra/crypto/secret-scrubber';
import type { LlmProvider, LlmRequest, LlmStreamContext } from './llm-provider';
import { ProviderError } from './provider-error';
import type { StreamPart } from './stream-part';

/**
 * Wraps an adapter so that no error it throws carries the engine's credential: providers quote it back
 * ("Incorrect API key provided: sk-..."), in a 401 body or an in-band error event, and from here the message
 * goes to the attempt log, the run's failure message, the queue's failed reason, live events and logs. Every
 * ProviderError leaving `stream()` has its message (and its cause's) scrubbed of the request's key and of
 * anything shaped like a key, whichever adapter, parser or transport created it.
 *
 * Parts pass through untouched: answer text is the measurement, and its hot path costs one `.then` per part.
 */
export class ScrubbedErrorsProvider implements LlmProvider {
  constructor(private readonly inner: LlmProvider) {}

  stream(req: LlmRequest, ctx: LlmStreamContext): AsyncIterable<StreamPart> {
    const inner = this.inner;
    return {
      [Symbol.asyncIterator](): AsyncIterator<StreamPart, void, undefined> {
        const it = inner.stream(req, ctx)[Symbol.asyncIterator]();
        const rethrow = (error: unknown): never => {
          throw ScrubbedErrorsProvider.scrubError(error, req.apiKey);
        };
        return {
          next: () => it.next().then(undefined, rethrow),
          return: (value?: void | PromiseLike<void>) =>
            it.return === undefined
              ? Promise.resolve({ done: true, value: undefined })
              : it.return(value).then(undefined, rethrow),
        };
      },
    };
  }

  /** A ProviderError with the same verdict and a scrubbed message; anything else as it came (not ours to word). */
  static scrubError(error: unknown, apiKey: string | undefined): unknown {
    if (!(error instanceof ProviderError)) return error;
    const scrubber = new SecretScrubber([apiKey]);
    const message = scrubber.scrub(error.message);
    const cause = ScrubbedErrorsProvider.scrubCause(error.cause, scrubber);
    if (message === error.message && cause === error.cause) return error;
    const scrubbed = new ProviderError(error.code, message, {
      retryable: error.retryable,
      ...(error.httpStatus === undefined ? {} : { httpStatus: error.httpStatus }),
      ...(error.retryAfterMs === undefined ? {} : { retryAfterMs: error.retryAfterMs }),
      ...(cause === undefined ? {} : { cause }),
    });
    if (error.stack !== undefined) scrubbed.stack = scrubber.scrub(error.stack);
    return scrubbed;
  }

  /** Node's own errors (ECONNRESET, a JSON.parse error quoting its input) keep their name and code. */
  private static scrubCause(cause: unknown, scrubber: SecretScrubber): unknown {
    if (!(cause instanceof Error)) return typeof cause === 'string' ? scrubber.scrub(cause) : cause;
    const message = scrubber.scrub(cause.message);
    const stack = cause.stack === undefined ? undefined : scrubber.scrub(cause.stack);
    if (message === cause.message && stack === cause.stack) return cause;
    const copy = new Error(message);
    copy.name = cause.name;
    copy.stack = stack;
    const code = (cause as NodeJS.ErrnoException).code;
    if (code !== undefined) (copy as NodeJS.ErrnoException).code = code;
    return copy;
  }
}
