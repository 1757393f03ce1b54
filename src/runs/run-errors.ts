/** Thrown to make BullMQ retry a run; carries the provider's requested delay for the backoff strategy. */
export class RetryableRunError extends Error {
  override readonly name = 'RetryableRunError';
  constructor(
    message: string,
    readonly reasonCode: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}
