import { setTimeout as delay } from 'node:timers/promises';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { type AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { Clock } from '../../infra/clock/clock';
import { isDatabaseUnavailable } from '../../infra/prisma/database-unavailable';
import { AlertEvaluationQueue } from '../../alerts/alert-evaluation-queue.service';
import { WebhookNotifier } from '../../webhooks/webhook-notifier.service';
import { AnswerSpill } from './answer-spill';
import { RunEventPublisher } from '../../live-events/run-event-publisher';
import { type StartedAttempt } from '../execution/run-attempt.types';
import { ResultWriteBatcher } from './result-write-batcher';
import { type LandingListeners, type RunResultWrite } from './run-result.types';
import { StaleAttemptError } from './stale-attempt-error';
import { retryWhileDatabaseUnavailable, type WriteRetryHooks } from './result-write-retry';

/** The first retry of a result write comes after ~250 ms; the delays double up to ~5 s (jittered). */
const RETRY_BASE_DELAY_MS = 250;
const RETRY_MAX_DELAY_MS = 5000;

/**
 * Lands a finished answer: keeps it (in memory and spilled to Redis) until its result is committed, retrying
 * the write while Postgres is unreachable or restarting for up to RESULT_WRITE_RETRY_SECONDS, never calling
 * the provider again; then announces it (live scores, webhooks, alert evaluation). The BullMQ job's lock is
 * renewed by the worker for as long as this runs, so the job neither stalls nor spends an attempt.
 */
@Injectable()
export class RunResultLander {
  private readonly logger = new Logger(RunResultLander.name);

  constructor(
    private readonly results: ResultWriteBatcher,
    private readonly spill: AnswerSpill,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly live: RunEventPublisher,
    private readonly webhooks: WebhookNotifier,
    private readonly alerts: AlertEvaluationQueue,
  ) {}

  /**
   * Saves and announces the answer of `attempt`. Throws StaleAttemptError when the run moved on, and the
   * database error once the retry budget is spent or `signal` aborts (the spill then stays for the next job;
   * after any other error it is dropped).
   */
  async land(attempt: StartedAttempt, result: RunResultWrite, signal?: AbortSignal): Promise<void> {
    // Spilled while the first write goes out: the window in which a worker death loses the answer is the
    // time Redis takes to store it.
    const spilled = this.spill.put(attempt, result);
    let listeners: LandingListeners;
    try {
      listeners = await this.save(attempt, result, false, signal);
    } catch (e) {
      // Kept only for a database that may come back; a refused (stale) or bad write has nothing to recover.
      if (!isDatabaseUnavailable(e) && (await spilled)) await this.spill.drop(attempt.runId, attempt.token);
      throw e;
    }
    if (await spilled) await this.spill.drop(attempt.runId, attempt.token);
    await this.announce(attempt, result, listeners);
  }

  /**
   * Lands the run's spilled answer, if it has one (an earlier worker died, or gave up, before its write
   * committed), under the attempt that received it. True when it landed; false when there is none or that
   * attempt is no longer the run's current one or its write fails for its own sake (the spill is then dropped
   * and the job goes on as usual). A database still unavailable is thrown, and the spill kept.
   */
  async landSpilled(runId: string, signal?: AbortSignal): Promise<boolean> {
    const spilled = await this.spill.read(runId);
    if (!spilled) return false;
    const { attempt, result } = spilled;
    const fields = { runId, attempt: attempt.attempt };
    let listeners: LandingListeners;
    try {
      listeners = await this.save(attempt, result, true, signal);
    } catch (e) {
      if (isDatabaseUnavailable(e)) throw e; // kept for the next try (the processor delays the job)
      if (e instanceof StaleAttemptError) {
        this.logger.warn({ msg: 'spilled answer belongs to a superseded attempt; dropped', ...fields });
      } else {
        // A write that fails for its own sake would fail every job of the run: drop it and run anew.
        this.logger.error({ msg: 'spilled answer cannot be written; dropped', ...fields, err: e });
      }
      await this.spill.drop(runId, attempt.token);
      return false;
    }
    this.logger.warn({
      msg: 'spilled answer of an earlier worker landed; the provider was not called again',
      ...fields,
    });
    await this.spill.drop(runId, attempt.token);
    await this.announce(attempt, result, listeners);
    return true;
  }

  private save(
    attempt: StartedAttempt,
    result: RunResultWrite,
    fromSpill: boolean,
    signal?: AbortSignal,
  ): Promise<LandingListeners> {
    const fields = { runId: attempt.runId, attempt: attempt.attempt };
    const hooks: WriteRetryHooks = {
      failing: ({ error, elapsedMs, nextDelayMs }) =>
        this.logger.warn({
          msg: 'result write failed: database unavailable; answer kept, retrying',
          ...fields,
          err: error,
          elapsedMs: Math.round(elapsedMs),
          nextDelayMs,
          budgetMs: this.budgetMs(),
        }),
      recovered: ({ tries, elapsedMs }) =>
        this.logger.warn({
          msg: 'result write recovered',
          ...fields,
          tries,
          elapsedMs: Math.round(elapsedMs),
        }),
      gaveUp: ({ error, tries, elapsedMs }) =>
        this.logger.error({
          msg: 'result write still failing at the end of its retry budget; the spilled answer waits for the next job',
          ...fields,
          err: error,
          tries,
          elapsedMs: Math.round(elapsedMs),
        }),
    };
    return retryWhileDatabaseUnavailable(
      () => this.results.saveRunResult(attempt.runId, attempt.token, result, this.clock.now(), fromSpill),
      { budgetMs: this.budgetMs(), baseDelayMs: RETRY_BASE_DELAY_MS, maxDelayMs: RETRY_MAX_DELAY_MS },
      hooks,
      {
        now: () => performance.now(),
        sleep: (ms, s) => delay(ms, undefined, { signal: s }).catch(() => undefined),
      },
      signal,
    );
  }

  private budgetMs(): number {
    return this.config.RESULT_WRITE_RETRY_SECONDS * 1000;
  }

  private async announce(
    attempt: StartedAttempt,
    result: RunResultWrite,
    listeners: LandingListeners,
  ): Promise<void> {
    this.live.succeeded(attempt, result.scores);
    // Only when someone listens (as of the commit): most projects have no alert rule and most workspaces no
    // webhook, and a landing then costs no lookup, no alert job and none of their round trips. Awaited: if
    // webhooks or the alert evaluation cannot be enqueued, the job fails after the result is committed and
    // its redelivery announces the outcome again (see RunExecutor.announceLanded, which asks without this
    // shortcut).
    await Promise.all([
      listeners.webhooks ? this.webhooks.runCompleted(attempt, result.scores) : undefined,
      listeners.alertRules ? this.alerts.enqueue(attempt.runId) : undefined,
    ]);
  }
}
