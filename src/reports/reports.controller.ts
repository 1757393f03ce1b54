import { applyDecorators, Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiQuery, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { ReadAccess, WorkspaceId } from '../auth/access.decorator';
import { parseInput } from '../infra/http/zod-body';
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

/** The query every report takes: a project and a time range (at most 400 days). */
const ApiReportQuery = () =>
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
  );

@ApiTags('reports')
@ApiBearerAuth()
@Controller('v1/reports')
export class ReportsController {
  constructor(private readonly mentionReport: MentionReportService) {}

  @Get('mentions')
  @ReadAccess()
  @ApiReportQuery()
  mentions(@WorkspaceId() ws: string, @Query() query: unknown) {
    return this.mentionReport.mentions(ws, parseInput(reportQuery, query, 'query'));
  }

  @Get('head-to-head')
  @ReadAccess()
  @ApiReportQuery()
  headToHead(@WorkspaceId() ws: string, @Query() query: unknown) {
    return this.mentionReport.headToHead(ws, parseInput(reportQuery, query, 'query'));
  }

  @Get('trend')
  @ReadAccess()
  @ApiReportQuery()
  @ApiQuery({ name: 'bucket', required: false, enum: ['day', 'week'] })
  trend(@WorkspaceId() ws: string, @Query() query: unknown) {
    const { bucket, ...q } = parseInput(trendQuery, query, 'query');
    return this.mentionReport.trend(ws, q, bucket);
  }
}
