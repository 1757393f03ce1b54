import { Body, Controller, Get, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { WorkspaceId } from '../auth/access.decorator';
import {
  ApiBodySchema,
  ApiCreatedSchema,
  ApiOkSchema,
  ApiPage,
  DeleteNoContent,
  IdParam,
} from '../infra/http/crud.decorators';
import { pageQuerySchema, type Page } from '../infra/http/pagination';
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
