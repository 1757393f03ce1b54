import { Module } from '@nestjs/common';
import { UsageController } from './usage.controller';
import { UsageRepository } from './usage.repository';
import { UsageService } from './usage.service';

/**
 * GET /v1/usage: a workspace's runs and estimated spend against its daily budgets. The budgets themselves
 * (usage-budget.ts, pure) and the reads taken inside a caller's transaction (usage.repository.ts) are used
 * by the slot claimer and "run now" directly.
 */
@Module({
  controllers: [UsageController],
  providers: [UsageRepository, UsageService],
})
export class UsageModule {}
