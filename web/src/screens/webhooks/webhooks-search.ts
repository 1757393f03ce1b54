// The Webhooks screen's URL state: the endpoint open (an id, or "new"). The signing secret is never in the URL.
export interface WebhooksSearch {
  webhook?: string;
}

const ID_RE = /^[0-9a-f-]{36}$/i;

export function validateWebhooksSearch(raw: Record<string, unknown>): WebhooksSearch {
  const w = raw.webhook;
  return { webhook: typeof w === 'string' && (w === 'new' || ID_RE.test(w)) ? w : undefined };
}
