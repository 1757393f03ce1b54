import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { DelayedError, UnrecoverableError, type Job } from 'bullmq';
import { workerLockOptions, type AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { RUNS_QUEUE, type ExecuteRunJobData } from '../../infra/queue/queue-names';
import { isDatabaseUnavailable } from '../../infra/prisma/database-unavailable';
import { jitteredExponentialMs, providerAwareBackoff } from './provider-aware-backoff';
import { EngineBusyDeferral, RateLimitDeferral } from './run-errors';
import { RunExecutor } from './run-executor.service';

/** Thin: translates a job into an execution; retry policy lives in the executor and the backoff strategy. */
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
    let outcome;
    try {
      outcome = await this.executor.execute(job.data.runId, {
        attemptsMade: job.attemptsMade,
        maxAttempts: job.opts.attempts ?? 1,
      });
    } catch (e) {
      if (e instanceof RateLimitDeferral && token) {
        // Waiting out a 429 does not consume one of the job's attempts (bounded by the executor).
        await job.moveToDelayed(Date.now() + e.delayMs, token);
        throw new DelayedError();
      }
      if (e instanceof EngineBusyDeferral && token) {
        // The engine is at its limit: no attempt was started; the job waits without spending one.
        await job.moveToDelayed(Date.now() + e.delayMs, token);
        throw new DelayedError();
      }
      if (isDatabaseUnavailable(e) && token) {
        // Postgres is down or restarting: that is no fault of the run, so the job waits it out without
        // spending an attempt (a finished answer waits in its spill; provider calls stay bounded per run by
        // the attempts recorded in Postgres).
        const delayMs = jitteredExponentialMs(2, this.config.RUN_BACKOFF_MS, this.config.RUN_BACKOFF_MS * 2);
        const fields = { runId: job.data.runId, jobId: job.id, err: e, delayMs };
        this.logger.warn({ msg: 'database unavailable; run job delayed', ...fields });
        await job.moveToDelayed(Date.now() + delayMs, token);
        throw new DelayedError();
      }
      throw e;
    }
    this.logger.log({ runId: job.data.runId, jobId: job.id, outcome }, 'run job done');
    if (outcome === 'failed') throw new UnrecoverableError(`run ${job.data.runId} failed`);
    return outcome;
  }
}
