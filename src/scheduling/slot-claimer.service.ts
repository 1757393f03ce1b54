import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { budgetCaps, type AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { Clock } from '../infra/clock/clock';
import { RunLedgerRepository } from '../runs/results/run-ledger.repository';
import { RunQueue } from '../runs/execution/run-queue.service';
import { planSlots } from './slot-planner';
import { startPeriodic, stopPeriodic } from '../infra/schedule/periodic-task';

/**
 * Periodic slot claimer, safe on every replica: claims use FOR UPDATE SKIP LOCKED and unique slot keys, so
 * concurrent claimers split the due prompts and never create a run twice. It only inserts and enqueues.
 */
@Injectable()
export class SlotClaimer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(SlotClaimer.name);
  private running: Promise<number> | null = null;

  constructor(
    private readonly ledger: RunLedgerRepository,
    private readonly queue: RunQueue,
    private readonly clock: Clock,
    private readonly scheduler: SchedulerRegistry,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.SCHEDULER_ENABLED) return;
    startPeriodic(this.scheduler, 'slot-claimer', this.config.CLAIM_INTERVAL_MS, () => this.tick());
  }

  onApplicationShutdown(): void {
    stopPeriodic(this.scheduler, 'slot-claimer');
  }

  /** One claim pass; overlapping ticks are skipped. Returns how many runs were enqueued. */
  async tick(): Promise<number> {
    if (this.running) return 0;
    this.running = this.claimAll().finally(() => (this.running = null));
    return this.running;
  }

  async claimAll(): Promise<number> {
    let enqueued = 0;
    try {
      for (;;) {
        const now = this.clock.now();
        const { promptsClaimed, runIds } = await this.ledger.claimDueSlots(
          now,
          this.config.CLAIM_BATCH_SIZE,
          (p, max) => planSlots(p, now, this.config.MISSED_SLOT_GRACE_MS, max),
          budgetCaps(this.config),
        );
        enqueued += await this.queue.enqueue(runIds);
        // Not `runIds.length === 0`: a batch of skipped or already-inserted slots enqueues nothing, yet more
        // prompts may be due behind it.
        if (promptsClaimed === 0) break;
      }
    } catch (err) {
      this.logger.warn({ err }, 'slot claim failed; retrying next tick');
    }
    return enqueued;
  }
}
