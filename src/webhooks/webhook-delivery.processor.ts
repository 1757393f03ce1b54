import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject, Logger } from '@nestjs/common';
import { UnrecoverableError, type Job } from 'bullmq';
import { type AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { Clock } from '../infra/clock/clock';
import { CredentialCipher } from '../infra/crypto/credential-cipher';
import { WEBHOOKS_QUEUE, type DeliverWebhookJobData } from '../infra/queue/queue-names';
import { webhookBackoffDelay, webhookBackoffStrategy } from './webhook-backoff';
import { decryptWebhookSecret, signWebhook } from './webhook-secret';
import { classifyStatus, sendWebhook } from './webhook-sender';
import { WebhookRepository } from './webhook.repository';

export type DeliveryOutcome = 'delivered' | 'already-terminal' | 'gone' | 'disabled';

/**
 * One job = one delivery. Each attempt is counted on the delivery row; a retryable failure throws so BullMQ
 * retries with the 'webhook' backoff (exponential, jittered, bounded by the job's attempts); a permanent one
 * throws UnrecoverableError.
 */
@Processor(WEBHOOKS_QUEUE, { concurrency: 8, settings: { backoffStrategy: webhookBackoffStrategy } })
export class WebhookDeliveryProcessor extends WorkerHost {
  private readonly logger = new Logger(WebhookDeliveryProcessor.name);

  constructor(
    private readonly webhooks: WebhookRepository,
    private readonly cipher: CredentialCipher,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    super();
  }

  async process(job: Job<DeliverWebhookJobData>): Promise<DeliveryOutcome> {
    const delivery = await this.webhooks.findDelivery(job.data.deliveryId);
    if (!delivery) return 'gone';
    if (delivery.status !== 'pending') return 'already-terminal';
    const hook = await this.webhooks.find(delivery.workspaceId, delivery.webhookId);
    if (!hook) return 'gone';
    if (!hook.active) {
      await this.webhooks.abandon(delivery.id, 'webhook is inactive');
      return 'disabled';
    }
    const secret = decryptWebhookSecret(this.cipher, hook.secretCiphertext, hook.workspaceId, hook.id);
    // The exact bytes that are signed are the bytes sent.
    const body = Buffer.from(JSON.stringify(delivery.payload), 'utf8');
    const timestamp = Math.floor(this.clock.now().getTime() / 1000);
    const result = await sendWebhook(
      hook.url,
      body,
      {
        'webhook-id': delivery.id,
        'webhook-timestamp': String(timestamp),
        'webhook-signature': signWebhook(secret, delivery.id, timestamp, body),
      },
      { allowPrivate: this.config.EGRESS_ALLOW_PRIVATE, timeoutMs: this.config.WEBHOOK_TIMEOUT_MS },
    );
    const verdict = result.statusCode === null ? null : classifyStatus(result.statusCode);
    if (verdict === 'delivered') {
      await this.webhooks.recordAttempt(delivery.id, {
        status: 'succeeded',
        lastStatusCode: result.statusCode,
        lastError: null,
        nextAttemptAt: null,
        deliveredAt: this.clock.now(),
      });
      return 'delivered';
    }
    const error = result.error ?? `HTTP ${result.statusCode}`;
    const attemptNumber = job.attemptsMade + 1;
    const final = result.permanent || verdict === 'permanent' || attemptNumber >= (job.opts.attempts ?? 1);
    const nextAttemptAt = final
      ? null
      : new Date(
          this.clock.now().getTime() +
            webhookBackoffDelay(this.config.WEBHOOK_BACKOFF_MS, attemptNumber, job.id ?? ''),
        );
    await this.webhooks.recordAttempt(delivery.id, {
      status: final ? 'failed' : 'pending',
      lastStatusCode: result.statusCode,
      lastError: error.slice(0, 1000),
      nextAttemptAt,
      deliveredAt: null,
    });
    this.logger.warn(
      { deliveryId: delivery.id, webhookId: hook.id, attempt: attemptNumber, final, error },
      'webhook delivery attempt failed',
    );
    if (final) throw new UnrecoverableError(`webhook delivery ${delivery.id} failed: ${error}`);
    throw new Error(`webhook delivery ${delivery.id} attempt ${attemptNumber} failed: ${error}`);
  }
}
