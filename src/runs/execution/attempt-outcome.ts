// The run retry policy in one place: what happens to a run when one attempt at it does not succeed. Pure (no
// Nest, Prisma, Redis or BullMQ): the executor and the processor carry out what it decides, and the backoff
// strategy (provider-aware-backoff.ts) times the retries it asks for.
import { type AppConfig } from '../../config/app-config';
import { type ProviderError } from '../../llm/provider-error';
import { jitteredExponentialMs } from './jittered-backoff';
import { type AttemptFailure } from './run-attempt.types';

/** The queue's view of the job: attempts it already made before this one, and how many it may make. */
export interface AttemptBudget {
  attemptsMade: number;
  maxAttempts: number;
}

/** Everything the decision depends on besides the failure itself. */
export interface AttemptLimits extends AttemptBudget {
  /** See maxProviderCalls. */
  maxProviderCalls: number;
  /** RUN_BACKOFF_MS. */
  backoffMs: number;
  /** ENGINE_THROTTLE_RETRY_MS. */
  throttleRetryMs: number;
}

type LimitSettings = Pick<
  AppConfig,
  'RUN_MAX_ATTEMPTS' | 'RUN_MAX_RATE_LIMIT_DEFERRALS' | 'RUN_BACKOFF_MS' | 'ENGINE_THROTTLE_RETRY_MS'
>;

/**
 * The documented bound on provider calls per run: RUN_MAX_ATTEMPTS attempts, plus up to
 * RUN_MAX_RATE_LIMIT_DEFERRALS extra calls that only waited out a 429.
 */
export function maxProviderCalls(
  config: Pick<AppConfig, 'RUN_MAX_ATTEMPTS' | 'RUN_MAX_RATE_LIMIT_DEFERRALS'>,
): number {
  return config.RUN_MAX_ATTEMPTS + config.RUN_MAX_RATE_LIMIT_DEFERRALS;
}

export function attemptLimits(config: LimitSettings, budget: AttemptBudget): AttemptLimits {
  return {
    attemptsMade: budget.attemptsMade,
    maxAttempts: budget.maxAttempts,
    maxProviderCalls: maxProviderCalls(config),
    backoffMs: config.RUN_BACKOFF_MS,
    throttleRetryMs: config.ENGINE_THROTTLE_RETRY_MS,
  };
}

/** True when attempt number `attempt` (1 for a run's first provider call) would pass the bound on calls. */
export function providerCallsSpent(
  attempt: number,
  limits: Pick<AttemptLimits, 'maxProviderCalls'>,
): boolean {
  return attempt > limits.maxProviderCalls;
}

export type ProviderFailure = Pick<
  ProviderError,
  'code' | 'message' | 'retryable' | 'httpStatus' | 'retryAfterMs'
>;

/** Why an attempt did not succeed, as the executor and the processor observe it. */
export type AttemptError =
  /** The engine is at its concurrency or per-minute limit: no attempt was started. */
  | { kind: 'engine-busy'; retryInMs: number }
  /** Redis could not answer the throttle: wait rather than exceed the limit (no attempt was started). */
  | { kind: 'throttle-unavailable' }
  /** Postgres is down or restarting: no fault of the run. */
  | { kind: 'database-unavailable' }
  /** A redelivered job (stalled worker, reconciler) found the run's provider calls spent. */
  | { kind: 'calls-spent' }
  /** The prompt, engine or project was deleted while the run waited. */
  | { kind: 'configuration-deleted' }
  /** The worker shut down mid-stream (the stream was aborted with WorkerShutdown). */
  | { kind: 'shutdown' }
  /** The provider failed attempt number `attempt`'s stream; the capture holds what arrived before. */
  | { kind: 'stream-failed'; error: ProviderFailure; attempt: number }
  /** A ProviderError thrown outside the stream (resolving the engine, for one): no capture to keep. */
  | { kind: 'provider-thrown'; error: ProviderFailure }
  /** A capture thread died: our fault, not the engine's. */
  | { kind: 'capture-thread'; message: string };

/** What the ledger records for the attempt. */
export interface LedgerRecord {
  failure: AttemptFailure;
  /** The run fails for good (live status `failed`, webhook); otherwise it goes back to `queued`. */
  final: boolean;
  /** Record the partial answer the stream captured (a final stream failure only). */
  keepPartial: boolean;
}

export type QueueAction =
  /** The job ends and the run is failed (the processor throws UnrecoverableError). */
  | { action: 'stop' }
  /** The job spends an attempt; BullMQ retries it after the backoff, `retryAfterMs` when set. */
  | { action: 'retry'; reasonCode: string; message: string; retryAfterMs?: number }
  /** The job waits `delayMs` without spending an attempt. */
  | { action: 'defer'; delayMs: number; why: 'rate limited' | 'engine busy' | 'database unavailable' };

export type EngineAction =
  | { action: 'none' }
  /** The credential was rejected: the engine is disabled until someone fixes it. */
  | { action: 'disable'; reason: string }
  /** The provider asked the whole engine to wait: no worker sends it another run before then. */
  | { action: 'pause'; forMs: number };

export interface AttemptOutcome {
  /** Null when no attempt was started. */
  ledger: LedgerRecord | null;
  queue: QueueAction;
  engine: EngineAction;
}

const NO_ENGINE_ACTION: EngineAction = { action: 'none' };

/** Decides the outcome of an attempt that did not succeed. `random` only jitters the database-outage delay. */
export function attemptOutcome(
  error: AttemptError,
  limits: AttemptLimits,
  random: () => number = Math.random,
): AttemptOutcome {
  switch (error.kind) {
    case 'engine-busy':
      return deferred(error.retryInMs, 'engine busy');
    case 'throttle-unavailable':
      return deferred(limits.throttleRetryMs, 'engine busy');
    case 'database-unavailable': {
      // A finished answer waits in its spill; provider calls stay bounded by the attempts recorded in Postgres.
      const delayMs = jitteredExponentialMs(2, limits.backoffMs, limits.backoffMs * 2, random);
      return deferred(delayMs, 'database unavailable');
    }
    case 'calls-spent':
      return failed({
        reasonCode: 'attempts_exhausted',
        message: 'provider call budget for this run is spent',
      });
    case 'configuration-deleted':
      return failed({
        reasonCode: 'configuration_deleted',
        message: 'the prompt, engine or project was deleted',
      });
    case 'shutdown':
      // Not a failure of the engine: the run is re-run straight away, whatever its budget.
      return retried(
        { reasonCode: 'interrupted', message: 'worker shut down mid-stream; the run is re-queued' },
        0,
      );
    case 'stream-failed':
      return streamFailed(error.error, error.attempt, limits);
    case 'provider-thrown':
      return withinBudget(toFailure(error.error), error.error.retryable, limits, false);
    case 'capture-thread':
      return withinBudget(
        { reasonCode: 'capture_thread_failed', message: error.message },
        true,
        limits,
        false,
      );
  }
}

function streamFailed(error: ProviderFailure, attempt: number, limits: AttemptLimits): AttemptOutcome {
  const failure = toFailure(error);
  const engine = engineAction(error);
  if (error.code === 'rate_limited' && attempt < limits.maxProviderCalls) {
    // Waiting out a 429 does not spend one of the job's attempts (bounded by maxProviderCalls).
    const queue: QueueAction = {
      action: 'defer',
      delayMs: error.retryAfterMs ?? limits.backoffMs,
      why: 'rate limited',
    };
    return { ledger: { failure, final: false, keepPartial: false }, queue, engine };
  }
  return { ...withinBudget(failure, error.retryable, limits, true), engine };
}

function engineAction(error: ProviderFailure): EngineAction {
  if (error.code === 'rate_limited' && error.retryAfterMs !== undefined) {
    return { action: 'pause', forMs: error.retryAfterMs };
  }
  if (error.code === 'auth_failed') {
    return { action: 'disable', reason: `credential rejected (HTTP ${error.httpStatus ?? '?'})` };
  }
  return NO_ENGINE_ACTION;
}

/** A retryable failure spends one of the job's attempts; the last one, or a permanent failure, fails the run. */
function withinBudget(
  failure: AttemptFailure,
  retryable: boolean,
  budget: AttemptBudget,
  keepPartial: boolean,
): AttemptOutcome {
  const final = !retryable || budget.attemptsMade + 1 >= budget.maxAttempts;
  if (!final) return retried(failure, failure.retryAfterMs);
  return { ledger: { failure, final, keepPartial }, queue: { action: 'stop' }, engine: NO_ENGINE_ACTION };
}

function retried(failure: AttemptFailure, retryAfterMs: number | undefined): AttemptOutcome {
  const queue: QueueAction = {
    action: 'retry',
    reasonCode: failure.reasonCode,
    message: failure.message,
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
  };
  return { ledger: { failure, final: false, keepPartial: false }, queue, engine: NO_ENGINE_ACTION };
}

function failed(failure: AttemptFailure): AttemptOutcome {
  const ledger = { failure, final: true, keepPartial: false };
  return { ledger, queue: { action: 'stop' }, engine: NO_ENGINE_ACTION };
}

function deferred(delayMs: number, why: 'engine busy' | 'database unavailable'): AttemptOutcome {
  return { ledger: null, queue: { action: 'defer', delayMs, why }, engine: NO_ENGINE_ACTION };
}

function toFailure(e: ProviderFailure): AttemptFailure {
  return {
    reasonCode: e.code,
    message: e.message,
    ...(e.httpStatus !== undefined ? { httpStatus: e.httpStatus } : {}),
    ...(e.retryAfterMs !== undefined ? { retryAfterMs: e.retryAfterMs } : {}),
  };
}
