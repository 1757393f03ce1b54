import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { type Queue } from 'bullmq';
import { type AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import {
  EXECUTE_RUN_JOB,
  executeRunJobOptions,
  RUNS_QUEUE,
  runJobId,
  type ExecuteRunJobData,
} from '../../infra/queue/queue-names';
import { removeFinishedJobs } from '../../infra/queue/finished-jobs';
import { ENQUEUE_WAIT_MS, settleWithin } from '../../infra/redis/settle-within';

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

  /**
   * Adds the runs' jobs, waiting at most ENQUEUE_WAIT_MS: while Redis is down BullMQ holds the command until
   * it is back (its connection never gives up), and "Run now" must not hang for the outage. Past the wait
   * the runs stay queued in Postgres: the held command adds them when Redis returns, and the reconciler
   * (RECONCILE_QUEUED_STALE_MS) if this process goes away first. Job ids are the run ids, so neither can
   * run a run twice. Returns how many were enqueued now.
   */
  async enqueue(runIds: string[]): Promise<number> {
    if (runIds.length === 0) return 0;
    const opts = executeRunJobOptions(this.config.RUN_MAX_ATTEMPTS, this.config.RUN_BACKOFF_MS);
    const runs = runIds.length;
    try {
      const added = await settleWithin(
        this.queue.addBulk(
          runIds.map((runId) => ({
            name: EXECUTE_RUN_JOB,
            data: { runId },
            opts: { ...opts, jobId: runJobId(runId) },
          })),
        ),
        ENQUEUE_WAIT_MS,
        (late) => {
          if ('error' in late) {
            this.logger.warn({ err: late.error, runs }, 'deferred enqueue failed; the reconciler will retry');
          } else this.logger.log({ runs }, 'deferred enqueue done: Redis answered again');
        },
      );
      if (added.settled) return runs;
      this.logger.warn(
        { runs, waitedMs: ENQUEUE_WAIT_MS },
        'Redis not answering: runs stay queued and are enqueued when it is back',
      );
      return 0;
    } catch (err) {
      this.logger.warn({ err, runs }, 'enqueue failed; the reconciler will retry');
      return 0;
    }
  }
}
