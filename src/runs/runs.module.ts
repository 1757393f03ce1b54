import { Module } from '@nestjs/common';
import { EnginesModule } from '../engines/engines.module';
import { PromptsModule } from '../prompts/prompts.module';
import { RunLedgerRepository } from './run-ledger.repository';
import { RunNowService } from './run-now.service';
import { RunQueryRepository } from './run-query.repository';
import { RunQueryService } from './run-query.service';
import { RunQueue } from './run-queue.service';
import { RunsController } from './runs.controller';

/** The runs API: run now, list, detail, per-token timeline. */
@Module({
  imports: [PromptsModule, EnginesModule],
  controllers: [RunsController],
  providers: [RunLedgerRepository, RunQueue, RunNowService, RunQueryRepository, RunQueryService],
})
export class RunsModule {}
