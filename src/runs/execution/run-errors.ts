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

/**
 * A provider rate limit (429) with budget left for waiting: the job is delayed by the provider's retry-after
 * instead of spending one of its attempts.
 */
export class RateLimitDeferral extends Error {
  override readonly name = 'RateLimitDeferral';
  constructor(readonly delayMs: number) {
    super(`rate limited: retry in ${delayMs} ms`);
  }
}

/**
 * The run's engine is at its concurrency or per-minute limit: the job waits and asks again. No attempt was
 * started, so nothing is charged to the run.
 */
export class EngineBusyDeferral extends Error {
  override readonly name = 'EngineBusyDeferral';
  constructor(readonly delayMs: number) {
    super(`engine busy: retry in ${delayMs} ms`);
  }
}
