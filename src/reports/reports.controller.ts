import { applyDecorators, Controller, Get, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiQuery, ApiTags } from '@nestjs/swagger';
import { type Request } from 'express';
import { z } from 'zod';
import { ReadAccess, WorkspaceId } from '../auth/access.decorator';
import { BrandRepository } from '../brands/brand.repository';
import { CITATIONS_CSV, citationCsvRows } from '../infra/http/csv/citation-csv';
import { ApiCsvFormat, csvFile, takeFormat, wantsCsv } from '../infra/http/csv/csv-response';
import {
  HEAD_TO_HEAD_CSV,
  headToHeadCsvRows,
  MENTIONS_CSV,
  mentionCsvRows,
  TREND_CSV,
  trendCsvRows,
} from '../infra/http/csv/report-csv';
import { openApiSchema } from '../infra/http/openapi-schema';
import { parseInput } from '../infra/http/zod-body';
import { ArrivalReportService } from './arrival-report.service';
import { CitationReportService } from './citation-report.service';
import {
  arrivalReportResponseSchema,
  citationReportResponseSchema,
  headToHeadReportResponseSchema,
  mentionReportResponseSchema,
  trendReportResponseSchema,
} from './dto/report.dto';
import { MentionReportService } from './mention-report.service';

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
    from: z.iso.datetime({ offset: true }).optional(),
    to: z.iso.datetime({ offset: true }).optional(),
    brandIds: list(z.uuid()),
    engineIds: list(z.uuid()),
    promptIds: list(z.uuid()),
    tags: list(z.string().max(64)),
  })
  .strict();

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
    ApiQuery({ name: 'tags', required: false, description: 'comma-separated prompt tags (any of)' }),
    jsonOnly ? ApiOkResponse({ schema: openApiSchema(json) }) : ApiCsvFormat(json),
  );

@ApiTags('reports')
@ApiBearerAuth()
@Controller('v1/reports')
export class ReportsController {
  constructor(
    private readonly mentionReport: MentionReportService,
    private readonly brands: BrandRepository,
    private readonly citationReport: CitationReportService,
    private readonly arrivalReport: ArrivalReportService,
  ) {}

  @Get('mentions')
  @ReadAccess()
  @ApiReportQuery(mentionReportResponseSchema)
  async mentions(@WorkspaceId() ws: string, @Query() query: unknown, @Req() req: Request) {
    const { format, rest } = takeFormat(query);
    const q = parseInput(reportQuery, rest, 'query');
    const report = await this.mentionReport.mentions(ws, q);
    if (!wantsCsv(format, req)) return report;
    return csvFile(`mentions-${q.projectId}.csv`, MENTIONS_CSV.document(mentionCsvRows(report)));
  }

  @Get('head-to-head')
  @ReadAccess()
  @ApiReportQuery(headToHeadReportResponseSchema)
  async headToHead(@WorkspaceId() ws: string, @Query() query: unknown, @Req() req: Request) {
    const { format, rest } = takeFormat(query);
    const q = parseInput(reportQuery, rest, 'query');
    const report = await this.mentionReport.headToHead(ws, q);
    if (!wantsCsv(format, req)) return report;
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
  async citations(@WorkspaceId() ws: string, @Query() query: unknown, @Req() req: Request) {
    const { format, rest } = takeFormat(query);
    const q = parseInput(reportQuery, rest, 'query');
    const report = await this.citationReport.citations(ws, q);
    if (!wantsCsv(format, req)) return report;
    return csvFile(`citations-${q.projectId}.csv`, CITATIONS_CSV.document(citationCsvRows(report)));
  }

  /** "Seen by t": per brand, the share of answers it had reached the reader in by t ms / within k tokens. */
  @Get('arrival')
  @ReadAccess()
  @ApiReportQuery(arrivalReportResponseSchema, true)
  arrival(@WorkspaceId() ws: string, @Query() query: unknown) {
    return this.arrivalReport.arrival(ws, parseInput(reportQuery, query, 'query'));
  }
}
