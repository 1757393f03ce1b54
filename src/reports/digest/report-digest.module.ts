import { Module } from '@nestjs/common';
import { ReportDigestRepository } from './report-digest.repository';
import { ReportDigestService } from './report-digest.service';

/** Report digests: loaded in every role, so any replica builds them (one builder per project at a time). */
@Module({
  providers: [ReportDigestRepository, ReportDigestService],
  exports: [ReportDigestService],
})
export class ReportDigestModule {}
