import { Module } from '@nestjs/common';
import { EnginesModule } from '../engines/engines.module';
import { ProjectsModule } from '../projects/projects.module';
import { PromptsModule } from '../prompts/prompts.module';
import { RunEventHub } from '../live-events/run-event-hub';
import { RunEventsController } from '../live-events/run-events.controller';
import { RunLedgerRepository } from './results/run-ledger.repository';
import { RunNowService } from './api/run-now.service';
import { RunQueryRepository } from './api/run-query.repository';
import { RunQueryService } from './api/run-query.service';
import { RunQueue } from './execution/run-queue.service';
import { RunsController } from './api/runs.controller';
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
