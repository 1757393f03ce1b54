import { createHash, randomUUID } from 'node:crypto';
import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable } from '@nestjs/common';
import { type Queue } from 'bullmq';
import { type AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { Clock } from '../infra/clock/clock';
import { PATTERN_SCRUBBER } from '../infra/crypto/secret-scrubber';
import {
  DELIVER_WEBHOOK_JOB,
  deliverWebhookJobOptions,
  WEBHOOKS_QUEUE,
  webhookJobId,
  type DeliverWebhookJobData,
} from '../infra/queue/queue-names';
import { runScoreView, type ScoreLike } from '../live-events/run-score';
import { TEST_EVENT, type WebhookEvent } from './dto/webhook.dto';
import { slackAlertMessage } from './slack-message';
import { WebhookRepository, type WebhookRecord } from './webhook.repository';
import { removeFinishedJobs } from '../infra/queue/finished-jobs';

/** The run a notice is about (a StartedAttempt satisfies it). */
export interface RunOutcomeRef {
  runId: string;
  workspaceId: string;
  projectId: string;
  promptId: string;
  engineId: string;
}

/**
 * One delivery id per (run or alert, event, webhook), derived rather than random: notifying the same outcome twice
 * (a redelivered job) inserts nothing new and enqueues a job id that already exists. Formatted as a UUIDv8.
 */
export function deliveryIdFor(key: string, event: string, webhookId: string): string {
  const h = createHash('sha256').update(`${key}|${event}|${webhookId}`).digest();
  h[6] = (h[6]! & 0x0f) | 0x80;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const hex = h.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** An alert of the alert log, as the alert evaluation hands it over. */
export interface AlertNotice {
  alertId: string;
  workspaceId: string;
  projectId: string;
  ruleId: string;
  ruleName: string;
  kind: string;
  transition: string;
  runId: string;
  synthetic: boolean;
  figures: Record<string, unknown>;
  triggeredAt: Date;
}

/**
 * Turns run outcomes into webhook deliveries: one `webhook_deliveries` row and one BullMQ job per subscribed
 * webhook. The run executor awaits these after the run's outcome is committed: when they throw (database or
 * Redis trouble), the run's job fails and is redelivered, and the redelivery (the run already terminal)
 * announces the outcome again. Announcing twice is harmless: delivery and job ids derive from the run.
 */
@Injectable()
export class WebhookNotifier {
  constructor(
    private readonly webhooks: WebhookRepository,
    @InjectQueue(WEBHOOKS_QUEUE) private readonly queue: Queue<DeliverWebhookJobData>,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async runCompleted(run: RunOutcomeRef, scores: ScoreLike[]): Promise<void> {
    await this.enqueue(run, 'run.completed', {
      status: 'succeeded',
      failureReason: null,
      scores: scores.map(runScoreView),
    });
  }

  async runFailed(run: RunOutcomeRef, failure: { reasonCode: string }): Promise<void> {
    await this.enqueue(run, 'run.failed', { status: 'failed', failureReason: failure.reasonCode });
  }

  /** Awaitable form (tests, tools): creates the deliveries and enqueues their jobs. */
  async enqueue(run: RunOutcomeRef, event: WebhookEvent, outcome: Record<string, unknown>): Promise<void> {
    await this.deliver(run.workspaceId, event, run.runId, async () => ({
      runId: run.runId,
      projectId: run.projectId,
      promptId: run.promptId,
      engineId: run.engineId,
      ...outcome,
      synthetic: await this.webhooks.runSynthetic(run.runId),
    }));
  }

  /**
   * `alert.triggered` for one alert of the alert log. Awaited by the alert evaluation job (which retries on
   * failure); the delivery id is derived from the alert id, so notifying one alert twice is a no-op.
   */
  async alertTriggered(alert: AlertNotice): Promise<void> {
    await this.deliver(
      alert.workspaceId,
      'alert.triggered',
      alert.alertId,
      () =>
        Promise.resolve({
          alertId: alert.alertId,
          ruleId: alert.ruleId,
          ruleName: alert.ruleName,
          kind: alert.kind,
          transition: alert.transition,
          projectId: alert.projectId,
          runId: alert.runId,
          triggeredAt: alert.triggeredAt.toISOString(),
          figures: alert.figures,
          synthetic: alert.synthetic,
        }),
      () => this.slackAlert(alert),
    );
  }

  /** The Slack message of an alert: its brand names, project name and web app links resolved. */
  private async slackAlert(alert: AlertNotice): Promise<Record<string, unknown>> {
    const ids = ['brandId', 'competitorId']
      .map((k) => alert.figures[k])
      .filter((v): v is string => typeof v === 'string');
    const labels = await this.webhooks.alertLabels(alert.projectId, ids);
    const appUrl = this.config.PUBLIC_URL?.replace(/\/+$/, '') ?? null;
    return { ...slackAlertMessage(alert, { ...labels, appUrl }) };
  }

  /**
   * One delivery row and one job per subscribed webhook; `key` names the occurrence (run or alert). A `slack`
   * webhook gets the `slack` rendering (and nothing for an event without one); the others the signed event.
   */
  private async deliver(
    workspaceId: string,
    event: WebhookEvent,
    key: string,
    data: () => Promise<Record<string, unknown>>,
    slack?: () => Promise<Record<string, unknown>>,
  ): Promise<void> {
    const subscribed = await this.webhooks.subscribers(workspaceId, event);
    const hooks = subscribed.filter((h) => h.format !== 'slack' || slack !== undefined);
    if (hooks.length === 0) return;
    // Payloads carry codes and figures, not provider text; scrubbed anyway: they leave for another server.
    const body = hooks.some((h) => h.format !== 'slack') ? PATTERN_SCRUBBER.scrubDeep(await data()) : null;
    const slackBody =
      slack && hooks.some((h) => h.format === 'slack') ? PATTERN_SCRUBBER.scrubDeep(await slack()) : null;
    const createdAt = this.clock.now();
    const rows = hooks.map((hook) => {
      const id = deliveryIdFor(key, event, hook.id);
      return {
        id,
        webhookId: hook.id,
        workspaceId,
        event,
        payload:
          hook.format === 'slack' && slackBody
            ? slackBody
            : { id, type: event, createdAt: createdAt.toISOString(), data: body },
        createdAt,
      };
    });
    await this.webhooks.createDeliveries(rows);
    const options = deliverWebhookJobOptions(this.config.WEBHOOK_BACKOFF_MS);
    await this.queue.addBulk(
      rows.map((r) => ({
        name: DELIVER_WEBHOOK_JOB,
        data: { deliveryId: r.id },
        opts: { ...options, jobId: webhookJobId(r.id) },
      })),
    );
  }

  /**
   * A `webhook.test` delivery to one webhook, through the same path as every event (a delivery row, a job, the
   * signed POST, the same egress rule and retries); its id is random: each test is a new delivery.
   */
  async sendTest(hook: WebhookRecord): Promise<string> {
    const id = randomUUID();
    const createdAt = this.clock.now();
    const payload =
      hook.format === 'slack'
        ? { text: 'streamrank test event: this Slack destination receives streamrank alerts.' }
        : {
            id,
            type: TEST_EVENT,
            createdAt: createdAt.toISOString(),
            data: { webhookId: hook.id, test: true, message: 'A test event sent from streamrank.' },
          };
    await this.webhooks.createDeliveries([
      { id, webhookId: hook.id, workspaceId: hook.workspaceId, event: TEST_EVENT, payload, createdAt },
    ]);
    await this.queue.add(
      DELIVER_WEBHOOK_JOB,
      { deliveryId: id },
      { ...deliverWebhookJobOptions(this.config.WEBHOOK_BACKOFF_MS), jobId: webhookJobId(id) },
    );
    return id;
  }

  /**
   * Re-enqueues deliveries whose job is gone (enqueue failed, Redis lost it). A live job with the same id is
   * left alone; a finished one is replaced, so the delivery is attempted again.
   */
  async requeue(deliveryIds: string[]): Promise<number> {
    const options = deliverWebhookJobOptions(this.config.WEBHOOK_BACKOFF_MS);
    await removeFinishedJobs(this.queue, deliveryIds.map(webhookJobId));
    await this.queue.addBulk(
      deliveryIds.map((id) => ({
        name: DELIVER_WEBHOOK_JOB,
        data: { deliveryId: id },
        opts: { ...options, jobId: webhookJobId(id) },
      })),
    );
    return deliveryIds.length;
  }
}
