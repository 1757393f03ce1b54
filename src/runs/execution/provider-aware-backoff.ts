import { type MinimalJob } from 'bullmq';
import { jitteredExponentialMs } from './jittered-backoff';
import { RetryableRunError } from './run-errors';

const DEFAULT_BASE_DELAY_MS = 2000;
const MAX_DELAY_MS = 5 * 60_000;

/**
 * BullMQ backoff strategy, timing the retries attemptOutcome asks for (attempt-outcome.ts): honour the
 * provider's retry-after when it sent one, otherwise exponential with jitter (a fleet of runs hitting one 5xx
 * must not retry in lockstep). The base is the job's backoff delay (RUN_BACKOFF_MS).
 */
export function providerAwareBackoff(
  attemptsMade: number,
  _type?: string,
  err?: Error,
  job?: MinimalJob,
): number {
  if (err instanceof RetryableRunError && err.retryAfterMs !== undefined) {
    return Math.min(MAX_DELAY_MS, err.retryAfterMs + Math.floor(Math.random() * 100));
  }
  const backoff = job?.opts.backoff;
  const base =
    typeof backoff === 'object' && backoff.delay !== undefined ? backoff.delay : DEFAULT_BASE_DELAY_MS;
  return jitteredExponentialMs(attemptsMade, base, MAX_DELAY_MS);
}
