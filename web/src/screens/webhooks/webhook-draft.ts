// The webhook form's state, exactly as typed, and the API body built from it (the API validates: URL, events,
// the Slack format's events, the egress rule for the destination).
import type {
  WebhooksControllerCreateData,
  WebhooksControllerDeliveriesResponse,
  WebhooksControllerListResponse,
} from '../../../../clients/typescript/types.gen';

export type Webhook = WebhooksControllerListResponse['data'][number];
export type WebhookBody = WebhooksControllerCreateData['body'];
export type WebhookEvent = WebhookBody['events'][number];
export type Delivery = WebhooksControllerDeliveriesResponse['data'][number];

export const EVENTS: readonly { value: WebhookEvent; label: string }[] = [
  { value: 'run.completed', label: 'Run completed' },
  { value: 'run.failed', label: 'Run failed' },
  { value: 'alert.triggered', label: 'Alert triggered' },
];

export interface WebhookDraft {
  url: string;
  events: WebhookEvent[];
  format: 'standard' | 'slack';
  active: boolean;
}

export const emptyWebhookDraft = (): WebhookDraft => ({
  url: '',
  events: ['alert.triggered'],
  format: 'standard',
  active: true,
});

export const webhookDraftOf = (w: Webhook): WebhookDraft => ({
  url: w.url,
  events: [...w.events],
  format: w.format,
  active: w.active,
});

export const webhookBodyOf = (d: WebhookDraft): WebhookBody => ({
  url: d.url,
  events: EVENTS.map((e) => e.value).filter((e) => d.events.includes(e)),
  format: d.format,
  active: d.active,
});

export const isWebhookFormKey = (key: string): boolean => ['url', 'events', 'format', 'active'].includes(key);
