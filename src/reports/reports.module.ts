import { Module } from '@nestjs/common';
import { BrandsModule } from '../brands/brands.module';
import { ProjectsModule } from '../projects/projects.module';
import { ArrivalReportService } from './arrival-report.service';
import { CitationReportService } from './citation-report.service';
import { ReportDigestModule } from './digest/report-digest.module';
import { MentionReportRepository } from './mention-report.repository';
import { MentionReportService } from './mention-report.service';
import { ReportsController } from './reports.controller';

@Module({
  imports: [ProjectsModule, BrandsModule, ReportDigestModule],
  controllers: [ReportsController],
  providers: [MentionReportRepository, MentionReportService, CitationReportService, ArrivalReportService],
})
export class ReportsModule {}
