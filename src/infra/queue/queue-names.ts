// Queue names, job names and job options live here and nowhere else.
import { type JobsOptions } from 'bullmq';

export const RUNS_QUEUE = 'runs';
export const EXECUTE_RUN_JOB = 'execute-run';

export interface ExecuteRunJobData {
  runId: string;
}

/** Deterministic job id: enqueueing a run twice is a no-op while the job exists. */
export function runJobId(runId: string): string {
  return `run-${runId}`;
}

export function executeRunJobOptions(maxAttempts: number, backoffMs: number): JobsOptions {
  return {
    attempts: maxAttempts,
    // Whether a run retries is decided by src/runs/execution/attempt-outcome.ts; 'provider-aware' is resolved by
    // the worker's backoffStrategy (src/runs/execution/provider-aware-backoff.ts), which times those retries.
    backoff: { type: 'provider-aware', delay: backoffMs },
    removeOnComplete: { age: 3600, count: 10_000 },
    removeOnFail: { age: 24 * 3600, count: 10_000 },
  };
}

export const BACKFILL_QUEUE = 'backfill';
export const BACKFILL_JOB = 'recompute-project';

export interface BackfillJobData {
  backfillId: string;
}

export function backfillJobId(backfillId: string): string {
  return `backfill-${backfillId}`;
}

export function backfillJobOptions(): JobsOptions {
  return {
    attempts: 5,
    backoff: { type: 'exponential', delay: 5000 },
    removeOnComplete: { age: 24 * 3600, count: 1000 },
    removeOnFail: { age: 7 * 24 * 3600, count: 1000 },
  };
}

export const WEBHOOKS_QUEUE = 'webhooks';
export const DELIVER_WEBHOOK_JOB = 'deliver-webhook';
/** Delivery attempts per webhook event (the first try included). */
export const WEBHOOK_MAX_ATTEMPTS = 8;

export interface DeliverWebhookJobData {
  deliveryId: string;
}

/** Deterministic job id: enqueueing one delivery twice is a no-op while the job exists. */
export function webhookJobId(deliveryId: string): string {
  return `wh-${deliveryId}`;
}

export function deliverWebhookJobOptions(backoffMs: number): JobsOptions {
  return {
    attempts: WEBHOOK_MAX_ATTEMPTS,
    // 'webhook' is resolved by the webhook worker's backoffStrategy (src/webhooks/webhook-backoff.ts).
    backoff: { type: 'webhook', delay: backoffMs },
    removeOnComplete: { age: 3600, count: 10_000 },
    removeOnFail: { age: 24 * 3600, count: 10_000 },
  };
}

export const ALERTS_QUEUE = 'alerts';
export const EVALUATE_ALERTS_JOB = 'evaluate-alerts';

export interface EvaluateAlertsJobData {
  runId: string;
}

/** Deterministic job id: one evaluation job per landed run while the job exists. */
export function alertsJobId(runId: string): string {
  return `alerts-${runId}`;
}

export function evaluateAlertsJobOptions(): JobsOptions {
  return {
    attempts: 6,
    backoff: { type: 'exponential', delay: 1000 },
    removeOnComplete: { age: 3600, count: 10_000 },
    removeOnFail: { age: 7 * 24 * 3600, count: 10_000 },
  };
}
