// A local webhook receiver for e2e specs: records every request (headers and raw body) per path and answers
// with the statuses queued for that path (then 200), and verifies Standard Webhooks signatures.
import { createHmac } from 'node:crypto';
import http, { type IncomingHttpHeaders } from 'node:http';
import { type AddressInfo } from 'node:net';

export interface ReceivedWebhook {
  headers: IncomingHttpHeaders;
  raw: Buffer;
}

export class WebhookReceiver {
  readonly received = new Map<string, ReceivedWebhook[]>();
  private readonly statuses = new Map<string, number[]>();
  private server: http.Server | null = null;
  private port = 0;

  async start(): Promise<void> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const path = req.url ?? '/';
        const list = this.received.get(path) ?? [];
        list.push({ headers: req.headers, raw: Buffer.concat(chunks) });
        this.received.set(path, list);
        const status = this.statuses.get(path)?.shift() ?? 200;
        res.writeHead(status, { 'content-type': 'text/plain' }).end(String(status));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  /** The URL of `path`; its requests are answered with `statuses` in turn, then 200. */
  url(path: string, statuses: number[] = []): string {
    this.statuses.set(path, [...statuses]);
    return `http://127.0.0.1:${this.port}${path}`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }
}

/** Whether `webhook-signature` is v1,HMAC-SHA256(secret, "<id>.<timestamp>.<raw body>") for the whsec_ secret. */
export function hasValidSignature(req: ReceivedWebhook, secret: string): boolean {
  const id = req.headers['webhook-id'] as string;
  const ts = req.headers['webhook-timestamp'] as string;
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
  const expected = createHmac('sha256', key).update(`${id}.${ts}.`).update(req.raw).digest('base64');
  return req.headers['webhook-signature'] === `v1,${expected}`;
}
