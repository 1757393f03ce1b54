import { Module } from '@nestjs/common';
import { BrandsModule } from '../brands/brands.module';
import { RateLimiter } from '../infra/http/rate-limit/rate-limiter';
import { ProjectsModule } from '../projects/projects.module';
import { ReportsModule } from '../reports/reports.module';
import { ExportCsvController } from './export-csv.controller';
import { ExportLinkRepository } from './export-link.repository';
import { ExportLinkService } from './export-link.service';
import { ExportLinksController } from './export-links.controller';

/** Export links (docs/export-links.md): the admin API and the public CSV route (ROLE api or all). */
@Module({
  imports: [ProjectsModule, BrandsModule, ReportsModule],
  controllers: [ExportLinksController, ExportCsvController],
  providers: [ExportLinkRepository, ExportLinkService, RateLimiter],
})
export class ExportLinksModule {}
