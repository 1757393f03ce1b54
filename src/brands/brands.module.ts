import { Module } from '@nestjs/common';
import { ProjectsModule } from '../projects/projects.module';
import { BrandChanges } from './brand-changes';
import { BrandRepository } from './brand.repository';
import { BrandExplainService } from './brand-explain.service';
import { BrandService } from './brand.service';
import { BrandsController } from './brands.controller';

/** Brands of a project (the watchlist). Edits are announced on BrandChanges; the backfill module listens. */
@Module({
  imports: [ProjectsModule],
  controllers: [BrandsController],
  providers: [BrandRepository, BrandService, BrandExplainService, BrandChanges],
  exports: [BrandRepository, BrandChanges],
})
export class BrandsModule {}
