import { Module } from '@nestjs/common';
import { ProjectsModule } from '../projects/projects.module';
import { BackfillRepository } from './backfill.repository';
import { BackfillRequests } from './backfill-requests.service';
import { BackfillsController } from './backfills.controller';

@Module({
  imports: [ProjectsModule],
  controllers: [BackfillsController],
  providers: [BackfillRepository, BackfillRequests],
  exports: [BackfillRequests, BackfillRepository],
})
export class BackfillModule {}
