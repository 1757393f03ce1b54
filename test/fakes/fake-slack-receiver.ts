// A fake Slack incoming-webhook endpoint for e2e specs. It answers as Slack documents its incoming webhooks:
// `200 ok` (text/html) for a valid message; `400 invalid_payload` for a body that is not a JSON object,
// `400 no_text` without `text` or `blocks`, `400 invalid_blocks` for blocks Slack would refuse (unknown types,
// text objects that are not mrkdwn/plain_text, sections over 3000 characters, more than 10 fields or fields
// over 2000 characters); and the statuses queued for a path (e.g. 500, then `404 channel_not_found`).
import http, { type IncomingHttpHeaders } from 'node:http';
import { type AddressInfo } from 'node:net';

export interface SlackRequest {
  headers: IncomingHttpHeaders;
  raw: Buffer;
  /** The parsed body when it was a valid message, else null. */
  message: { text?: string; blocks?: unknown[] } | null;
  /** What the receiver answered. */
  status: number;
  answer: string;
}

const ERROR_BODIES: Record<number, string> = {
  400: 'invalid_payload',
  403: 'action_prohibited',
  404: 'channel_not_found',
  410: 'channel_is_archived',
  429: 'rate_limited',
  500: 'rollup_error',
};

type TextObject = { type?: unknown; text?: unknown };
const isText = (t: unknown, max: number): boolean => {
  const o = t as TextObject;
  return (
    typeof o === 'object' &&
    o !== null &&
    (o.type === 'mrkdwn' || o.type === 'plain_text') &&
    typeof o.text === 'string' &&
    o.text.length > 0 &&
    o.text.length <= max
  );
};

/** Slack's Block Kit rules for the block types a message of ours may use. */
function blocksProblem(blocks: unknown): string | null {
  if (!Array.isArray(blocks) || blocks.length > 50) return 'blocks must be an array of at most 50';
  for (const b of blocks as Record<string, unknown>[]) {
    if (b.type === 'section') {
      if (b.text === undefined && b.fields === undefined) return 'a section needs text or fields';
      if (b.text !== undefined && !isText(b.text, 3000)) return 'bad section text';
      if (b.fields !== undefined) {
        if (!Array.isArray(b.fields) || b.fields.length > 10) return 'at most 10 fields';
        if (!b.fields.every((f) => isText(f, 2000))) return 'bad field';
      }
    } else if (b.type === 'context') {
      if (!Array.isArray(b.elements) || b.elements.length === 0 || b.elements.length > 10) {
        return 'bad context';
      }
      if (!b.elements.every((e) => isText(e, 3000))) return 'bad context element';
    } else if (b.type !== 'divider' && b.type !== 'header') {
      return `unknown block type ${String(b.type)}`;
    }
  }
  return null;
}

export class FakeSlackReceiver {
  readonly received = new Map<string, SlackRequest[]>();
  private readonly statuses = new Map<string, number[]>();
  private server: http.Server | null = null;
  private port = 0;

  async start(): Promise<void> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const path = req.url ?? '/';
        const raw = Buffer.concat(chunks);
        const { status, answer, message } = this.answer(path, req.headers, raw);
        const list = this.received.get(path) ?? [];
        list.push({ headers: req.headers, raw, message, status, answer });
        this.received.set(path, list);
        const headers: Record<string, string> = { 'content-type': 'text/html' };
        if (status === 429) headers['retry-after'] = '1';
        res.writeHead(status, headers).end(answer);
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  private answer(path: string, headers: IncomingHttpHeaders, raw: Buffer) {
    const queued = this.statuses.get(path)?.shift();
    if (queued !== undefined && queued !== 200) {
      return { status: queued, answer: ERROR_BODIES[queued] ?? 'error', message: null };
    }
    let body: unknown;
    try {
      if (!String(headers['content-type']).startsWith('application/json')) throw new Error('not JSON');
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      return { status: 400, answer: 'invalid_payload', message: null };
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      return { status: 400, answer: 'invalid_payload', message: null };
    }
    const m = body as { text?: unknown; blocks?: unknown };
    if ((typeof m.text !== 'string' || m.text === '') && m.blocks === undefined) {
      return { status: 400, answer: 'no_text', message: null };
    }
    if (m.blocks !== undefined && blocksProblem(m.blocks) !== null) {
      return { status: 400, answer: 'invalid_blocks', message: null };
    }
    return { status: 200, answer: 'ok', message: m as { text?: string; blocks?: unknown[] } };
  }

  /** The URL of `path` (like `/services/T000/B000/XXXX`); its requests get `statuses` in turn, then Slack's answer. */
  url(path: string, statuses: number[] = []): string {
    this.statuses.set(path, [...statuses]);
    return `http://127.0.0.1:${this.port}${path}`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }
}
