import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { DelayedError, UnrecoverableError, type Job } from 'bullmq';
import { workerLockOptions, type AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { RUNS_QUEUE, type ExecuteRunJobData } from '../../infra/queue/queue-names';
import { isDatabaseUnavailable } from '../../infra/prisma/database-unavailable';
import { attemptLimits, attemptOutcome, type AttemptBudget } from './attempt-outcome';
import { providerAwareBackoff } from './provider-aware-backoff';
import { RunDeferral } from './run-errors';
import { RunExecutor } from './run-executor.service';

/**
 * Thin: translates a job into an execution and the execution's outcome into BullMQ calls. The retry policy is
 * attemptOutcome (attempt-outcome.ts); the backoff strategy times its retries.
 */
@Processor(RUNS_QUEUE, { settings: { backoffStrategy: providerAwareBackoff }, ...workerLockOptions() })
export class RunProcessor extends WorkerHost implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(RunProcessor.name);

  constructor(
    private readonly executor: RunExecutor,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    super();
  }

  onApplicationBootstrap(): void {
    this.worker.concurrency = this.config.WORKER_CONCURRENCY;
  }

  /**
   * Graceful shutdown: stop taking jobs, let in-flight streams finish for SHUTDOWN_GRACE_MS, then abort the
   * rest (their runs are re-queued, not failed).
   */
  async beforeApplicationShutdown(): Promise<void> {
    const closing = this.worker.close();
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>(
      (resolve) => (timer = setTimeout(resolve, this.config.SHUTDOWN_GRACE_MS)),
    );
    await Promise.race([closing, grace]);
    clearTimeout(timer);
    if (this.executor.inFlightCount > 0) {
      this.logger.warn(
        { inFlight: this.executor.inFlightCount },
        'grace period over: aborting in-flight streams',
      );
      this.executor.abortInFlight();
    }
    await closing;
  }

  async process(job: Job<ExecuteRunJobData>, token?: string): Promise<string> {
    const budget: AttemptBudget = { attemptsMade: job.attemptsMade, maxAttempts: job.opts.attempts ?? 1 };
    let outcome;
    try {
      outcome = await this.executor.execute(job.data.runId, budget);
    } catch (e) {
      if (!token) throw e;
      if (e instanceof RunDeferral) {
        // A 429 waited out, or an engine at its limit: the job waits without spending an attempt.
        await job.moveToDelayed(Date.now() + e.delayMs, token);
        throw new DelayedError();
      }
      if (isDatabaseUnavailable(e)) {
        const { queue } = attemptOutcome(
          { kind: 'database-unavailable' },
          attemptLimits(this.config, budget),
        );
        if (queue.action !== 'defer') throw e;
        const fields = { runId: job.data.runId, jobId: job.id, err: e, delayMs: queue.delayMs };
        this.logger.warn({ msg: 'database unavailable; run job delayed', ...fields });
        await job.moveToDelayed(Date.now() + queue.delayMs, token);
        throw new DelayedError();
      }
      throw e;
    }
    this.logger.log({ runId: job.data.runId, jobId: job.id, outcome }, 'run job done');
    if (outcome === 'failed') throw new UnrecoverableError(`run ${job.data.runId} failed`);
    return outcome;
  }
}
