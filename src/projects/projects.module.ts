import { Module } from '@nestjs/common';
import { ProjectRepository } from './project.repository';
import { ProjectService } from './project.service';
import { ProjectsController } from './projects.controller';

@Module({
  controllers: [ProjectsController],
  providers: [ProjectRepository, ProjectService],
  exports: [ProjectService],
})
export class ProjectsModule {}
