import { applyDecorators, Controller, Get, Query, Req, UseInterceptors } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiQuery, ApiTags } from '@nestjs/swagger';
import { type Request } from 'express';
import { z } from 'zod';
import { ReadAccess, WorkspaceId } from '../auth/access.decorator';
import { ApiCsvFormat, csvFile, takeFormat, wantsCsv } from '../infra/http/csv/csv-response';
import { openApiSchema } from '../infra/http/openapi-schema';
import { apiDateTime } from '../infra/http/api-date';
import { parseInput } from '../infra/http/zod-body';
import { ArrivalReportService } from './arrival-report.service';
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
import { ReportCsvService, type CsvReport, type ReportCsvQuery } from './report-csv.service';

/** `a,b,c` or repeated parameters → a bounded list. */
const list = <T extends z.ZodType<string, string>>(item: T) =>
  z
    .union([z.string(), z.array(z.string())])
    .transform((v) => (Array.isArray(v) ? v : v.split(',')).map((x) => x.trim()).filter(Boolean))
    .pipe(z.array(item).max(100))
    .optional();

export const reportQuery = z
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
export const groupedQuery = reportQuery.extend({ groupBy: groupBySchema }).strict();

const ApiGroupBy = () =>
  ApiQuery({
    name: 'groupBy',
    required: false,
    description: `one or two of ${GROUP_DIMENSIONS.join(', ')} (comma-separated; not both day and week): adds groups`,
  });

export const trendQuery = reportQuery.extend({ bucket: z.enum(['day', 'week']).default('day') }).strict();

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
    private readonly arrivalReport: ArrivalReportService,
    private readonly grouped: GroupedReportsService,
    private readonly gapReport: GapReportService,
    private readonly csv: ReportCsvService,
  ) {}

  @Get('mentions')
  @ReadAccess()
  @ApiReportQuery(mentionReportResponseSchema)
  @ApiGroupBy()
  async mentions(@WorkspaceId() ws: string, @Query() query: unknown, @Req() req: Request) {
    const { format, rest } = takeFormat(query);
    const q = parseInput(groupedQuery, rest, 'query');
    if (wantsCsv(format, req)) return this.csvFile(ws, 'mentions', q);
    return this.grouped.mentions(ws, q);
  }

  @Get('head-to-head')
  @ReadAccess()
  @ApiReportQuery(headToHeadReportResponseSchema)
  @ApiGroupBy()
  async headToHead(@WorkspaceId() ws: string, @Query() query: unknown, @Req() req: Request) {
    const { format, rest } = takeFormat(query);
    const q = parseInput(groupedQuery, rest, 'query');
    if (wantsCsv(format, req)) return this.csvFile(ws, 'head-to-head', q);
    return this.grouped.headToHead(ws, q);
  }

  @Get('trend')
  @ReadAccess()
  @ApiReportQuery(trendReportResponseSchema)
  @ApiQuery({ name: 'bucket', required: false, enum: ['day', 'week'] })
  async trend(@WorkspaceId() ws: string, @Query() query: unknown, @Req() req: Request) {
    const { format, rest } = takeFormat(query);
    const q = parseInput(trendQuery, rest, 'query');
    if (wantsCsv(format, req)) return this.csvFile(ws, 'trend', q);
    const { bucket, ...filter } = q;
    return this.mentionReport.trend(ws, filter, bucket);
  }

  @Get('citations')
  @ReadAccess()
  @ApiReportQuery(citationReportResponseSchema)
  @ApiGroupBy()
  async citations(@WorkspaceId() ws: string, @Query() query: unknown, @Req() req: Request) {
    const { format, rest } = takeFormat(query);
    const q = parseInput(groupedQuery, rest, 'query');
    if (wantsCsv(format, req)) return this.csvFile(ws, 'citations', q);
    return this.grouped.citations(ws, q);
  }

  /** Prompts × engines whose answers name a competitor and not the own brand, and the domains those cite. */
  @Get('gaps')
  @ReadAccess()
  @ApiReportQuery(gapReportResponseSchema)
  async gaps(@WorkspaceId() ws: string, @Query() query: unknown, @Req() req: Request) {
    const { format, rest } = takeFormat(query);
    const q = parseInput(reportQuery, rest, 'query');
    if (wantsCsv(format, req)) return this.csvFile(ws, 'gaps', q);
    return this.gapReport.gapReport(ws, q);
  }

  /** The domains cited in gap answers alone (the sources to win; in CSV, a table of its own). */
  @Get('gaps/domains')
  @ReadAccess()
  @ApiReportQuery(gapDomainsReportResponseSchema)
  async gapDomains(@WorkspaceId() ws: string, @Query() query: unknown, @Req() req: Request) {
    const { format, rest } = takeFormat(query);
    const q = parseInput(reportQuery, rest, 'query');
    if (wantsCsv(format, req)) return this.csvFile(ws, 'gap-domains', q);
    return this.gapReport.domainsReport(ws, q);
  }

  /** "Seen by t": per brand, the share of answers it had reached the reader in by t ms / within k tokens. */
  @Get('arrival')
  @ReadAccess()
  @ApiReportQuery(arrivalReportResponseSchema, true)
  arrival(@WorkspaceId() ws: string, @Query() query: unknown) {
    return this.arrivalReport.arrival(ws, parseInput(reportQuery, query, 'query'));
  }

  private async csvFile(ws: string, report: CsvReport, q: ReportCsvQuery) {
    return csvFile(`${report}-${q.projectId}.csv`, await this.csv.csv(ws, report, q, true));
  }
}
