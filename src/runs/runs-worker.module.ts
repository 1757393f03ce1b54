import { Module } from '@nestjs/common';
import { AlertLandingModule } from '../alerts/alerts.module';
import { BrandsModule } from '../brands/brands.module';
import { EnginesModule } from '../engines/engines.module';
import { ProjectsModule } from '../projects/projects.module';
import { PromptsModule } from '../prompts/prompts.module';
import { AnswerSpill } from './answer-spill';
import { AnswerCapturePool } from './capture/answer-capture-pool';
import { EngineThrottle } from './engine-throttle';
import { RunEventPublisher } from './live/run-event-publisher';
import { ProviderRegistry } from './provider-registry';
import { RunExecutor } from './run-executor.service';
import { RunLedgerRepository } from './run-ledger.repository';
import { RunResultLander } from './run-result-lander';
import { RunProcessor } from './run.processor';

/** Loaded only when ROLE is worker or all: consumes the runs queue. */
@Module({
  imports: [EnginesModule, PromptsModule, ProjectsModule, BrandsModule, AlertLandingModule],
  providers: [
    EngineThrottle,
    RunLedgerRepository,
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
