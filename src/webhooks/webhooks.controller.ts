import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiBearerAuth,
  ApiBody,
  ApiTags,
} from '@nestjs/swagger';
import { WorkspaceId } from '../auth/access.decorator';
import { ApiPageQuery } from '../infra/http/api-page-query.decorator';
import { openApiSchema } from '../infra/http/openapi-schema';
import { pageQuerySchema, type Page } from '../infra/http/pagination';
import { ParseIdPipe } from '../infra/http/parse-id.pipe';
import { parseInput } from '../infra/http/zod-body';
import {
  createdWebhookResponseSchema,
  createWebhookSchema,
  webhookDeliveryPageResponseSchema,
  webhookPageResponseSchema,
  webhookResponseSchema,
  updateWebhookSchema,
  type CreatedWebhookView,
  type WebhookDeliveryView,
  type WebhookView,
} from './dto/webhook.dto';
import { WebhookService } from './webhook.service';

/** Admin only (no access decorator): webhooks send workspace data to arbitrary URLs. */
@ApiTags('webhooks')
@ApiBearerAuth()
@Controller('v1/webhooks')
export class WebhooksController {
  constructor(private readonly webhooks: WebhookService) {}

  /** The response carries the signing secret (`whsec_...`); it is never shown again. */
  @ApiCreatedResponse({ schema: openApiSchema(createdWebhookResponseSchema) })
  @Post()
  @ApiBody({ schema: openApiSchema(createWebhookSchema) })
  create(@WorkspaceId() ws: string, @Body() body: unknown): Promise<CreatedWebhookView> {
    return this.webhooks.create(ws, parseInput(createWebhookSchema, body));
  }

  @Get()
  @ApiPageQuery()
  @ApiOkResponse({ schema: openApiSchema(webhookPageResponseSchema) })
  list(@WorkspaceId() ws: string, @Query() query: unknown): Promise<Page<WebhookView>> {
    return this.webhooks.list(ws, parseInput(pageQuerySchema, query, 'query'));
  }

  @Get(':id')
  @ApiOkResponse({ schema: openApiSchema(webhookResponseSchema) })
  get(@WorkspaceId() ws: string, @Param('id', new ParseIdPipe('Webhook')) id: string): Promise<WebhookView> {
    return this.webhooks.get(ws, id);
  }

  @Patch(':id')
  @ApiOkResponse({ schema: openApiSchema(webhookResponseSchema) })
  @ApiBody({ schema: openApiSchema(updateWebhookSchema) })
  update(
    @WorkspaceId() ws: string,
    @Param('id', new ParseIdPipe('Webhook')) id: string,
    @Body() body: unknown,
  ): Promise<WebhookView> {
    return this.webhooks.update(ws, id, parseInput(updateWebhookSchema, body));
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Deleted' })
  delete(@WorkspaceId() ws: string, @Param('id', new ParseIdPipe('Webhook')) id: string): Promise<void> {
    return this.webhooks.delete(ws, id);
  }

  @Get(':id/deliveries')
  @ApiPageQuery()
  @ApiOkResponse({ schema: openApiSchema(webhookDeliveryPageResponseSchema) })
  deliveries(
    @WorkspaceId() ws: string,
    @Param('id', new ParseIdPipe('Webhook')) id: string,
    @Query() query: unknown,
  ): Promise<Page<WebhookDeliveryView>> {
    return this.webhooks.deliveries(ws, id, parseInput(pageQuerySchema, query, 'query'));
  }
}
