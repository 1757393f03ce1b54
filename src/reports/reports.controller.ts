import { applyDecorators, Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiQuery, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { ReadAccess, WorkspaceId } from '../auth/access.decorator';
import { parseInput } from '../infra/http/zod-body';
import { MentionReportService } from './mention-report.service';

const mentionReportQuery = z
  .object({
    projectId: z.uuid(),
    from: z.iso.datetime({ offset: true }).optional(),
    to: z.iso.datetime({ offset: true }).optional(),
  })
  .strict();

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
    const q = parseInput(mentionReportQuery, query, 'query');
    return this.mentionReport.mentions(ws, q.projectId, q.from, q.to);
  }

  @Get('head-to-head')
  @ReadAccess()
  @ApiReportQuery()
  headToHead(@WorkspaceId() ws: string, @Query() query: unknown) {
    const q = parseInput(mentionReportQuery, query, 'query');
    return this.mentionReport.headToHead(ws, q.projectId, q.from, q.to);
  }
}
