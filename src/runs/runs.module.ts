import { Module } from '@nestjs/common';
import { EnginesModule } from '../engines/engines.module';
import { ProjectsModule } from '../projects/projects.module';
import { PromptsModule } from '../prompts/prompts.module';
import { ManualRunRepository } from './api/manual-run.repository';
import { RunNowService } from './api/run-now.service';
import { RunQueryRepository } from './api/run-query.repository';
import { RunQueryService } from './api/run-query.service';
import { RunQueue } from './execution/run-queue.service';
import { RunsController } from './api/runs.controller';

/** The runs API: run now, list, detail, per-token timeline (live events and usage have modules of their own). */
@Module({
  imports: [PromptsModule, EnginesModule, ProjectsModule],
  controllers: [RunsController],
  providers: [ManualRunRepository, RunQueue, RunNowService, RunQueryRepository, RunQueryService],
})
export class RunsModule {}
