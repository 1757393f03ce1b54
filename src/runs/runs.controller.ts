import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiHeader, ApiQuery, ApiTags } from '@nestjs/swagger';
import { type Response } from 'express';
import { ReadAccess, WorkspaceId } from '../auth/access.decorator';
import { openApiSchema } from '../infra/http/openapi-schema';
import { ParseIdPipe } from '../infra/http/parse-id.pipe';
import { parseInput } from '../infra/http/zod-body';
import { RUN_STATUSES, runListQuerySchema, runNowSchema } from './dto/run.dto';
import { RunNowService } from './run-now.service';
import { RunQueryService } from './run-query.service';

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
  @ApiQuery({ name: 'engineId', required: false })
  @ApiQuery({ name: 'status', required: false, enum: RUN_STATUSES })
  @ApiQuery({ name: 'from', required: false, description: 'ISO 8601, inclusive' })
  @ApiQuery({ name: 'to', required: false, description: 'ISO 8601, exclusive' })
  @ApiQuery({ name: 'limit', required: false })
  @ApiQuery({ name: 'cursor', required: false })
  list(@WorkspaceId() ws: string, @Query() query: unknown) {
    return this.runs.list(ws, parseInput(runListQuerySchema, query, 'query'));
  }

  @Get('runs/:id')
  @ReadAccess()
  get(@WorkspaceId() ws: string, @Param('id', new ParseIdPipe('Run')) id: string) {
    return this.runs.detail(ws, id);
  }

  @Get('runs/:id/tokens')
  @ReadAccess()
  tokens(@WorkspaceId() ws: string, @Param('id', new ParseIdPipe('Run')) id: string) {
    return this.runs.tokens(ws, id);
  }
}
