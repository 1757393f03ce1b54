import { Module } from '@nestjs/common';
import { BrandsModule } from '../brands/brands.module';
import { ProjectsModule } from '../projects/projects.module';
import { BackfillRepository } from './backfill.repository';
import { BackfillRequests } from './backfill-requests.service';
import { BackfillsController } from './backfills.controller';
import { BrandChangeBackfills } from './brand-change-backfills';

/** Backfill requests (the API, and every brand change through BrandChanges); the worker runs them. */
@Module({
  imports: [ProjectsModule, BrandsModule],
  controllers: [BackfillsController],
  providers: [BackfillRepository, BackfillRequests, BrandChangeBackfills],
  exports: [BackfillRequests, BackfillRepository],
})
export class BackfillModule {}
