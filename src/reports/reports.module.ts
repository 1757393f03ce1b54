import { Module } from '@nestjs/common';
import { BrandsModule } from '../brands/brands.module';
import { ProjectsModule } from '../projects/projects.module';
import { CitationReportRepository } from './citation-report.repository';
import { CitationReportService } from './citation-report.service';
import { MentionReportRepository } from './mention-report.repository';
import { MentionReportService } from './mention-report.service';
import { ReportsController } from './reports.controller';

@Module({
  imports: [ProjectsModule, BrandsModule],
  controllers: [ReportsController],
  providers: [MentionReportRepository, MentionReportService, CitationReportRepository, CitationReportService],
})
export class ReportsModule {}
