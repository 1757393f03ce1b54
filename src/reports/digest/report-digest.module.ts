import { Module } from '@nestjs/common';
import { DigestSlicesRepository } from './digest-slices.repository';
import { ReportDigestRepository } from './report-digest.repository';
import { ReportDigestService } from './report-digest.service';

/** Report digests: loaded in every role, so any replica builds them (one builder per project at a time). */
@Module({
  providers: [ReportDigestRepository, DigestSlicesRepository, ReportDigestService],
  exports: [ReportDigestService],
})
export class ReportDigestModule {}
