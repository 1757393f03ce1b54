import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { type Queue } from 'bullmq';
import { type AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import {
  EXECUTE_RUN_JOB,
  executeRunJobOptions,
  RUNS_QUEUE,
  runJobId,
  type ExecuteRunJobData,
} from '../infra/queue/queue-names';
import { removeFinishedJobs } from '../infra/queue/finished-jobs';

/**
 * Enqueues run jobs. Postgres holds the truth: a run whose enqueue fails stays `queued` and the reconciler
 * enqueues it later, so a Redis outage delays runs but never loses them.
 */
@Injectable()
export class RunQueue {
  private readonly logger = new Logger(RunQueue.name);

  constructor(
    @InjectQueue(RUNS_QUEUE) private readonly queue: Queue<ExecuteRunJobData>,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * For the reconciler: a run still queued in Postgres whose job already finished (completed, or failed
   * after its attempts, e.g. interrupted by a shutdown) would never run again, because re-adding a job id
   * that exists is a no-op. Such leftovers are removed first. Live jobs are left alone.
   */
  async requeue(runIds: string[]): Promise<number> {
    await removeFinishedJobs(this.queue, runIds.map(runJobId));
    return this.enqueue(runIds);
  }

  async enqueue(runIds: string[]): Promise<number> {
    if (runIds.length === 0) return 0;
    const opts = executeRunJobOptions(this.config.RUN_MAX_ATTEMPTS, this.config.RUN_BACKOFF_MS);
    try {
      await this.queue.addBulk(
        runIds.map((runId) => ({
          name: EXECUTE_RUN_JOB,
          data: { runId },
          opts: { ...opts, jobId: runJobId(runId) },
        })),
      );
      return runIds.length;
    } catch (err) {
      this.logger.warn({ err, runs: runIds.length }, 'enqueue failed; the reconciler will retry');
      return 0;
    }
  }
}
