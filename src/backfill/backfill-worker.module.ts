import { Module } from '@nestjs/common';
import { BrandsModule } from '../brands/brands.module';
import { ProjectsModule } from '../projects/projects.module';
import { BackfillModule } from './backfill.module';
import { BackfillProcessor } from './backfill.processor';
import { BackfillRunner } from './backfill-runner.service';

/** Loaded when ROLE is worker or all. */
@Module({
  imports: [BackfillModule, BrandsModule, ProjectsModule],
  providers: [BackfillRunner, BackfillProcessor],
})
export class BackfillWorkerModule {}
