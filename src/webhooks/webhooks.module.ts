import { Global, Module } from '@nestjs/common';
import { WebhookDeliveryProcessor } from './webhook-delivery.processor';
import { WebhookNotifier } from './webhook-notifier.service';
import { WebhookReconciler } from './webhook-reconciler.service';
import { WebhookRepository } from './webhook.repository';
import { WebhookService } from './webhook.service';
import { WebhooksController } from './webhooks.controller';

/**
 * Loaded in every role: the run executor (worker) reports run outcomes through WebhookNotifier, which only
 * needs Postgres and the queue.
 */
@Global()
@Module({
  providers: [WebhookRepository, WebhookNotifier, WebhookReconciler],
  exports: [WebhookRepository, WebhookNotifier, WebhookReconciler],
})
export class WebhookNotifyModule {}

/** The webhooks API (ROLE api or all). */
@Module({
  controllers: [WebhooksController],
  providers: [WebhookService],
})
export class WebhooksModule {}

/** Delivers webhooks (ROLE worker or all). */
@Module({
  providers: [WebhookDeliveryProcessor],
})
export class WebhooksWorkerModule {}
