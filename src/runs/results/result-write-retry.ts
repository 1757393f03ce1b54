// Waiting out a database outage with a finished answer in hand: the write is retried with capped, jittered
// exponential backoff for a bounded time, and only while the error says the database is unreachable or
// restarting. Any other error (a constraint, a bad value, a stale attempt) is thrown at once. Pure: the clock,
// the sleep and the randomness are injected.
import { isDatabaseUnavailable } from '../../infra/prisma/database-unavailable';
import { jitteredExponentialMs } from '../execution/jittered-backoff';

export interface WriteRetryPolicy {
  /** No new try starts past this much time since the first one (ms); 0 = a single try. */
  budgetMs: number;
  /** The delay after the first failure (before jitter); doubled after each further failure. */
  baseDelayMs: number;
  /** Cap on one delay (before jitter). */
  maxDelayMs: number;
}

export interface WriteRetryProgress {
  /** Tries made so far (the one that just failed or succeeded included). */
  tries: number;
  /** Since the first try started (ms). */
  elapsedMs: number;
}

export interface WriteRetryHooks {
  /** The first try failed with an unavailable database; the next comes after `nextDelayMs`. */
  failing(progress: WriteRetryProgress & { error: unknown; nextDelayMs: number }): void;
  /** A try succeeded after at least one failure. */
  recovered(progress: WriteRetryProgress): void;
  /** The budget is spent (or the signal aborted): the last error is thrown. */
  gaveUp(progress: WriteRetryProgress & { error: unknown }): void;
}

export interface WriteRetryDeps {
  now(): number;
  /** Resolves after `ms`, or earlier once `signal` aborts (never rejects). */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  random?: () => number;
}

export async function retryWhileDatabaseUnavailable<T>(
  write: () => Promise<T>,
  policy: WriteRetryPolicy,
  hooks: WriteRetryHooks,
  deps: WriteRetryDeps,
  signal?: AbortSignal,
): Promise<T> {
  const started = deps.now();
  for (let tries = 1; ; tries++) {
    try {
      const value = await write();
      if (tries > 1) hooks.recovered({ tries, elapsedMs: deps.now() - started });
      return value;
    } catch (error) {
      if (!isDatabaseUnavailable(error)) throw error;
      const elapsedMs = deps.now() - started;
      const nextDelayMs = jitteredExponentialMs(tries, policy.baseDelayMs, policy.maxDelayMs, deps.random);
      if (signal?.aborted || elapsedMs + nextDelayMs > policy.budgetMs) {
        hooks.gaveUp({ tries, elapsedMs, error });
        throw error;
      }
      if (tries === 1) hooks.failing({ tries, elapsedMs, error, nextDelayMs });
      await deps.sleep(nextDelayMs, signal);
    }
  }
}
