import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ReadAccess, WorkspaceId } from '../auth/access.decorator';
import {
  ApiBodySchema,
  ApiCreatedSchema,
  ApiOkSchema,
  ApiPage,
  IdParam,
} from '../infra/http/crud.decorators';
import { pageQuerySchema, type Page } from '../infra/http/pagination';
import { parseInput } from '../infra/http/zod-body';
import { AlertPreviewService } from './alert-preview.service';
import { AlertRuleService } from './alert-rule.service';
import { alertPreviewResponseSchema, type AlertPreviewView } from './dto/alert-preview.dto';
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
  constructor(
    private readonly rules: AlertRuleService,
    private readonly previews: AlertPreviewService,
  ) {}

  @Post('projects/:projectId/alert-rules')
  @ApiBodySchema(createAlertRuleSchema)
  @ApiCreatedSchema(alertRuleResponseSchema)
  create(
    @WorkspaceId() ws: string,
    @IdParam('projectId', 'Project') projectId: string,
    @Body() body: unknown,
  ): Promise<AlertRuleView> {
    return this.rules.create(ws, projectId, parseInput(createAlertRuleSchema, body));
  }

  /**
   * How a rule body (as for create) would have fired over the last 30 days of stored runs, computed by the
   * live evaluation; stores nothing.
   */
  @Post('projects/:projectId/alert-rules/preview')
  @HttpCode(200)
  @ApiBodySchema(createAlertRuleSchema)
  @ApiOkSchema(alertPreviewResponseSchema)
  preview(
    @WorkspaceId() ws: string,
    @IdParam('projectId', 'Project') projectId: string,
    @Body() body: unknown,
  ): Promise<AlertPreviewView> {
    return this.previews.preview(ws, projectId, parseInput(createAlertRuleSchema, body));
  }

  @Get('projects/:projectId/alert-rules')
  @ReadAccess()
  @ApiPage(alertRulePageResponseSchema)
  list(
    @WorkspaceId() ws: string,
    @IdParam('projectId', 'Project') projectId: string,
    @Query() query: unknown,
  ): Promise<Page<AlertRuleView>> {
    return this.rules.list(ws, projectId, parseInput(pageQuerySchema, query, 'query'));
  }

  @Get('alert-rules/:id')
  @ReadAccess()
  @ApiOkSchema(alertRuleResponseSchema)
  get(@WorkspaceId() ws: string, @IdParam('id', 'Alert rule') id: string): Promise<AlertRuleView> {
    return this.rules.get(ws, id);
  }

  @Patch('alert-rules/:id')
  @ApiBodySchema(updateAlertRuleSchema)
  @ApiOkSchema(alertRuleResponseSchema)
  update(
    @WorkspaceId() ws: string,
    @IdParam('id', 'Alert rule') id: string,
    @Body() body: unknown,
  ): Promise<AlertRuleView> {
    return this.rules.update(ws, id, parseInput(updateAlertRuleSchema, body));
  }

  @Delete('alert-rules/:id')
  @HttpCode(204)
  delete(@WorkspaceId() ws: string, @IdParam('id', 'Alert rule') id: string): Promise<void> {
    return this.rules.delete(ws, id);
  }

  /** The alert log, newest first. */
  @Get('projects/:projectId/alerts')
  @ReadAccess()
  @ApiPage(alertEventPageResponseSchema)
  alerts(
    @WorkspaceId() ws: string,
    @IdParam('projectId', 'Project') projectId: string,
    @Query() query: unknown,
  ): Promise<Page<AlertEventView>> {
    return this.rules.alerts(ws, projectId, parseInput(pageQuerySchema, query, 'query'));
  }
}
