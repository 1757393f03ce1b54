import { Module } from '@nestjs/common';
import { EnginesModule } from '../engines/engines.module';
import { ProjectsModule } from '../projects/projects.module';
import { PromptRepository } from './prompt.repository';
import { PromptService } from './prompt.service';
import { PromptsController } from './prompts.controller';

@Module({
  imports: [ProjectsModule, EnginesModule],
  controllers: [PromptsController],
  providers: [PromptRepository, PromptService],
  exports: [PromptService, PromptRepository],
})
export class PromptsModule {}
