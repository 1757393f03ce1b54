import { RetryableRunError } from './run-errors';

const BASE_DELAY_MS = 2000;
const MAX_DELAY_MS = 5 * 60_000;

/**
 * BullMQ backoff: honour the provider's retry-after when it sent one, otherwise exponential with full
 * jitter (so a fleet of runs hitting one 5xx does not retry in lockstep).
 */
export function providerAwareBackoff(attemptsMade: number, _type?: string, err?: Error): number {
  if (err instanceof RetryableRunError && err.retryAfterMs !== undefined) {
    return Math.min(MAX_DELAY_MS, err.retryAfterMs + Math.floor(Math.random() * 250));
  }
  const ceiling = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** Math.max(0, attemptsMade - 1));
  return Math.floor(ceiling / 2 + Math.random() * (ceiling / 2));
}
