import { Body, Controller, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { WorkspaceId } from '../auth/access.decorator';
import {
  ApiBodySchema,
  ApiCreatedSchema,
  ApiOkSchema,
  ApiPage,
  DeleteNoContent,
  IdParam,
} from '../infra/http/crud.decorators';
import { openApiSchema } from '../infra/http/openapi-schema';
import { pageQuerySchema, type Page } from '../infra/http/pagination';
import { parseInput } from '../infra/http/zod-body';
import {
  createdWebhookResponseSchema,
  createWebhookSchema,
  webhookDeliveryPageResponseSchema,
  webhookPageResponseSchema,
  webhookResponseSchema,
  webhookTestResponseSchema,
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
  @ApiCreatedSchema(createdWebhookResponseSchema)
  @Post()
  @ApiBodySchema(createWebhookSchema)
  create(@WorkspaceId() ws: string, @Body() body: unknown): Promise<CreatedWebhookView> {
    return this.webhooks.create(ws, parseInput(createWebhookSchema, body));
  }

  @Get()
  @ApiPage(webhookPageResponseSchema)
  list(@WorkspaceId() ws: string, @Query() query: unknown): Promise<Page<WebhookView>> {
    return this.webhooks.list(ws, parseInput(pageQuerySchema, query, 'query'));
  }

  @Get(':id')
  @ApiOkSchema(webhookResponseSchema)
  get(@WorkspaceId() ws: string, @IdParam('id', 'Webhook') id: string): Promise<WebhookView> {
    return this.webhooks.get(ws, id);
  }

  @Patch(':id')
  @ApiOkSchema(webhookResponseSchema)
  @ApiBodySchema(updateWebhookSchema)
  update(
    @WorkspaceId() ws: string,
    @IdParam('id', 'Webhook') id: string,
    @Body() body: unknown,
  ): Promise<WebhookView> {
    return this.webhooks.update(ws, id, parseInput(updateWebhookSchema, body));
  }

  @DeleteNoContent(':id')
  delete(@WorkspaceId() ws: string, @IdParam('id', 'Webhook') id: string): Promise<void> {
    return this.webhooks.delete(ws, id);
  }

  /** A signed `webhook.test` event through the real delivery path; it shows in the delivery log (`test`). */
  @Post(':id/test')
  @HttpCode(202)
  @ApiAcceptedResponse({ schema: openApiSchema(webhookTestResponseSchema) })
  sendTest(@WorkspaceId() ws: string, @IdParam('id', 'Webhook') id: string): Promise<{ deliveryId: string }> {
    return this.webhooks.sendTest(ws, id);
  }

  /** A new signing secret, shown in this response only; the old secret stops working at once. */
  @Post(':id/rotate-secret')
  @HttpCode(200)
  @ApiOkSchema(createdWebhookResponseSchema)
  rotateSecret(@WorkspaceId() ws: string, @IdParam('id', 'Webhook') id: string): Promise<CreatedWebhookView> {
    return this.webhooks.rotateSecret(ws, id);
  }

  @Get(':id/deliveries')
  @ApiPage(webhookDeliveryPageResponseSchema)
  deliveries(
    @WorkspaceId() ws: string,
    @IdParam('id', 'Webhook') id: string,
    @Query() query: unknown,
  ): Promise<Page<WebhookDeliveryView>> {
    return this.webhooks.deliveries(ws, id, parseInput(pageQuerySchema, query, 'query'));
  }
}
