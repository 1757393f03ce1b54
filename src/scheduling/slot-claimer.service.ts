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
import { RunQueue } from '../runs/execution/run-queue.service';
import { SlotClaimRepository } from './slot-claim.repository';
import { planPromptSlots } from './slot-planner';
import { PeriodicTask } from '../infra/schedule/periodic-task';

/**
 * Periodic slot claimer, safe on every replica: claims use FOR UPDATE SKIP LOCKED and unique slot keys, so
 * concurrent claimers split the due prompts and never create a run twice. It only inserts and enqueues.
 */
@Injectable()
export class SlotClaimer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(SlotClaimer.name);
  private readonly task: PeriodicTask<number>;

  constructor(
    private readonly slots: SlotClaimRepository,
    private readonly queue: RunQueue,
    private readonly clock: Clock,
    private readonly scheduler: SchedulerRegistry,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.task = new PeriodicTask(this.scheduler, {
      name: 'slot-claimer',
      everyMs: this.config.CLAIM_INTERVAL_MS,
      pass: () => this.claimAll(),
      logger: this.logger,
      failure: 'slot claim failed; retrying next tick',
    });
  }

  onApplicationBootstrap(): void {
    if (this.config.SCHEDULER_ENABLED) this.task.start();
  }

  onApplicationShutdown(): void {
    this.task.stop();
  }

  /** One claim pass (each tick runs one, never two at once). Returns how many runs were enqueued. */
  async claimAll(): Promise<number> {
    let enqueued = 0;
    try {
      for (;;) {
        const now = this.clock.now();
        const { promptsClaimed, runIds, broken } = await this.slots.claimDueSlots(
          now,
          this.config.CLAIM_BATCH_SIZE,
          (p, max) => planPromptSlots(p, now, this.config.MISSED_SLOT_GRACE_MS, max),
          budgetCaps(this.config),
        );
        for (const b of broken) {
          this.logger.warn({ promptId: b.promptId, error: b.error }, 'stored schedule no longer parses');
        }
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
