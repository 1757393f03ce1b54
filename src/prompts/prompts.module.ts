import { Module } from '@nestjs/common';
import { EnginesModule } from '../engines/engines.module';
import { ProjectsModule } from '../projects/projects.module';
import { PromptRepository } from './prompt.repository';
import { PromptService } from './prompt.service';
import { PromptsController } from './prompts.controller';
import { SchedulePreviewController } from './schedule-preview.controller';
import { SchedulePreviewService } from './schedule-preview.service';

@Module({
  imports: [ProjectsModule, EnginesModule],
  controllers: [PromptsController, SchedulePreviewController],
  providers: [PromptRepository, PromptService, SchedulePreviewService],
  exports: [PromptService, PromptRepository],
})
export class PromptsModule {}
