import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ReadAccess, WorkspaceId } from '../auth/access.decorator';
import { ApiPageQuery } from '../infra/http/api-page-query.decorator';
import { openApiSchema } from '../infra/http/openapi-schema';
import { pageQuerySchema, type Page } from '../infra/http/pagination';
import { ParseIdPipe } from '../infra/http/parse-id.pipe';
import { parseInput } from '../infra/http/zod-body';
import { AlertRuleService } from './alert-rule.service';
import {
  alertEventPageResponseSchema,
  alertRulePageResponseSchema,
  alertRuleResponseSchema,
  createAlertRuleSchema,
  updateAlertRuleSchema,
  type AlertEventView,
  type AlertRuleView,
} from './dto/alert-rule.dto';

/** Alert rules (admin writes, read keys may list) and the alert log (docs/alerts.md). */
@ApiTags('alerts')
@ApiBearerAuth()
@Controller('v1')
export class AlertRulesController {
  constructor(private readonly rules: AlertRuleService) {}

  @Post('projects/:projectId/alert-rules')
  @ApiBody({ schema: openApiSchema(createAlertRuleSchema) })
  @ApiCreatedResponse({ schema: openApiSchema(alertRuleResponseSchema) })
  create(
    @WorkspaceId() ws: string,
    @Param('projectId', new ParseIdPipe('Project')) projectId: string,
    @Body() body: unknown,
  ): Promise<AlertRuleView> {
    return this.rules.create(ws, projectId, parseInput(createAlertRuleSchema, body));
  }

  @Get('projects/:projectId/alert-rules')
  @ReadAccess()
  @ApiPageQuery()
  @ApiOkResponse({ schema: openApiSchema(alertRulePageResponseSchema) })
  list(
    @WorkspaceId() ws: string,
    @Param('projectId', new ParseIdPipe('Project')) projectId: string,
    @Query() query: unknown,
  ): Promise<Page<AlertRuleView>> {
    return this.rules.list(ws, projectId, parseInput(pageQuerySchema, query, 'query'));
  }

  @Get('alert-rules/:id')
  @ReadAccess()
  @ApiOkResponse({ schema: openApiSchema(alertRuleResponseSchema) })
  get(
    @WorkspaceId() ws: string,
    @Param('id', new ParseIdPipe('Alert rule')) id: string,
  ): Promise<AlertRuleView> {
    return this.rules.get(ws, id);
  }

  @Patch('alert-rules/:id')
  @ApiBody({ schema: openApiSchema(updateAlertRuleSchema) })
  @ApiOkResponse({ schema: openApiSchema(alertRuleResponseSchema) })
  update(
    @WorkspaceId() ws: string,
    @Param('id', new ParseIdPipe('Alert rule')) id: string,
    @Body() body: unknown,
  ): Promise<AlertRuleView> {
    return this.rules.update(ws, id, parseInput(updateAlertRuleSchema, body));
  }

  @Delete('alert-rules/:id')
  @HttpCode(204)
  delete(@WorkspaceId() ws: string, @Param('id', new ParseIdPipe('Alert rule')) id: string): Promise<void> {
    return this.rules.delete(ws, id);
  }

  /** The alert log, newest first. */
  @Get('projects/:projectId/alerts')
  @ReadAccess()
  @ApiPageQuery()
  @ApiOkResponse({ schema: openApiSchema(alertEventPageResponseSchema) })
  alerts(
    @WorkspaceId() ws: string,
    @Param('projectId', new ParseIdPipe('Project')) projectId: string,
    @Query() query: unknown,
  ): Promise<Page<AlertEventView>> {
    return this.rules.alerts(ws, projectId, parseInput(pageQuerySchema, query, 'query'));
  }
}
