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
 * The job waits `delayMs` without spending one of its attempts: a provider rate limit (429) with budget left
 * for waiting, or an engine at its concurrency or per-minute limit (no attempt was started).
 */
export class RunDeferral extends Error {
  override readonly name = 'RunDeferral';
  constructor(
    readonly delayMs: number,
    why: string,
  ) {
    super(`${why}: retry in ${delayMs} ms`);
  }
}

/** The abort reason used when the worker shuts down: the run is re-run, never failed because of it. */
export class WorkerShutdown extends Error {
  override readonly name = 'WorkerShutdown';
  constructor() {
    super('worker shutting down');
  }
}
