import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { type AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { ApiError } from '../infra/http/api-error';
import { CredentialCipher } from '../infra/crypto/credential-cipher';
import { decodeCursor, toPage, type Page, type PageQuery } from '../infra/http/pagination';
import { assertPublicUrl, EgressBlockedError } from '../llm/http/egress-guard';
import {
  TEST_EVENT,
  SLACK_EVENTS_MESSAGE,
  slackEventsOk,
  type CreatedWebhookView,
  type CreateWebhookInput,
  type UpdateWebhookInput,
  type WebhookDeliveryView,
  type WebhookEvent,
  type WebhookView,
} from './dto/webhook.dto';
import { WebhookNotifier } from './webhook-notifier.service';
import { encryptWebhookSecret, generateWebhookSecret } from './webhook-secret';
import { WebhookRepository, type WebhookDeliveryRecord, type WebhookRecord } from './webhook.repository';

@Injectable()
export class WebhookService {
  constructor(
    private readonly webhooks: WebhookRepository,
    private readonly cipher: CredentialCipher,
    private readonly notifier: WebhookNotifier,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** The same SSRF rule as engine base URLs: no private, loopback, link-local or metadata destinations. */
  private async requirePublicUrl(url: string): Promise<void> {
    try {
      await assertPublicUrl(url, this.config.EGRESS_ALLOW_PRIVATE);
    } catch (e) {
      if (!(e instanceof EgressBlockedError)) throw e;
      throw ApiError.validation(`Invalid body: body.url: ${e.message}`, [
        { path: 'body.url', message: e.message },
      ]);
    }
  }

  async create(workspaceId: string, input: CreateWebhookInput): Promise<CreatedWebhookView> {
    await this.requirePublicUrl(input.url);
    const id = randomUUID();
    const secret = generateWebhookSecret();
    const record = await this.webhooks.create(id, workspaceId, {
      url: input.url,
      events: input.events,
      active: input.active,
      format: input.format,
      secretCiphertext: encryptWebhookSecret(this.cipher, secret, workspaceId, id),
    });
    return { ...toView(record), secret };
  }

  async get(workspaceId: string, id: string): Promise<WebhookView> {
    return toView(await this.require(workspaceId, id));
  }

  private async require(workspaceId: string, id: string): Promise<WebhookRecord> {
    const w = await this.webhooks.find(workspaceId, id);
    if (!w) throw ApiError.notFound('Webhook');
    return w;
  }

  async list(workspaceId: string, q: PageQuery): Promise<Page<WebhookView>> {
    const rows = await this.webhooks.list(workspaceId, q.limit + 1, decodeCursor(q.cursor));
    return toPage(rows, q.limit, toView);
  }

  async update(workspaceId: string, id: string, input: UpdateWebhookInput): Promise<WebhookView> {
    const current = await this.require(workspaceId, id);
    if (!slackEventsOk(input.format ?? current.format, input.events ?? current.events)) {
      const path = input.events === undefined ? 'body.format' : 'body.events';
      throw ApiError.validation(`Invalid body: ${path}: ${SLACK_EVENTS_MESSAGE}`, [
        { path, message: SLACK_EVENTS_MESSAGE },
      ]);
    }
    if (input.url !== undefined && input.url !== current.url) await this.requirePublicUrl(input.url);
    const updated = await this.webhooks.update(workspaceId, id, input);
    if (!updated) throw ApiError.notFound('Webhook');
    return toView(updated);
  }

  async delete(workspaceId: string, id: string): Promise<void> {
    if (!(await this.webhooks.delete(workspaceId, id))) throw ApiError.notFound('Webhook');
  }

  /** Sends a test event through the delivery path; an inactive webhook sends nothing (409). */
  async sendTest(workspaceId: string, id: string): Promise<{ deliveryId: string }> {
    const hook = await this.require(workspaceId, id);
    if (!hook.active) throw ApiError.conflict('The webhook is inactive: activate it to send a test event');
    return { deliveryId: await this.notifier.sendTest(hook) };
  }

  /** A new signing secret, returned this once; the old one stops signing at once. */
  async rotateSecret(workspaceId: string, id: string): Promise<CreatedWebhookView> {
    await this.require(workspaceId, id);
    const secret = generateWebhookSecret();
    const updated = await this.webhooks.updateSecret(
      workspaceId,
      id,
      encryptWebhookSecret(this.cipher, secret, workspaceId, id),
    );
    if (!updated) throw ApiError.notFound('Webhook');
    return { ...toView(updated), secret };
  }

  async deliveries(workspaceId: string, id: string, q: PageQuery): Promise<Page<WebhookDeliveryView>> {
    await this.require(workspaceId, id);
    const rows = await this.webhooks.listDeliveries(workspaceId, id, q.limit + 1, decodeCursor(q.cursor));
    return toPage(rows, q.limit, toDeliveryView);
  }
}

export function toView(w: WebhookRecord): WebhookView {
  return {
    id: w.id,
    url: w.url,
    events: w.events as WebhookEvent[],
    active: w.active,
    format: w.format,
    createdAt: w.createdAt.toISOString(),
    updatedAt: w.updatedAt.toISOString(),
  };
}

function toDeliveryView(d: WebhookDeliveryRecord): WebhookDeliveryView {
  return {
    id: d.id,
    webhookId: d.webhookId,
    event: d.event,
    payload: d.payload,
    status: d.status,
    attempts: d.attempts,
    lastStatusCode: d.lastStatusCode,
    lastError: d.lastError,
    nextAttemptAt: d.nextAttemptAt?.toISOString() ?? null,
    createdAt: d.createdAt.toISOString(),
    deliveredAt: d.deliveredAt?.toISOString() ?? null,
    test: d.event === TEST_EVENT,
  };
}
