import { createHash } from 'node:crypto';
import { type MinimalJob } from 'bullmq';

/** No single wait between two delivery attempts exceeds this. */
export const WEBHOOK_MAX_BACKOFF_MS = 3_600_000;

/**
 * Delay before attempt `attemptNumber + 1` after `attemptNumber` failed: exponential from `baseMs`, capped,
 * with "equal jitter" (50..100% of the step). The jitter is derived from the job id and attempt number, so
 * the worker can record the same time as `nextAttemptAt` that BullMQ will use.
 */
export function webhookBackoffDelay(baseMs: number, attemptNumber: number, jobId: string): number {
  const step = Math.min(baseMs * 2 ** Math.max(0, attemptNumber - 1), WEBHOOK_MAX_BACKOFF_MS);
  const digest = createHash('sha256').update(`${jobId}:${attemptNumber}`).digest();
  const fraction = digest.readUInt32BE(0) / 0x1_0000_0000;
  return Math.round(step / 2 + (step / 2) * fraction);
}

/** BullMQ backoffStrategy for `backoff.type === 'webhook'` (`attemptsMade` counts the failed attempt). */
export function webhookBackoffStrategy(
  attemptsMade: number,
  _type?: string,
  _err?: Error,
  job?: MinimalJob,
): number {
  const opts = job?.opts.backoff;
  const base = typeof opts === 'object' && opts.delay ? opts.delay : 10_000;
  return webhookBackoffDelay(base, attemptsMade, job?.id ?? '');
}
