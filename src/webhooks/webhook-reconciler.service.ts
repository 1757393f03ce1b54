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
import { WebhookNotifier } from './webhook-notifier.service';
import { WebhookRepository } from './webhook.repository';
import { PeriodicTask } from '../infra/schedule/periodic-task';

/** A pending delivery is overdue this long after it should have been attempted. */
const OVERDUE_MS = 5 * 60_000;

/**
 * Periodic, safe on every replica: deliveries are rows in Postgres, jobs only carry them, so a delivery whose
 * enqueue failed or whose job Redis lost is re-enqueued (deterministic job ids make this idempotent).
 */
@Injectable()
export class WebhookReconciler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(WebhookReconciler.name);
  private readonly task: PeriodicTask<number>;

  constructor(
    private readonly webhooks: WebhookRepository,
    private readonly notifier: WebhookNotifier,
    private readonly clock: Clock,
    private readonly scheduler: SchedulerRegistry,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.task = new PeriodicTask(this.scheduler, {
      name: 'webhook-reconciler',
      everyMs: this.config.RECONCILE_INTERVAL_MS,
      pass: () => this.reconcile(),
      logger: this.logger,
      failure: 'webhook reconcile failed; retrying next tick',
    });
  }

  onApplicationBootstrap(): void {
    if (this.config.SCHEDULER_ENABLED) this.task.start();
  }

  onApplicationShutdown(): void {
    this.task.stop();
  }

  async reconcile(): Promise<number> {
    try {
      const ids = await this.webhooks.overduePending(new Date(this.clock.now().getTime() - OVERDUE_MS), 500);
      return ids.length === 0 ? 0 : await this.notifier.requeue(ids);
    } catch (err) {
      this.logger.warn({ err }, 'webhook reconcile failed; retrying next tick');
      return 0;
    }
  }
}
