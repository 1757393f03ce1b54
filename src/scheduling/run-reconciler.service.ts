import { InjectQueue } from '@nestjs/bullmq';
import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { type Queue } from 'bullmq';
import { type AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { Clock } from '../infra/clock/clock';
import { RUNS_QUEUE, runJobId, type ExecuteRunJobData } from '../infra/queue/queue-names';
import { maxProviderCalls } from '../runs/execution/attempt-outcome';
import { RunQueue } from '../runs/execution/run-queue.service';
import { PeriodicTask } from '../infra/schedule/periodic-task';
import { RunRecoveryRepository } from './run-recovery.repository';

const BATCH = 500;

/** Job states in which the queue will still execute (or is executing) the run: nothing to recover. */
const LIVE_JOB_STATES = new Set(['active', 'waiting', 'delayed', 'prioritized', 'waiting-children']);

export interface ReconcileReport {
  /** Runs failed with `attempts_exhausted`. */
  exhausted: number;
  /** `running` runs whose worker and job were lost, put back to queued and re-enqueued. */
  recoveredRunning: number;
  /** Stale `queued` runs re-enqueued (a no-op for those whose job is alive). */
  requeued: number;
}

/**
 * Rebuilds queue state from the Postgres ledger (Redis may lose jobs; Postgres is the truth). Safe on every
 * replica: each state change is fenced in SQL (status, attempt token, updatedAt), only the replica that made
 * it enqueues, and job ids are derived from run ids so re-adding a live job is a no-op.
 *
 * - runs with no provider call left (run_attempts >= RUN_MAX_ATTEMPTS + RUN_MAX_RATE_LIMIT_DEFERRALS) that are
 *   not terminal are failed (`attempts_exhausted`), so a run never ends up neither done nor retried;
 * - runs `running` past RUN_DEADLINE_MS + RECONCILE_RUNNING_MARGIN_MS whose job is not live (worker killed and
 *   its job lost, or the job failed after stalling twice) go back to queued and are re-enqueued: the next
 *   attempt gets a fresh token, so a zombie writer of the old one is refused;
 * - runs `queued` past RECONCILE_QUEUED_STALE_MS are re-enqueued (their job was lost with Redis, or the
 *   enqueue after the claim failed).
 */
@Injectable()
export class RunReconciler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(RunReconciler.name);
  private readonly task: PeriodicTask<ReconcileReport>;

  constructor(
    private readonly ledger: RunRecoveryRepository,
    private readonly queue: RunQueue,
    @InjectQueue(RUNS_QUEUE) private readonly jobs: Queue<ExecuteRunJobData>,
    private readonly clock: Clock,
    private readonly scheduler: SchedulerRegistry,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.task = new PeriodicTask(this.scheduler, {
      name: 'run-reconciler',
      everyMs: this.config.RECONCILE_INTERVAL_MS,
      pass: () => this.pass(),
      logger: this.logger,
      failure: 'reconcile failed; retrying next tick',
    });
  }

  onApplicationBootstrap(): void {
    if (this.config.SCHEDULER_ENABLED) this.task.start();
  }

  onApplicationShutdown(): void {
    this.task.stop();
  }

  /** One pass; a pass already in progress in this process is joined rather than overlapped. */
  reconcile(): Promise<ReconcileReport> {
    return this.task.runOnce();
  }

  private async pass(): Promise<ReconcileReport> {
    const report: ReconcileReport = { exhausted: 0, recoveredRunning: 0, requeued: 0 };
    try {
      const now = this.clock.now();
      const runningBefore = new Date(
        now.getTime() - this.config.RUN_DEADLINE_MS - this.config.RECONCILE_RUNNING_MARGIN_MS,
      );
      const maxCalls = maxProviderCalls(this.config);
      // First, so an exhausted run is failed rather than re-queued for yet another provider call.
      const exhausted = await this.ledger.failExhausted(maxCalls, runningBefore, now, BATCH);
      report.exhausted = exhausted.length;
      if (exhausted.length > 0) {
        this.logger.warn({ runs: exhausted.length }, 'failed runs whose attempts are exhausted');
        await this.removeFinishedJobs(exhausted);
      }

      const released: string[] = [];
      for (const run of await this.ledger.runningBefore(runningBefore, BATCH)) {
        if (await this.jobIsLive(run.id)) continue;
        if (await this.ledger.releaseLostRun(run.id, run.attemptToken, runningBefore, now)) {
          released.push(run.id);
        }
      }
      if (released.length > 0) {
        this.logger.warn({ runs: released.length }, 'running runs with no live job: re-queued');
        report.recoveredRunning = await this.queue.requeue(released);
      }

      const stale = await this.ledger.queuedBefore(
        new Date(now.getTime() - this.config.RECONCILE_QUEUED_STALE_MS),
        BATCH,
      );
      report.requeued = await this.queue.requeue(stale);
    } catch (err) {
      this.logger.warn({ err }, 'reconcile failed; retrying next tick');
    }
    return report;
  }

  private async jobIsLive(runId: string): Promise<boolean> {
    const job = await this.jobs.getJob(runJobId(runId));
    if (!job) return false;
    return LIVE_JOB_STATES.has(await job.getState());
  }

  /** A failed run's leftover waiting job would only find the run terminal; drop it to keep the queue clean. */
  private async removeFinishedJobs(runIds: string[]): Promise<void> {
    for (const runId of runIds) {
      const job = await this.jobs.getJob(runJobId(runId));
      if (job && !(await job.isActive())) await job.remove().catch(() => undefined);
    }
  }
}
