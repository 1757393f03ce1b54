import { Module } from '@nestjs/common';
import { BackfillModule } from '../backfill/backfill.module';
import { ProjectsModule } from '../projects/projects.module';
import { BrandRepository } from './brand.repository';
import { BrandService } from './brand.service';
import { BrandsController } from './brands.controller';

@Module({
  imports: [ProjectsModule, BackfillModule],
  controllers: [BrandsController],
  providers: [BrandRepository, BrandService],
  exports: [BrandRepository],
})
export class BrandsModule {}
