import { Module } from '@nestjs/common';
import { AlertLandingModule } from '../alerts/alerts.module';
import { BrandsModule } from '../brands/brands.module';
import { EnginesModule } from '../engines/engines.module';
import { ProjectsModule } from '../projects/projects.module';
import { PromptsModule } from '../prompts/prompts.module';
import { AnswerSpill } from './results/answer-spill';
import { AnswerCapturePool } from '../capture/threads/answer-capture-pool';
import { EngineThrottle } from './execution/engine-throttle';
import { RunEventPublisher } from '../live-events/run-event-publisher';
import { ProviderRegistry } from './execution/provider-registry';
import { RunAttemptRepository } from './execution/run-attempt.repository';
import { RunExecutor } from './execution/run-executor.service';
import { RunResultLander } from './results/run-result-lander';
import { RunResultsModule } from './results/run-results.module';
import { RunProcessor } from './execution/run.processor';

/** Loaded only when ROLE is worker or all: consumes the runs queue. */
@Module({
  imports: [EnginesModule, PromptsModule, ProjectsModule, BrandsModule, AlertLandingModule, RunResultsModule],
  providers: [
    EngineThrottle,
    RunAttemptRepository,
    ProviderRegistry,
    AnswerCapturePool,
    RunEventPublisher,
    AnswerSpill,
    RunResultLander,
    RunExecutor,
    RunProcessor,
  ],
})
export class RunsWorkerModule {}
