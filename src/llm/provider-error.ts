export type ProviderErrorCode =
  | 'rate_limited'
  | 'quota_exhausted'
  | 'auth_failed'
  | 'invalid_request'
  | 'server_error'
  | 'overloaded'
  /** An in-band error event after HTTP 200. */
  | 'stream_error'
  | 'connection_reset'
  /** The body ended cleanly but the provider's terminal event never came. */
  | 'truncated'
  /** No bytes for longer than the idle timeout. */
  | 'stalled'
  | 'deadline_exceeded'
  | 'aborted';

export interface ProviderErrorOptions {
  retryable: boolean;
  httpStatus?: number;
  retryAfterMs?: number;
  cause?: unknown;
}

/**
 * The only error type provider adapters throw, so the run processor can decide retry vs. permanent failure
 * from `code`/`retryable` without knowing any vendor. Messages may quote the provider's message but must
 * never contain request headers (they carry the API key).
 */
export class ProviderError extends Error {
  override readonly name = 'ProviderError';
  readonly code: ProviderErrorCode;
  readonly retryable: boolean;
  readonly httpStatus?: number;
  /** Server-requested delay before retrying, when it sent one. */
  readonly retryAfterMs?: number;

  constructor(code: ProviderErrorCode, message: string, options: ProviderErrorOptions) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.retryable = options.retryable;
    if (options.httpStatus !== undefined) this.httpStatus = options.httpStatus;
    if (options.retryAfterMs !== undefined) this.retryAfterMs = options.retryAfterMs;
  }

  static isProviderError(value: unknown): value is ProviderError {
    return value instanceof ProviderError;
  }
}
