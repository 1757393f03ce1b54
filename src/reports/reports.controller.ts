import { applyDecorators, Controller, Get, Query, Req, UseInterceptors } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiQuery, ApiTags } from '@nestjs/swagger';
import { type Request } from 'express';
import { z } from 'zod';
import { ReadAccess, WorkspaceId } from '../auth/access.decorator';
import { BrandRepository } from '../brands/brand.repository';
import { CITATIONS_CSV, citationCsvRows } from './csv/citation-csv';
import { ApiCsvFormat, csvFile, takeFormat, wantsCsv } from '../infra/http/csv/csv-response';
import {
  HEAD_TO_HEAD_CSV,
  headToHeadCsvRows,
  MENTIONS_CSV,
  mentionCsvRows,
  TREND_CSV,
  trendCsvRows,
} from './csv/report-csv';
import { openApiSchema } from '../infra/http/openapi-schema';
import { apiDateTime } from '../infra/http/api-date';
import { parseInput } from '../infra/http/zod-body';
import { ArrivalReportService } from './arrival-report.service';
import { GAP_DOMAINS_CSV, GAPS_CSV, gapCsvRows, gapDomainCsvRows } from './csv/gap-csv';
import {
  GROUPED_CITATIONS_CSV,
  GROUPED_HEAD_TO_HEAD_CSV,
  GROUPED_MENTIONS_CSV,
  groupedCitationCsvRows,
  groupedHeadToHeadCsvRows,
  groupedMentionCsvRows,
} from './csv/group-csv';
import { GapReportService } from './gap-report.service';
import { GroupedReportsService } from './grouped-reports.service';
import { GROUP_DIMENSIONS, groupBySchema } from './report-groups';
import {
  arrivalReportResponseSchema,
  citationReportResponseSchema,
  gapDomainsReportResponseSchema,
  gapReportResponseSchema,
  headToHeadReportResponseSchema,
  mentionReportResponseSchema,
  trendReportResponseSchema,
} from './dto/report.dto';
import { MentionReportService } from './mention-report.service';
import { ReportCacheInterceptor } from './report-cache.interceptor';

/** `a,b,c` or repeated parameters → a bounded list. */
const list = <T extends z.ZodType<string, string>>(item: T) =>
  z
    .union([z.string(), z.array(z.string())])
    .transform((v) => (Array.isArray(v) ? v : v.split(',')).map((x) => x.trim()).filter(Boolean))
    .pipe(z.array(item).max(100))
    .optional();

const reportQuery = z
  .object({
    projectId: z.uuid(),
    from: apiDateTime.optional(),
    to: apiDateTime.optional(),
    brandIds: list(z.uuid()),
    engineIds: list(z.uuid()),
    promptIds: list(z.uuid()),
    tags: list(z.string().max(64)),
    promptRevision: z.coerce.number().int().min(1).max(2_147_483_647).optional(),
  })
  .strict();

/** The mentions, head-to-head and citations reports also take a breakdown. */
const groupedQuery = reportQuery.extend({ groupBy: groupBySchema }).strict();

const ApiGroupBy = () =>
  ApiQuery({
    name: 'groupBy',
    required: false,
    description: `one or two of ${GROUP_DIMENSIONS.join(', ')} (comma-separated; not both day and week): adds groups`,
  });

const trendQuery = reportQuery.extend({ bucket: z.enum(['day', 'week']).default('day') }).strict();

/** The query every report takes: a project and a time range (at most 400 days); JSON or CSV unless `jsonOnly`. */
const ApiReportQuery = (json: z.ZodType, jsonOnly = false) =>
  applyDecorators(
    ApiQuery({ name: 'projectId', required: true }),
    ApiQuery({
      name: 'from',
      required: false,
      description: 'ISO 8601, inclusive; default: 30 days before `to`',
    }),
    ApiQuery({ name: 'to', required: false, description: 'ISO 8601, exclusive; default: now' }),
    ApiQuery({ name: 'brandIds', required: false, description: 'comma-separated brand ids' }),
    ApiQuery({ name: 'engineIds', required: false, description: 'comma-separated engine ids' }),
    ApiQuery({ name: 'promptIds', required: false, description: 'comma-separated prompt ids' }),
    ApiQuery({
      name: 'promptRevision',
      required: false,
      description:
        'runs that asked this revision of their prompt (run provenance); usually with one promptIds',
    }),
    ApiQuery({ name: 'tags', required: false, description: 'comma-separated prompt tags (any of)' }),
    jsonOnly ? ApiOkResponse({ schema: openApiSchema(json) }) : ApiCsvFormat(json),
  );

@ApiTags('reports')
@ApiBearerAuth()
@Controller('v1/reports')
@UseInterceptors(ReportCacheInterceptor)
export class ReportsController {
  constructor(
    private readonly mentionReport: MentionReportService,
    private readonly brands: BrandRepository,
    private readonly arrivalReport: ArrivalReportService,
    private readonly grouped: GroupedReportsService,
    private readonly gapReport: GapReportService,
  ) {}

  @Get('mentions')
  @ReadAccess()
  @ApiReportQuery(mentionReportResponseSchema)
  @ApiGroupBy()
  async mentions(@WorkspaceId() ws: string, @Query() query: unknown, @Req() req: Request) {
    const { format, rest } = takeFormat(query);
    const q = parseInput(groupedQuery, rest, 'query');
    const report = await this.grouped.mentions(ws, q);
    if (!wantsCsv(format, req)) return report;
    if (q.groupBy) {
      return csvFile(
        `mentions-${q.projectId}.csv`,
        GROUPED_MENTIONS_CSV.document(groupedMentionCsvRows(report)),
      );
    }
    return csvFile(`mentions-${q.projectId}.csv`, MENTIONS_CSV.document(mentionCsvRows(report)));
  }

  @Get('head-to-head')
  @ReadAccess()
  @ApiReportQuery(headToHeadReportResponseSchema)
  @ApiGroupBy()
  async headToHead(@WorkspaceId() ws: string, @Query() query: unknown, @Req() req: Request) {
    const { format, rest } = takeFormat(query);
    const q = parseInput(groupedQuery, rest, 'query');
    const report = await this.grouped.headToHead(ws, q);
    if (!wantsCsv(format, req)) return report;
    if (q.groupBy) {
      return csvFile(
        `head-to-head-${q.projectId}.csv`,
        GROUPED_HEAD_TO_HEAD_CSV.document(groupedHeadToHeadCsvRows(report)),
      );
    }
    return csvFile(`head-to-head-${q.projectId}.csv`, HEAD_TO_HEAD_CSV.document(headToHeadCsvRows(report)));
  }

  @Get('trend')
  @ReadAccess()
  @ApiReportQuery(trendReportResponseSchema)
  @ApiQuery({ name: 'bucket', required: false, enum: ['day', 'week'] })
  async trend(@WorkspaceId() ws: string, @Query() query: unknown, @Req() req: Request) {
    const { format, rest } = takeFormat(query);
    const { bucket, ...q } = parseInput(trendQuery, rest, 'query');
    const report = await this.mentionReport.trend(ws, q, bucket);
    if (!wantsCsv(format, req)) return report;
    // The trend rows carry no names; the project was checked by the report above.
    const names = new Map((await this.brands.listForProject(q.projectId)).map((b) => [b.id, b.name]));
    return csvFile(`trend-${q.projectId}.csv`, TREND_CSV.document(trendCsvRows(report, names)));
  }

  @Get('citations')
  @ReadAccess()
  @ApiReportQuery(citationReportResponseSchema)
  @ApiGroupBy()
  async citations(@WorkspaceId() ws: string, @Query() query: unknown, @Req() req: Request) {
    const { format, rest } = takeFormat(query);
    const q = parseInput(groupedQuery, rest, 'query');
    const report = await this.grouped.citations(ws, q);
    if (!wantsCsv(format, req)) return report;
    if (q.groupBy) {
      return csvFile(
        `citations-${q.projectId}.csv`,
        GROUPED_CITATIONS_CSV.document(groupedCitationCsvRows(report)),
      );
    }
    return csvFile(`citations-${q.projectId}.csv`, CITATIONS_CSV.document(citationCsvRows(report)));
  }

  /** Prompts × engines whose answers name a competitor and not the own brand, and the domains those cite. */
  @Get('gaps')
  @ReadAccess()
  @ApiReportQuery(gapReportResponseSchema)
  async gaps(@WorkspaceId() ws: string, @Query() query: unknown, @Req() req: Request) {
    const { format, rest } = takeFormat(query);
    const q = parseInput(reportQuery, rest, 'query');
    const report = await this.gapReport.gapReport(ws, q);
    if (!wantsCsv(format, req)) return report;
    return csvFile(`gaps-${q.projectId}.csv`, GAPS_CSV.document(gapCsvRows(report)));
  }

  /** The domains cited in gap answers alone (the sources to win; in CSV, a table of its own). */
  @Get('gaps/domains')
  @ReadAccess()
  @ApiReportQuery(gapDomainsReportResponseSchema)
  async gapDomains(@WorkspaceId() ws: string, @Query() query: unknown, @Req() req: Request) {
    const { format, rest } = takeFormat(query);
    const q = parseInput(reportQuery, rest, 'query');
    const report = await this.gapReport.domainsReport(ws, q);
    if (!wantsCsv(format, req)) return report;
    return csvFile(`gap-domains-${q.projectId}.csv`, GAP_DOMAINS_CSV.document(gapDomainCsvRows(report)));
  }

  /** "Seen by t": per brand, the share of answers it had reached the reader in by t ms / within k tokens. */
  @Get('arrival')
  @ReadAccess()
  @ApiReportQuery(arrivalReportResponseSchema, true)
  arrival(@WorkspaceId() ws: string, @Query() query: unknown) {
    return this.arrivalReport.arrival(ws, parseInput(reportQuery, query, 'query'));
  }
}
