import { type MinimalJob } from 'bullmq';
import { RetryableRunError } from './run-errors';

const DEFAULT_BASE_DELAY_MS = 2000;
const MAX_DELAY_MS = 5 * 60_000;

/**
 * BullMQ backoff strategy: honour the provider's retry-after when it sent one, otherwise exponential with
 * jitter (a fleet of runs hitting one 5xx must not retry in lockstep). The base is the job's backoff delay
 * (RUN_BACKOFF_MS).
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

/**
 * The delay before try `tries + 1` (tries >= 1): `base * 2^(tries-1)` capped at `cap`, then drawn uniformly from
 * its upper half, so retries spread out yet never come sooner than half the schedule.
 */
export function jitteredExponentialMs(
  tries: number,
  base: number,
  cap: number,
  random = Math.random,
): number {
  const ceiling = Math.min(cap, base * 2 ** Math.max(0, tries - 1));
  return Math.floor(ceiling / 2 + random() * (ceiling / 2));
}
