import { ProviderError, type ProviderErrorCode } from '../../llm/provider-error';
import {
  attemptLimits,
  attemptOutcome,
  maxProviderCalls,
  providerCallsSpent,
  type AttemptError,
  type AttemptLimits,
  type AttemptOutcome,
} from './attempt-outcome';

/** The defaults of RUN_MAX_ATTEMPTS (3), RUN_MAX_RATE_LIMIT_DEFERRALS (5), RUN_BACKOFF_MS, ENGINE_THROTTLE_RETRY_MS. */
const LIMITS: AttemptLimits = {
  attemptsMade: 0,
  maxAttempts: 3,
  maxProviderCalls: 8,
  backoffMs: 2000,
  throttleRetryMs: 1000,
};
/** The job's last attempt. */
const LAST: Partial<AttemptLimits> = { attemptsMade: 2 };

type Extra = { httpStatus?: number; retryAfterMs?: number };

function provider(code: ProviderErrorCode, retryable: boolean, extra: Extra = {}): ProviderError {
  return new ProviderError(code, `${code} happened`, { retryable, ...extra });
}

/** Failed in the stream of attempt number `attempt` (the run's provider calls so far). */
function stream(code: ProviderErrorCode, retryable: boolean, extra: Extra = {}, attempt = 1): AttemptError {
  return { kind: 'stream-failed', error: provider(code, retryable, extra), attempt };
}

function thrown(code: ProviderErrorCode, retryable: boolean, extra: Extra = {}): AttemptError {
  return { kind: 'provider-thrown', error: provider(code, retryable, extra) };
}

/**
 * One line per decision. Ledger: `-` (nothing recorded), `queued <reason>` or `failed <reason>` (`+partial`
 * when the partial answer is kept). Queue: `stop`, `retry` (`after N` when it carries a delay for the
 * backoff), `defer N (why)`. Engine: `-`, `pause N`, `disable: reason`.
 */
function summary(o: AttemptOutcome): [ledger: string, queue: string, engine: string] {
  const ledger = o.ledger
    ? `${o.ledger.final ? 'failed' : 'queued'} ${o.ledger.failure.reasonCode}${o.ledger.keepPartial ? ' +partial' : ''}`
    : '-';
  const q = o.queue;
  const queue =
    q.action === 'stop'
      ? 'stop'
      : q.action === 'retry'
        ? `retry${q.retryAfterMs !== undefined ? ` after ${q.retryAfterMs}` : ''}`
        : `defer ${q.delayMs} (${q.why})`;
  const e = o.engine;
  const engine =
    e.action === 'none' ? '-' : e.action === 'pause' ? `pause ${e.forMs}` : `disable: ${e.reason}`;
  return [ledger, queue, engine];
}

type Row = [
  name: string,
  error: AttemptError,
  limits: Partial<AttemptLimits>,
  ledger: string,
  queue: string,
  engine: string,
];

// prettier-ignore
const ROWS: Row[] = [
  // Before any attempt: nothing recorded, the job waits without spending an attempt.
  ['engine at its limit', { kind: 'engine-busy', retryInMs: 750 }, {}, '-', 'defer 750 (engine busy)', '-'],
  ['throttle unavailable', { kind: 'throttle-unavailable' }, {}, '-', 'defer 1000 (engine busy)', '-'],
  ['database unavailable', { kind: 'database-unavailable' }, {}, '-', 'defer 3000 (database unavailable)', '-'],
  // Attempts that never reach the provider.
  ['provider calls spent', { kind: 'calls-spent' }, {}, 'failed attempts_exhausted', 'stop', '-'],
  ['configuration deleted', { kind: 'configuration-deleted' }, {}, 'failed configuration_deleted', 'stop', '-'],
  ['shutdown, even on the last attempt', { kind: 'shutdown' }, LAST, 'queued interrupted', 'retry after 0', '-'],
  // Rate limits in the stream: waited out without spending an attempt while provider calls are left.
  ['429 + retry-after', stream('rate_limited', true, { retryAfterMs: 5000 }), {}, 'queued rate_limited', 'defer 5000 (rate limited)', 'pause 5000'],
  ['429 + retry-after, last attempt', stream('rate_limited', true, { retryAfterMs: 5000 }, 7), LAST, 'queued rate_limited', 'defer 5000 (rate limited)', 'pause 5000'],
  ['429, no retry-after', stream('rate_limited', true), {}, 'queued rate_limited', 'defer 2000 (rate limited)', '-'],
  ['429, not retryable', stream('rate_limited', false), {}, 'queued rate_limited', 'defer 2000 (rate limited)', '-'],
  ['429 + retry-after, last call', stream('rate_limited', true, { retryAfterMs: 5000 }, 8), {}, 'queued rate_limited', 'retry after 5000', 'pause 5000'],
  ['429, last call', stream('rate_limited', true, {}, 8), {}, 'queued rate_limited', 'retry', '-'],
  ['429 + retry-after, last call and attempt', stream('rate_limited', true, { retryAfterMs: 5000 }, 8), LAST, 'failed rate_limited +partial', 'stop', 'pause 5000'],
  ['429 not retryable, last call', stream('rate_limited', false, {}, 8), {}, 'failed rate_limited +partial', 'stop', '-'],
  // Credentials and quota.
  ['auth failed (401)', stream('auth_failed', false, { httpStatus: 401 }), {}, 'failed auth_failed +partial', 'stop', 'disable: credential rejected (HTTP 401)'],
  ['auth failed, no status, retryable', stream('auth_failed', true), {}, 'queued auth_failed', 'retry', 'disable: credential rejected (HTTP ?)'],
  ['quota exhausted', stream('quota_exhausted', false, { httpStatus: 429 }), {}, 'failed quota_exhausted +partial', 'stop', '-'],
  ['quota exhausted + retry-after', stream('quota_exhausted', false, { retryAfterMs: 9000 }), {}, 'failed quota_exhausted +partial', 'stop', '-'],
  ['invalid request', stream('invalid_request', false, { httpStatus: 400 }), {}, 'failed invalid_request +partial', 'stop', '-'],
  // Retryable stream failures: retried within the job's attempts; the last one fails the run.
  ['server error', stream('server_error', true, { httpStatus: 503 }), {}, 'queued server_error', 'retry', '-'],
  ['server error + retry-after', stream('server_error', true, { retryAfterMs: 3000 }), {}, 'queued server_error', 'retry after 3000', '-'],
  ['server error, last attempt', stream('server_error', true), LAST, 'failed server_error +partial', 'stop', '-'],
  ['server error, one-attempt job', stream('server_error', true), { maxAttempts: 1 }, 'failed server_error +partial', 'stop', '-'],
  ['overloaded', stream('overloaded', true, { httpStatus: 529 }), {}, 'queued overloaded', 'retry', '-'],
  ['in-band stream error', stream('stream_error', true), {}, 'queued stream_error', 'retry', '-'],
  ['connection reset, second attempt', stream('connection_reset', true), { attemptsMade: 1 }, 'queued connection_reset', 'retry', '-'],
  ['truncated', stream('truncated', true), {}, 'queued truncated', 'retry', '-'],
  ['stalled', stream('stalled', true), {}, 'queued stalled', 'retry', '-'],
  ['deadline exceeded, last attempt', stream('deadline_exceeded', true), LAST, 'failed deadline_exceeded +partial', 'stop', '-'],
  ['aborted', stream('aborted', false), {}, 'failed aborted +partial', 'stop', '-'],
  // A ProviderError thrown outside the stream: no capture to keep, no engine action, no deferral.
  ['thrown, retryable', thrown('connection_reset', true), {}, 'queued connection_reset', 'retry', '-'],
  ['thrown 429 + retry-after', thrown('rate_limited', true, { retryAfterMs: 4000 }), {}, 'queued rate_limited', 'retry after 4000', '-'],
  ['thrown auth failure', thrown('auth_failed', false, { httpStatus: 401 }), {}, 'failed auth_failed', 'stop', '-'],
  ['thrown, last attempt', thrown('server_error', true), LAST, 'failed server_error', 'stop', '-'],
  // A capture thread died: our fault, retried within the job's attempts.
  ['capture thread died', { kind: 'capture-thread', message: 'boom' }, {}, 'queued capture_thread_failed', 'retry', '-'],
  ['capture thread died, last attempt', { kind: 'capture-thread', message: 'boom' }, LAST, 'failed capture_thread_failed', 'stop', '-'],
];

describe('attemptOutcome', () => {
  it.each(ROWS)('%s', (_name, error, limits, ledger, queue, engine) => {
    expect(summary(attemptOutcome(error, { ...LIMITS, ...limits }, () => 0.5))).toEqual([
      ledger,
      queue,
      engine,
    ]);
  });

  it('has a stream row for every provider error code', () => {
    const all: Record<ProviderErrorCode, true> = {
      rate_limited: true,
      quota_exhausted: true,
      auth_failed: true,
      invalid_request: true,
      server_error: true,
      overloaded: true,
      stream_error: true,
      connection_reset: true,
      truncated: true,
      stalled: true,
      deadline_exceeded: true,
      aborted: true,
    };
    const covered = new Set(ROWS.flatMap(([, e]) => (e.kind === 'stream-failed' ? [e.error.code] : [])));
    expect([...covered].sort()).toEqual(Object.keys(all).sort());
  });

  it('records the provider error and hands its message, code and retry-after to the retry', () => {
    const error = stream('server_error', true, { httpStatus: 503, retryAfterMs: 3000 });
    expect(attemptOutcome(error, LIMITS)).toEqual({
      ledger: {
        failure: {
          reasonCode: 'server_error',
          message: 'server_error happened',
          httpStatus: 503,
          retryAfterMs: 3000,
        },
        final: false,
        keepPartial: false,
      },
      queue: {
        action: 'retry',
        reasonCode: 'server_error',
        message: 'server_error happened',
        retryAfterMs: 3000,
      },
      engine: { action: 'none' },
    });
  });

  it('records a failure without a status or retry-after without those keys', () => {
    const outcome = attemptOutcome(stream('aborted', false), LIMITS);
    expect(outcome.ledger?.failure).toStrictEqual({ reasonCode: 'aborted', message: 'aborted happened' });
    expect(outcome.queue).toStrictEqual({ action: 'stop' });
  });

  it('words the failures it names itself', () => {
    const message = (error: AttemptError) => attemptOutcome(error, LIMITS).ledger?.failure.message;
    expect(message({ kind: 'calls-spent' })).toBe('provider call budget for this run is spent');
    expect(message({ kind: 'configuration-deleted' })).toBe('the prompt, engine or project was deleted');
    expect(message({ kind: 'shutdown' })).toBe('worker shut down mid-stream; the run is re-queued');
    expect(attemptOutcome({ kind: 'capture-thread', message: 'boom' }, LIMITS).queue).toStrictEqual({
      action: 'retry',
      reasonCode: 'capture_thread_failed',
      message: 'boom',
    });
  });

  it('spreads the database-outage delay over the upper half of twice RUN_BACKOFF_MS', () => {
    const delay = (random: number) =>
      attemptOutcome({ kind: 'database-unavailable' }, LIMITS, () => random).queue;
    expect(delay(0)).toEqual({ action: 'defer', delayMs: 2000, why: 'database unavailable' });
    expect(delay(0.999)).toEqual({ action: 'defer', delayMs: 3998, why: 'database unavailable' });
  });
});

describe('the budgets', () => {
  const config = {
    RUN_MAX_ATTEMPTS: 3,
    RUN_MAX_RATE_LIMIT_DEFERRALS: 5,
    RUN_BACKOFF_MS: 2000,
    ENGINE_THROTTLE_RETRY_MS: 1000,
  };

  it('allows RUN_MAX_ATTEMPTS + RUN_MAX_RATE_LIMIT_DEFERRALS provider calls and no more', () => {
    expect(maxProviderCalls(config)).toBe(8);
    expect(providerCallsSpent(8, LIMITS)).toBe(false);
    expect(providerCallsSpent(9, LIMITS)).toBe(true);
  });

  it('reads the bounds from the configuration and the budget from the job', () => {
    expect(attemptLimits(config, { attemptsMade: 0, maxAttempts: 3 })).toEqual(LIMITS);
  });
});
