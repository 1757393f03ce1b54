import { Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { RunQueue } from '../runs/execution/run-queue.service';
import { RunReconciler } from './run-reconciler.service';
import { RunRecoveryRepository } from './run-recovery.repository';
import { SlotClaimRepository } from './slot-claim.repository';
import { SlotClaimer } from './slot-claimer.service';

/** Periodic claimer and reconciler: idempotent, safe on every replica, whatever its role. */
@Module({
  imports: [ScheduleModule.forRoot()],
  providers: [SlotClaimRepository, RunRecoveryRepository, RunQueue, SlotClaimer, RunReconciler],
  exports: [SlotClaimer, RunReconciler],
})
export class SchedulingModule {}
