import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { type AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { type BrandRecord } from '../../brands/brand.repository';
import { type CapturedStream } from '../../capture/recording/captured-stream';
import { tokenizeTimeline } from '../../detection/answer-tokenizer';
import { type DetectedMention } from '../../detection/incremental-matcher';
import { EngineRepository, type EngineRecord } from '../../engines/engine.repository';
import { EngineService } from '../../engines/engine.service';
import { Clock } from '../../infra/clock/clock';
import { ProviderError } from '../../llm/provider-error';
import {
  RunLedgerRepository,
  StaleAttemptError,
  type AttemptFailure,
  type PartialCapture,
  type TruncatedCapture,
  type RunResultWrite,
  type StartedAttempt,
} from '../results/run-ledger.repository';
import { RunResultLander } from '../results/run-result-lander';
import { AnswerCapturePool } from '../../capture/threads/answer-capture-pool';
import { CaptureThreadError } from '../../capture/threads/capture-protocol';
import { ProviderRegistry } from './provider-registry';
import { estimateCostUsd } from './cost-estimator';
import { LoopTurns } from '../../capture/threads/loop-turns';
import { analyzeAnswer, citationRows, type AnswerAnalysis } from '../../capture/analysis/run-analysis';
import { type BrandKind } from '../../scoring/run-scorer';
import { EngineBusyDeferral, RateLimitDeferral, RetryableRunError } from './run-errors';
import { EngineThrottle, type Admission } from './engine-throttle';
import { RunEventPublisher } from '../../live-events/run-event-publisher';
import { WebhookNotifier } from '../../webhooks/webhook-notifier.service';
import { AlertEvaluationQueue } from '../../alerts/alert-evaluation-queue.service';

export interface AttemptBudget {
  /** Attempts already made by the queue before this one. */
  attemptsMade: number;
  maxAttempts: number;
}

export type ExecuteOutcome = 'succeeded' | 'failed' | 'already-terminal' | 'stale';

/** The abort reason used when the worker shuts down: the run is re-run, never failed because of it. */
export class WorkerShutdown extends Error {
  override readonly name = 'WorkerShutdown';
  constructor() {
    super('worker shutting down');
  }
}

/** Finish reasons that are valid observations carrying a flag, never failures (docs/architecture.md). */
const FLAGGED_FINISH_REASONS = new Set(['length', 'content_filter', 'refusal']);

/**
 * Executes one run attempt: stream, capture, detect live, score, persist. Throws RetryableRunError when the
 * queue should retry, returns the outcome otherwise (the processor turns a final failure into
 * UnrecoverableError so BullMQ stops).
 */
@Injectable()
export class RunExecutor implements OnApplicationShutdown {
  private readonly logger = new Logger(RunExecutor.name);
  private readonly inFlight = new Set<AbortController>();
  /** Runs finishing together are analysed a few milliseconds' worth per event-loop turn (see LoopTurns). */
  private readonly analysisTurns = new LoopTurns();

  constructor(
    private readonly ledger: RunLedgerRepository,
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
    const limits = await this.ledger.engineLimitsOf(runId);
    if (!limits) {
      // A redelivered job of a run that already ended (its worker died, or announcing its outcome failed):
      // announce it again; webhook deliveries and the alert evaluation are idempotent per run.
      await this.announceLanded(runId);
      return 'already-terminal';
    }
    let admission: Admission;
    try {
      admission = await this.throttle.acquire(limits);
    } catch (err) {
      // Redis could not answer: wait rather than exceed the limit (nothing was started or charged).
      this.logger.warn({ err, runId }, 'engine throttle unavailable; run deferred');
      throw new EngineBusyDeferral(this.config.ENGINE_THROTTLE_RETRY_MS);
    }
    if (!admission.admitted) throw new EngineBusyDeferral(admission.retryInMs);
    try {
      return await this.executeAdmitted(runId, budget);
    } finally {
      await admission.lease.release();
    }
  }

  private async executeAdmitted(runId: string, budget: AttemptBudget): Promise<ExecuteOutcome> {
    const attempt = await this.ledger.startAttempt(runId, this.clock.now());
    if (!attempt) return 'already-terminal';
    if (attempt.attempt > this.maxProviderCalls()) {
      // A redelivered job (stalled worker, reconciler) must not push a run past its documented call bound.
      const failure = {
        reasonCode: 'attempts_exhausted',
        message: 'provider call budget for this run is spent',
      };
      return this.fail(attempt, failure, true, null);
    }
    const isFinal = (retryable: boolean) => !retryable || budget.attemptsMade + 1 >= budget.maxAttempts;

    // Read by the statement that started the attempt.
    const { engine, promptText, project, brands } = attempt.setup;
    if (!engine || promptText === null || !project) {
      this.live.status(attempt, 'running');
      const failure = {
        reasonCode: 'configuration_deleted',
        message: 'the prompt, engine or project was deleted',
      };
      return this.fail(attempt, failure, true, null);
    }

    const controller = new AbortController();
    this.inFlight.add(controller);
    try {
      const resolved = await this.registry
        .resolve({
          engine,
          apiKey: this.engineService.decryptCredential(engine),
          prompt: promptText,
          brandNames: brands.map((b) => b.name),
          runId,
        })
        .catch((e: unknown) => {
          // No capture to announce the attempt: the log still reads running, then the failure.
          this.live.status(attempt, 'running');
          throw e;
        });
      const brandKinds = brands.map((b) => ({ id: b.id, kind: b.kind }));
      const { capture, error, mentions, analysis } = await this.captures.capture(
        resolved,
        {
          request: resolved.request,
          brands: brands.map(toBrandSpec),
          contentIdleMs: this.config.STREAM_IDLE_TIMEOUT_MS,
          liveBatchMs: this.config.LIVE_CHUNK_BATCH_MS,
          analysis: {
            brands: brandKinds,
            settings: { foldTokens: project.foldTokens, halfLifeMs: project.halfLifeMs },
          },
        },
        controller.signal,
        // The pool publishes the attempt's live events (`running`, chunks, mentions) where it captures.
        attempt,
        `${attempt.runId}:${attempt.attempt}`,
      );
      if (error && controller.signal.reason instanceof WorkerShutdown) {
        return await this.interrupted(attempt);
      }
      if (error?.code === 'rate_limited' && error.retryAfterMs !== undefined) {
        // The provider asked the whole engine to wait: no worker sends it another run before then.
        await this.throttle.pause(engine.id, error.retryAfterMs);
      }
      if (error?.code === 'rate_limited' && attempt.attempt < this.maxProviderCalls()) {
        await this.fail(attempt, toFailure(error), false, null);
        throw new RateLimitDeferral(error.retryAfterMs ?? this.config.RUN_BACKOFF_MS);
      }
      if (error) {
        const failure = toFailure(error);
        if (error.code === 'auth_failed')
          await this.engines.markDisabled(engine.id, `credential rejected (HTTP ${error.httpStatus ?? '?'})`);
        const final = isFinal(error.retryable);
        const outcome = await this.fail(attempt, failure, final, final ? toTruncated(capture) : null);
        if (!final) throw new RetryableRunError(failure.message, failure.reasonCode, failure.retryAfterMs);
        return outcome;
      }
      await this.persist(
        attempt,
        engine,
        capture,
        brands,
        analysis ?? (await this.analyze(capture, mentions, brandKinds, project)),
        controller.signal,
      );
      return 'succeeded';
    } catch (e) {
      if (e instanceof StaleAttemptError) {
        this.logger.warn({ runId }, 'stale attempt: another attempt owns this run; result dropped');
        return 'stale';
      }
      if (e instanceof ProviderError) {
        const final = isFinal(e.retryable);
        const outcome = await this.fail(attempt, toFailure(e), final, null);
        if (!final) throw new RetryableRunError(e.message, e.code, e.retryAfterMs);
        return outcome;
      }
      if (e instanceof CaptureThreadError) {
        // Our fault, not the engine's: recorded with its own reason, retried within the attempt budget.
        this.logger.error({ err: e, runId }, 'capture thread failed during a run');
        const failure = { reasonCode: 'capture_thread_failed', message: e.message };
        const final = isFinal(true);
        const outcome = await this.fail(attempt, failure, final, null);
        if (!final) throw new RetryableRunError(failure.message, failure.reasonCode);
        return outcome;
      }
      throw e;
    } finally {
      this.inFlight.delete(controller);
    }
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
    brands: { id: string; kind: BrandKind }[],
    project: { foldTokens: number; halfLifeMs: number },
  ): Promise<AnswerAnalysis> {
    return this.analysisTurns.run(() => analyzeAnswer(capture, mentions, brands, project));
  }

  private async persist(
    attempt: StartedAttempt,
    engine: EngineRecord,
    capture: CapturedStream,
    brands: BrandRecord[],
    analysis: AnswerAnalysis,
    signal: AbortSignal,
  ): Promise<void> {
    const flags =
      capture.finishReason && FLAGGED_FINISH_REASONS.has(capture.finishReason) ? [capture.finishReason] : [];
    const result: RunResultWrite = {
      ...toPartial(capture),
      flags,
      responseModel: capture.responseModel,
      inputTokens: capture.usage?.inputTokens ?? null,
      outputTokens: capture.usage?.outputTokens ?? null,
      ...analysis,
      citations: citationRows(capture.citations, brands),
      estimatedCostUsd: estimateCostUsd(
        this.config.PRICE_TABLE,
        engine.provider,
        engine.model,
        capture.usage,
      ),
    };
    await this.lander.land(attempt, result, signal);
  }

  private async fail(
    attempt: StartedAttempt,
    failure: AttemptFailure,
    final: boolean,
    partial: TruncatedCapture | null,
  ): Promise<ExecuteOutcome> {
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
    return 'failed';
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

  /**
   * The documented bound on provider calls per run: RUN_MAX_ATTEMPTS attempts, plus up to
   * RUN_MAX_RATE_LIMIT_DEFERRALS extra calls that only waited out a 429.
   */
  private maxProviderCalls(): number {
    return this.config.RUN_MAX_ATTEMPTS + this.config.RUN_MAX_RATE_LIMIT_DEFERRALS;
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

  private async interrupted(attempt: StartedAttempt): Promise<never> {
    const failure = {
      reasonCode: 'interrupted',
      message: 'worker shut down mid-stream; the run is re-queued',
    };
    await this.ledger.recordAttemptFailure(
      attempt.runId,
      attempt.token,
      failure,
      false,
      null,
      this.clock.now(),
    );
    this.live.status(attempt, 'queued', failure);
    throw new RetryableRunError(failure.message, failure.reasonCode, 0);
  }
}

function toBrandSpec(b: BrandRecord) {
  return {
    id: b.id,
    name: b.name,
    aliases: b.aliases,
    exclusions: b.exclusions,
    domains: b.domains,
    ambiguous: b.ambiguous,
  };
}

function toFailure(e: ProviderError): AttemptFailure {
  return {
    reasonCode: e.code,
    message: e.message,
    ...(e.httpStatus !== undefined ? { httpStatus: e.httpStatus } : {}),
    ...(e.retryAfterMs !== undefined ? { retryAfterMs: e.retryAfterMs } : {}),
  };
}

/** The partial text of a run cut before its end counts its tokens like a complete answer's. */
function toTruncated(c: CapturedStream): TruncatedCapture {
  return { ...toPartial(c), ...tokenizeTimeline(c.answerText, c.chunkEnds, c.chunkArrivalsUs) };
}

function toPartial(c: CapturedStream): PartialCapture {
  return {
    answerText: c.answerText,
    reasoningText: c.reasoningText === '' ? null : c.reasoningText,
    requestSentAt: c.requestSentAt,
    headersUs: c.headersUs,
    ttftUs: c.ttftUs,
    durationUs: c.durationUs,
    chunkArrivalsUs: c.chunkArrivalsUs,
    chunkEnds: c.chunkEnds,
    finishReason: c.finishReason,
  };
}
