import { Module } from '@nestjs/common';
import { EnginesModule } from '../engines/engines.module';
import { ProjectsModule } from '../projects/projects.module';
import { PromptsModule } from '../prompts/prompts.module';
import { EngineConnectionTestController } from './api/engine-connection-test.controller';
import { EngineConnectionTester } from './api/engine-connection-test.service';
import { ManualRunRepository } from './api/manual-run.repository';
import { RunNowService } from './api/run-now.service';
import { RunQueryRepository } from './api/run-query.repository';
import { RunQueryService } from './api/run-query.service';
import { ProviderRegistry } from './execution/provider-registry';
import { RunQueue } from './execution/run-queue.service';
import { RunsController } from './api/runs.controller';

/**
 * The runs API: run now, list, detail, per-token timeline (live events and usage have modules of their own),
 * and engines' test connection (one call through the run adapters).
 */
@Module({
  imports: [PromptsModule, EnginesModule, ProjectsModule],
  controllers: [RunsController, EngineConnectionTestController],
  providers: [
    ManualRunRepository,
    RunQueue,
    RunNowService,
    RunQueryRepository,
    RunQueryService,
    ProviderRegistry,
    EngineConnectionTester,
  ],
})
export class RunsModule {}
