import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { type AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { Clock } from '../infra/clock/clock';
import { RunLedgerRepository } from '../runs/run-ledger.repository';
import { RunQueue } from '../runs/run-queue.service';

const RECONCILE_INTERVAL_MS = 30_000;
/** Longer than the longest backoff the queue may be waiting out for a queued run. */
const QUEUED_STALE_MS = 6 * 60_000;

/**
 * Re-enqueues runs still `queued` long after they should have started (their job was lost with Redis, or the
 * enqueue after the claim failed). Job ids are derived from run ids, so re-adding a live job is a no-op.
 */
@Injectable()
export class RunReconciler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(RunReconciler.name);

  constructor(
    private readonly ledger: RunLedgerRepository,
    private readonly queue: RunQueue,
    private readonly clock: Clock,
    private readonly scheduler: SchedulerRegistry,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.SCHEDULER_ENABLED) return;
    this.scheduler.addInterval(
      'run-reconciler',
      setInterval(() => void this.reconcile(), RECONCILE_INTERVAL_MS),
    );
  }

  onApplicationShutdown(): void {
    if (this.scheduler.doesExist('interval', 'run-reconciler'))
      this.scheduler.deleteInterval('run-reconciler');
  }

  async reconcile(): Promise<number> {
    try {
      const ids = await this.ledger.queuedBefore(new Date(this.clock.now().getTime() - QUEUED_STALE_MS), 500);
      return await this.queue.requeue(ids);
    } catch (err) {
      this.logger.warn({ err }, 'reconcile failed; retrying next tick');
      return 0;
    }
  }
}
