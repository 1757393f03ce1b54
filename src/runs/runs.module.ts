import { Module } from '@nestjs/common';
import { EnginesModule } from '../engines/engines.module';
import { ProjectsModule } from '../projects/projects.module';
import { PromptsModule } from '../prompts/prompts.module';
import { RunEventHub } from './live/run-event-hub';
import { RunEventsController } from './live/run-events.controller';
import { RunLedgerRepository } from './run-ledger.repository';
import { RunNowService } from './run-now.service';
import { RunQueryRepository } from './run-query.repository';
import { RunQueryService } from './run-query.service';
import { RunQueue } from './run-queue.service';
import { RunsController } from './runs.controller';
import { UsageController } from '../usage/usage.controller';
import { UsageService } from '../usage/usage.service';

/** The runs API: run now, list, detail, per-token timeline, live events (SSE), and usage against budgets. */
@Module({
  imports: [PromptsModule, EnginesModule, ProjectsModule],
  controllers: [RunsController, RunEventsController, UsageController],
  providers: [
    RunLedgerRepository,
    RunQueue,
    RunNowService,
    RunQueryRepository,
    RunQueryService,
    RunEventHub,
    UsageService,
  ],
})
export class RunsModule {}
