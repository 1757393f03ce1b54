import { z } from 'zod';

export const WEBHOOK_EVENTS = ['run.completed', 'run.failed', 'alert.triggered'] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

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

export const createWebhookSchema = z
  .object({ url: urlSchema, events: eventsSchema, active: z.boolean().default(true) })
  .strict();

export const updateWebhookSchema = z
  .object({ url: urlSchema, events: eventsSchema, active: z.boolean() })
  .partial()
  .strict();

export type CreateWebhookInput = z.infer<typeof createWebhookSchema>;
export type UpdateWebhookInput = z.infer<typeof updateWebhookSchema>;

export interface WebhookView {
  id: string;
  url: string;
  events: WebhookEvent[];
  active: boolean;
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
}
