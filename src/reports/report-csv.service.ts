import { Injectable } from '@nestjs/common';
import { BrandRepository } from '../brands/brand.repository';
import { type CsvWriter } from '../infra/http/csv/csv-writer';
import { CITATIONS_CSV, citationCsvRows } from './csv/citation-csv';
import { GAP_DOMAINS_CSV, GAPS_CSV, gapCsvRows, gapDomainCsvRows } from './csv/gap-csv';
import {
  GROUPED_CITATIONS_CSV,
  GROUPED_HEAD_TO_HEAD_CSV,
  GROUPED_MENTIONS_CSV,
  groupedCitationCsvRows,
  groupedHeadToHeadCsvRows,
  groupedMentionCsvRows,
} from './csv/group-csv';
import {
  HEAD_TO_HEAD_CSV,
  headToHeadCsvRows,
  MENTIONS_CSV,
  mentionCsvRows,
  TREND_CSV,
  trendCsvRows,
} from './csv/report-csv';
import { GapReportService } from './gap-report.service';
import { GroupedReportsService, type GroupedReportQuery } from './grouped-reports.service';
import { MentionReportService } from './mention-report.service';

/** The reports that answer CSV (`gaps/domains` is `gap-domains`). */
export const CSV_REPORTS = ['mentions', 'head-to-head', 'trend', 'citations', 'gaps', 'gap-domains'] as const;
export type CsvReport = (typeof CSV_REPORTS)[number];

/** A report's query as its CSV takes it: `groupBy` for the grouped reports, `bucket` for the trend. */
export interface ReportCsvQuery extends GroupedReportQuery {
  bucket?: 'day' | 'week';
}

/** The CSV body: the writer's rows, after its header row only when asked for. */
const body = <T>(writer: CsvWriter<T>, rows: Iterable<T>, header: boolean): string =>
  (header ? writer.header() : '') + writer.rows(rows);

/**
 * The CSV of one report: what GET /v1/reports/<report>?format=csv answers (with its header row) and what an
 * export link answers (header row optional). The one place a report's CSV columns are chosen.
 */
@Injectable()
export class ReportCsvService {
  constructor(
    private readonly grouped: GroupedReportsService,
    private readonly mentionReport: MentionReportService,
    private readonly gapReport: GapReportService,
    private readonly brands: BrandRepository,
  ) {}

  async csv(workspaceId: string, report: CsvReport, q: ReportCsvQuery, header: boolean): Promise<string> {
    const { bucket, ...query } = q;
    switch (report) {
      case 'mentions': {
        const r = await this.grouped.mentions(workspaceId, query);
        return query.groupBy
          ? body(GROUPED_MENTIONS_CSV, groupedMentionCsvRows(r), header)
          : body(MENTIONS_CSV, mentionCsvRows(r), header);
      }
      case 'head-to-head': {
        const r = await this.grouped.headToHead(workspaceId, query);
        return query.groupBy
          ? body(GROUPED_HEAD_TO_HEAD_CSV, groupedHeadToHeadCsvRows(r), header)
          : body(HEAD_TO_HEAD_CSV, headToHeadCsvRows(r), header);
      }
      case 'citations': {
        const r = await this.grouped.citations(workspaceId, query);
        return query.groupBy
          ? body(GROUPED_CITATIONS_CSV, groupedCitationCsvRows(r), header)
          : body(CITATIONS_CSV, citationCsvRows(r), header);
      }
      case 'trend': {
        const { groupBy: _none, ...plain } = query;
        const r = await this.mentionReport.trend(workspaceId, plain, bucket ?? 'day');
        // The trend rows carry no names; the project was checked by the report above.
        const names = new Map((await this.brands.listForProject(q.projectId)).map((b) => [b.id, b.name]));
        return body(TREND_CSV, trendCsvRows(r, names), header);
      }
      case 'gaps':
        return body(GAPS_CSV, gapCsvRows(await this.gapReport.gapReport(workspaceId, query)), header);
      case 'gap-domains':
        return body(
          GAP_DOMAINS_CSV,
          gapDomainCsvRows(await this.gapReport.domainsReport(workspaceId, query)),
          header,
        );
    }
  }
}
