import { z } from 'zod';
import { idSchema, pageResponseSchema, timestampSchema } from '../../infra/http/response-schemas';

export const WEBHOOK_EVENTS = ['run.completed', 'run.failed', 'alert.triggered'] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];
/** The event of a test delivery ("Send test event"); never subscribed to, sent on request only. */
export const TEST_EVENT = 'webhook.test';

const urlSchema = z
  .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
  .max(2000)
  // zod 4 still runs this refine when z.url() has already failed, and `new URL` then threw (a 500 for any
  // non-URL string): skip unparseable input, whose error z.url() has reported.
  .refine(
    (u) => !URL.canParse(u) || (!new URL(u).username && !new URL(u).password),
    'must not embed credentials',
  );

const eventsSchema = z
  .array(z.enum(WEBHOOK_EVENTS))
  .min(1)
  .max(WEBHOOK_EVENTS.length)
  .transform((events) => [...new Set(events)]);

/**
 * How bodies are written: `standard`, the signed JSON event; `slack`, a Slack incoming-webhook message (text and
 * blocks), for `alert.triggered` only (docs/alerts.md "Slack").
 */
export const WEBHOOK_FORMATS = ['standard', 'slack'] as const;
export type WebhookFormat = (typeof WEBHOOK_FORMATS)[number];
const formatSchema = z.enum(WEBHOOK_FORMATS);
/** The events a Slack destination may subscribe to. */
export const SLACK_EVENTS: readonly WebhookEvent[] = ['alert.triggered'];
export const SLACK_EVENTS_MESSAGE = 'a slack webhook takes alert.triggered only';
export const slackEventsOk = (format: WebhookFormat, events: readonly string[]): boolean =>
  format !== 'slack' || events.every((e) => (SLACK_EVENTS as readonly string[]).includes(e));

export const createWebhookSchema = z
  .object({
    url: urlSchema,
    events: eventsSchema,
    active: z.boolean().default(true),
    format: formatSchema.default('standard'),
  })
  .strict()
  .refine((w) => slackEventsOk(w.format, w.events), { path: ['events'], message: SLACK_EVENTS_MESSAGE });

/** A change of `format` or `events` is checked against the webhook's other field by the service. */
export const updateWebhookSchema = z
  .object({ url: urlSchema, events: eventsSchema, active: z.boolean(), format: formatSchema })
  .partial()
  .strict();

export type CreateWebhookInput = z.infer<typeof createWebhookSchema>;
export type UpdateWebhookInput = z.infer<typeof updateWebhookSchema>;

export interface WebhookView {
  id: string;
  url: string;
  events: WebhookEvent[];
  active: boolean;
  format: WebhookFormat;
  createdAt: string;
  updatedAt: string;
}

/** Only the creation response carries the signing secret; it is never returned again. */
export interface CreatedWebhookView extends WebhookView {
  secret: string;
}

export interface WebhookDeliveryView {
  id: string;
  webhookId: string;
  event: string;
  payload: unknown;
  status: 'pending' | 'succeeded' | 'failed';
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  nextAttemptAt: string | null;
  createdAt: string;
  deliveredAt: string | null;
  test: boolean;
}

export const webhookResponseSchema = z.strictObject({
  id: idSchema,
  url: z.string(),
  events: z.array(z.enum(WEBHOOK_EVENTS)),
  active: z.boolean(),
  format: formatSchema,
  createdAt: timestampSchema,
  updatedAt: timestampSchema,
});
export const createdWebhookResponseSchema = webhookResponseSchema.extend({
  secret: z.string().describe('Signing secret `whsec_...`, shown only here'),
});
export const webhookPageResponseSchema = pageResponseSchema(webhookResponseSchema);
export const webhookDeliveryResponseSchema = z.strictObject({
  id: idSchema,
  webhookId: idSchema,
  event: z.string(),
  payload: z.unknown().describe('The JSON body that is (or was) POSTed'),
  status: z.enum(['pending', 'succeeded', 'failed']),
  attempts: z.number().int(),
  lastStatusCode: z.number().int().nullable(),
  lastError: z.string().nullable(),
  nextAttemptAt: timestampSchema.nullable(),
  createdAt: timestampSchema,
  deliveredAt: timestampSchema.nullable(),
  test: z.boolean().describe('A test event sent with POST /v1/webhooks/{id}/test'),
});
export const webhookTestResponseSchema = z.strictObject({
  deliveryId: idSchema.describe('The test delivery, in the delivery log'),
});
export const webhookDeliveryPageResponseSchema = pageResponseSchema(webhookDeliveryResponseSchema);
