import { Module } from '@nestjs/common';
import { BackfillModule } from '../backfill/backfill.module';
import { ProjectsModule } from '../projects/projects.module';
import { BrandRepository } from './brand.repository';
import { BrandExplainService } from './brand-explain.service';
import { BrandService } from './brand.service';
import { BrandsController } from './brands.controller';

@Module({
  imports: [ProjectsModule, BackfillModule],
  controllers: [BrandsController],
  providers: [BrandRepository, BrandService, BrandExplainService],
  exports: [BrandRepository],
})
export class BrandsModule {}
