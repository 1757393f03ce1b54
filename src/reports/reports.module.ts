import { Module } from '@nestjs/common';
import { BrandsModule } from '../brands/brands.module';
import { ProjectsModule } from '../projects/projects.module';
import { ArrivalReportService } from './arrival-report.service';
import { CitationReportService } from './citation-report.service';
import { GapReportRepository } from './gap-report.repository';
import { GapReportService } from './gap-report.service';
import { GroupDigestsService } from './group-digests.service';
import { GroupedReportsService } from './grouped-reports.service';
import { ReportDigestModule } from './digest/report-digest.module';
import { MentionReportRepository } from './mention-report.repository';
import { MentionReportService } from './mention-report.service';
import { ReportCacheInterceptor } from './report-cache.interceptor';
import { ReportCacheRepository } from './report-cache.repository';
import { ReportLabelsRepository } from './report-labels.repository';
import { ReportCsvService } from './report-csv.service';
import { ReportsController } from './reports.controller';

@Module({
  imports: [ProjectsModule, BrandsModule, ReportDigestModule],
  controllers: [ReportsController],
  providers: [
    MentionReportRepository,
    MentionReportService,
    CitationReportService,
    ArrivalReportService,
    ReportLabelsRepository,
    GroupDigestsService,
    GroupedReportsService,
    GapReportRepository,
    GapReportService,
    ReportCacheRepository,
    ReportCacheInterceptor,
    ReportCsvService,
  ],
  exports: [ReportCsvService],
})
export class ReportsModule {}
