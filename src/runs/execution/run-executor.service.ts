import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { type AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { type CapturedStream } from '../../capture/recording/captured-stream';
import { type DetectedMention } from '../../detection/incremental-matcher';
import { EngineRepository } from '../../engines/engine.repository';
import { EngineService } from '../../engines/engine.service';
import { Clock } from '../../infra/clock/clock';
import { ProviderError } from '../../llm/provider-error';
import { StaleAttemptError } from '../results/stale-attempt-error';
import { RunAttemptRepository } from './run-attempt.repository';
import { type StartedAttempt } from './run-attempt.types';
import { RunResultLander } from '../results/run-result-lander';
import { AnswerCapturePool } from '../../capture/threads/answer-capture-pool';
import { CaptureThreadError } from '../../capture/threads/capture-protocol';
import { ProviderRegistry } from './provider-registry';
import { LoopTurns } from '../../capture/threads/loop-turns';
import { analyzeAnswer, type AnswerAnalysis } from '../../capture/analysis/run-analysis';
import {
  attemptLimits,
  attemptOutcome,
  providerCallsSpent,
  type AttemptBudget,
  type AttemptLimits,
  type AttemptOutcome,
  type EngineAction,
} from './attempt-outcome';
import { resultWrite, toTruncated } from './attempt-result';
import { brandKinds, captureJob, isComplete, type CompleteSetup } from './attempt-setup';
import { RetryableRunError, RunDeferral, WorkerShutdown } from './run-errors';
import { EngineThrottle, type Admission } from './engine-throttle';
import { RunEventPublisher } from '../../live-events/run-event-publisher';
import { WebhookNotifier } from '../../webhooks/webhook-notifier.service';
import { AlertEvaluationQueue } from '../../alerts/alert-evaluation-queue.service';

export type ExecuteOutcome = 'succeeded' | 'failed' | 'already-terminal' | 'stale';

/**
 * Executes one run attempt: stream, capture, detect live, score, persist. What a failure does to the run is
 * decided by attemptOutcome (attempt-outcome.ts); this class carries it out: it throws RetryableRunError when
 * the queue should retry, RunDeferral when the job should wait without spending an attempt, and returns the
 * outcome otherwise (the processor turns a final failure into UnrecoverableError so BullMQ stops).
 */
@Injectable()
export class RunExecutor implements OnApplicationShutdown {
  private readonly logger = new Logger(RunExecutor.name);
  private readonly inFlight = new Set<AbortController>();
  /** Runs finishing together are analysed a few milliseconds' worth per event-loop turn (see LoopTurns). */
  private readonly analysisTurns = new LoopTurns();

  constructor(
    private readonly ledger: RunAttemptRepository,
    private readonly engines: EngineRepository,
    private readonly engineService: EngineService,
    private readonly registry: ProviderRegistry,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly live: RunEventPublisher,
    private readonly webhooks: WebhookNotifier,
    private readonly throttle: EngineThrottle,
    private readonly alerts: AlertEvaluationQueue,
    private readonly captures: AnswerCapturePool,
    private readonly lander: RunResultLander,
  ) {}

  async execute(runId: string, budget: AttemptBudget): Promise<ExecuteOutcome> {
    if (await this.landSpilled(runId)) return 'succeeded';
    const engineLimits = await this.ledger.engineLimitsOf(runId);
    if (!engineLimits) {
      // A redelivered job of a run that already ended (its worker died, or announcing its outcome failed):
      // announce it again; webhook deliveries and the alert evaluation are idempotent per run.
      await this.announceLanded(runId);
      return 'already-terminal';
    }
    const limits = attemptLimits(this.config, budget);
    let admission: Admission;
    try {
      admission = await this.throttle.acquire(engineLimits);
    } catch (err) {
      this.logger.warn({ err, runId }, 'engine throttle unavailable; run deferred');
      return this.carryOut(null, attemptOutcome({ kind: 'throttle-unavailable' }, limits));
    }
    if (!admission.admitted) {
      return this.carryOut(
        null,
        attemptOutcome({ kind: 'engine-busy', retryInMs: admission.retryInMs }, limits),
      );
    }
    try {
      return await this.executeAdmitted(runId, limits);
    } finally {
      await admission.lease.release();
    }
  }

  private async executeAdmitted(runId: string, limits: AttemptLimits): Promise<ExecuteOutcome> {
    const attempt = await this.ledger.startAttempt(runId, this.clock.now());
    if (!attempt) return 'already-terminal';
    if (providerCallsSpent(attempt.attempt, limits)) {
      return this.carryOut(attempt, attemptOutcome({ kind: 'calls-spent' }, limits));
    }
    // Read by the statement that started the attempt.
    const setup = attempt.setup;
    if (!isComplete(setup)) {
      this.live.status(attempt, 'running');
      return this.carryOut(attempt, attemptOutcome({ kind: 'configuration-deleted' }, limits));
    }

    const controller = new AbortController();
    this.inFlight.add(controller);
    try {
      const { capture, error, mentions, analysis } = await this.stream(attempt, setup, controller.signal);
      if (error) {
        const outcome = attemptOutcome(
          controller.signal.reason instanceof WorkerShutdown
            ? { kind: 'shutdown' }
            : { kind: 'stream-failed', error, attempt: attempt.attempt },
          limits,
        );
        await this.applyToEngine(setup.engine.id, outcome.engine);
        return await this.carryOut(attempt, outcome, capture);
      }
      const analysed = analysis ?? (await this.analyze(capture, mentions, setup));
      const result = resultWrite(capture, analysed, setup.brands, setup.engine, this.config.PRICE_TABLE);
      await this.lander.land(attempt, result, controller.signal);
      return 'succeeded';
    } catch (e) {
      if (e instanceof StaleAttemptError) {
        this.logger.warn({ runId }, 'stale attempt: another attempt owns this run; result dropped');
        return 'stale';
      }
      if (e instanceof ProviderError) {
        return this.carryOut(attempt, attemptOutcome({ kind: 'provider-thrown', error: e }, limits));
      }
      if (e instanceof CaptureThreadError) {
        // Our fault, not the engine's: recorded with its own reason, retried within the attempt budget.
        this.logger.error({ err: e, runId }, 'capture thread failed during a run');
        return this.carryOut(attempt, attemptOutcome({ kind: 'capture-thread', message: e.message }, limits));
      }
      throw e;
    } finally {
      this.inFlight.delete(controller);
    }
  }

  /** Resolves the engine's provider and captures its answer (the pool publishes the attempt's live events). */
  private async stream(attempt: StartedAttempt, setup: CompleteSetup, signal: AbortSignal) {
    const { engine, promptText, brands } = setup;
    const resolved = await this.registry
      .resolve({
        engine,
        apiKey: this.engineService.decryptCredential(engine),
        prompt: promptText,
        brandNames: brands.map((b) => b.name),
        runId: attempt.runId,
      })
      .catch((e: unknown) => {
        // No capture to announce the attempt: the log still reads running, then the failure.
        this.live.status(attempt, 'running');
        throw e;
      });
    const job = captureJob(resolved.request, setup, this.config);
    return this.captures.capture(resolved, job, signal, attempt, `${attempt.runId}:${attempt.attempt}`);
  }

  /**
   * An earlier worker died (or gave up) holding this run's finished answer: land it, call no provider. Its
   * write waits out a database outage like any other, and a shutdown cuts that wait short (the spill stays).
   */
  private async landSpilled(runId: string): Promise<boolean> {
    const controller = new AbortController();
    this.inFlight.add(controller);
    try {
      return await this.lander.landSpilled(runId, controller.signal);
    } finally {
      this.inFlight.delete(controller);
    }
  }

  /** On the main thread (CAPTURE_THREADS=0): a few milliseconds' worth per event-loop turn. */
  private analyze(
    capture: CapturedStream,
    mentions: DetectedMention[],
    setup: CompleteSetup,
  ): Promise<AnswerAnalysis> {
    const brands = brandKinds(setup.brands);
    return this.analysisTurns.run(() => analyzeAnswer(capture, mentions, brands, setup.project));
  }

  private async applyToEngine(engineId: string, action: EngineAction): Promise<void> {
    if (action.action === 'pause') await this.throttle.pause(engineId, action.forMs);
    if (action.action === 'disable') await this.engines.markDisabled(engineId, action.reason);
  }

  /** Records the attempt as the outcome says, then ends the job, retries it or defers it. */
  private async carryOut(
    attempt: StartedAttempt | null,
    outcome: AttemptOutcome,
    capture?: CapturedStream,
  ): Promise<ExecuteOutcome> {
    const { ledger, queue } = outcome;
    if (attempt && ledger) {
      const { failure, final } = ledger;
      const partial = ledger.keepPartial && capture ? toTruncated(capture) : null;
      await this.ledger.recordAttemptFailure(
        attempt.runId,
        attempt.token,
        failure,
        final,
        partial,
        this.clock.now(),
      );
      this.live.status(attempt, final ? 'failed' : 'queued', failure);
      // Awaited, like runCompleted: a redelivered job announces a failed run again.
      if (final) await this.webhooks.runFailed(attempt, failure);
    }
    switch (queue.action) {
      case 'stop':
        return 'failed';
      case 'retry':
        throw new RetryableRunError(queue.message, queue.reasonCode, queue.retryAfterMs);
      case 'defer':
        throw new RunDeferral(queue.delayMs, queue.why);
    }
  }

  /** Webhooks (and, after success, the alert evaluation) of a run that already ended. */
  private async announceLanded(runId: string): Promise<void> {
    const landed = await this.ledger.landedOutcome(runId);
    if (!landed) return;
    if (landed.status === 'failed') {
      await this.webhooks.runFailed(landed.ref, { reasonCode: landed.failureReason ?? 'unknown' });
      return;
    }
    await Promise.all([this.webhooks.runCompleted(landed.ref, landed.scores), this.alerts.enqueue(runId)]);
  }

  get inFlightCount(): number {
    return this.inFlight.size;
  }

  /**
   * Aborts the streams still running when the shutdown grace period ends. Their attempts are recorded as
   * `interrupted` (not a failure of the engine) and the runs go back to the queue to be re-run.
   */
  abortInFlight(): void {
    for (const c of this.inFlight) c.abort(new WorkerShutdown());
  }

  onApplicationShutdown(): void {
    this.abortInFlight();
  }
}
