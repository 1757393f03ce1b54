import {
  applyDecorators,
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
  Param,
  Post,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiBody,
  ApiHeader,
  ApiOkResponse,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import { type Request, type Response } from 'express';
import { ReadAccess, WorkspaceId } from '../../auth/access.decorator';
import { ApiCsvFormat, csvStream, pagedCsv, takeFormat, wantsCsv } from '../../infra/http/csv/csv-response';
import { openApiSchema } from '../../infra/http/openapi-schema';
import { MAX_PAGE_SIZE } from '../../infra/http/pagination';
import { ParseIdPipe } from '../../infra/http/parse-id.pipe';
import { parseInput } from '../../infra/http/zod-body';
import {
  RUN_STATUSES,
  runDetailResponseSchema,
  runListQuerySchema,
  runNowResponseSchema,
  runNowSchema,
  runPageResponseSchema,
  runTokensResponseSchema,
} from './dto/run.dto';
import { RunNowService } from './run-now.service';
import { RunQueryService } from './run-query.service';
import { RUNS_CSV } from './runs-csv';

/** The filters that list the runs behind a report figure (report groups' `runsQuery`; docs/web-api.md). */
const ApiRunDrillDownQuery = () =>
  applyDecorators(
    ApiQuery({ name: 'engineIds', required: false, description: 'comma-separated engine ids (any of)' }),
    ApiQuery({ name: 'promptIds', required: false, description: 'comma-separated prompt ids (any of)' }),
    ApiQuery({ name: 'tags', required: false, description: 'comma-separated prompt tags (any of)' }),
    ApiQuery({ name: 'synthetic', required: false, enum: ['true', 'false'] }),
    ApiQuery({
      name: 'observedFrom',
      required: false,
      description:
        'ISO 8601, inclusive, on observedAt (request time, the report time axis); scored runs only',
    }),
    ApiQuery({ name: 'observedTo', required: false, description: 'ISO 8601, exclusive, on observedAt' }),
    ApiQuery({ name: 'brandId', required: false, description: 'runs scored for this brand' }),
    ApiQuery({
      name: 'mentioned',
      required: false,
      enum: ['true', 'false'],
      description: 'with brandId: the answer names the brand (true) or not (false)',
    }),
    ApiQuery({
      name: 'fold',
      required: false,
      enum: ['above', 'below'],
      description: "with brandId: the brand's first mention is above the fold, or mentioned below it",
    }),
    ApiQuery({
      name: 'reachedWithinMs',
      required: false,
      description: 'with brandId: first mention visible at most this many ms after the first token',
    }),
    ApiQuery({
      name: 'reachedBeforeToken',
      required: false,
      description: "with brandId: first mention's token index below this",
    }),
    ApiQuery({ name: 'firstBrandId', required: false, description: 'the brand that arrived first' }),
    ApiQuery({ name: 'alsoMentionedBrandId', required: false, description: 'runs also naming this brand' }),
    ApiQuery({ name: 'citedDomain', required: false, description: 'runs citing this domain' }),
  );

@ApiTags('runs')
@ApiBearerAuth()
@Controller('v1')
export class RunsController {
  constructor(
    private readonly runs: RunQueryService,
    private readonly runNow: RunNowService,
  ) {}

  @Post('prompts/:id/run')
  @HttpCode(202)
  @ApiAcceptedResponse({
    description: 'Runs queued (`Idempotent-Replayed: true` when an earlier request answered)',
    schema: openApiSchema(runNowResponseSchema),
  })
  @ApiBody({ schema: openApiSchema(runNowSchema), required: false })
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'Makes client retries safe' })
  async run(
    @WorkspaceId() ws: string,
    @Param('id', new ParseIdPipe('Prompt')) id: string,
    @Body() body: unknown,
    @Headers('idempotency-key') key: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<{ runIds: string[]; replayed: boolean }> {
    const result = await this.runNow.runNow(ws, id, parseInput(runNowSchema, body), key);
    if (result.replayed) res.setHeader('Idempotent-Replayed', 'true');
    return result;
  }

  @Get('runs')
  @ReadAccess()
  @ApiQuery({ name: 'projectId', required: false })
  @ApiQuery({ name: 'promptId', required: false })
  @ApiQuery({
    name: 'promptRevision',
    required: false,
    description: 'runs that asked this revision of their prompt (run provenance)',
  })
  @ApiQuery({ name: 'engineId', required: false })
  @ApiQuery({ name: 'status', required: false, enum: RUN_STATUSES })
  @ApiQuery({ name: 'from', required: false, description: 'ISO 8601, inclusive (on createdAt)' })
  @ApiQuery({ name: 'to', required: false, description: 'ISO 8601, exclusive (on createdAt)' })
  @ApiRunDrillDownQuery()
  @ApiQuery({ name: 'limit', required: false })
  @ApiQuery({ name: 'cursor', required: false })
  @ApiCsvFormat(runPageResponseSchema)
  async list(@WorkspaceId() ws: string, @Query() query: unknown, @Req() req: Request) {
    const { format, rest } = takeFormat(query);
    const q = parseInput(runListQuerySchema, rest, 'query');
    if (!wantsCsv(format, req)) return this.runs.list(ws, q);
    // CSV: every matching run (from `cursor`, if given), page by page, up to MAX_CSV_ROWS; `limit` is ignored.
    // The first page is read before answering, so a bad cursor is still a JSON 400.
    const pageQuery = { ...q, limit: MAX_PAGE_SIZE };
    const first = await this.runs.list(ws, pageQuery);
    const next = (cursor: string) => this.runs.list(ws, { ...pageQuery, cursor });
    return csvStream(`runs-${q.projectId ?? 'all'}.csv`, pagedCsv(RUNS_CSV, first, next));
  }

  @Get('runs/:id')
  @ApiOkResponse({ schema: openApiSchema(runDetailResponseSchema) })
  @ReadAccess()
  get(@WorkspaceId() ws: string, @Param('id', new ParseIdPipe('Run')) id: string) {
    return this.runs.detail(ws, id);
  }

  @Get('runs/:id/tokens')
  @ApiOkResponse({ schema: openApiSchema(runTokensResponseSchema) })
  @ReadAccess()
  tokens(@WorkspaceId() ws: string, @Param('id', new ParseIdPipe('Run')) id: string) {
    return this.runs.tokens(ws, id);
  }
}
