import { Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { RunLedgerRepository } from '../runs/results/run-ledger.repository';
import { RunQueue } from '../runs/execution/run-queue.service';
import { RunReconciler } from './run-reconciler.service';
import { SlotClaimer } from './slot-claimer.service';

/** Periodic claimer and reconciler: idempotent, safe on every replica, whatever its role. */
@Module({
  imports: [ScheduleModule.forRoot()],
  providers: [RunLedgerRepository, RunQueue, SlotClaimer, RunReconciler],
  exports: [SlotClaimer, RunReconciler],
})
export class SchedulingModule {}
