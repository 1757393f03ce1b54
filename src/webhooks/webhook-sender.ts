import http from 'node:http';
import https from 'node:https';
import { assertPublicHost, EgressBlockedError, egressLookup } from '../llm/http/egress-guard';

export interface SendResult {
  /** HTTP status, or null when no response arrived (network error, timeout, refused destination). */
  statusCode: number | null;
  error: string | null;
  /** The failure can never succeed on retry (refused destination). */
  permanent: boolean;
}

const MAX_RESPONSE_BYTES = 64 * 1024;

/**
 * POSTs one signed webhook body. Egress is checked at connect time (every resolved address, pinned), literal
 * IPs before connecting; redirects are never followed (a 3xx is just a non-2xx answer); the whole exchange is
 * bounded by `timeoutMs`.
 */
export function sendWebhook(
  url: string,
  body: Buffer,
  headers: Record<string, string>,
  options: { allowPrivate: boolean; timeoutMs: number },
): Promise<SendResult> {
  let target: URL;
  try {
    target = new URL(url);
    assertPublicHost(target, options.allowPrivate);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    return Promise.resolve({ statusCode: null, error: message, permanent: true });
  }
  const client = target.protocol === 'https:' ? https : http;
  return new Promise<SendResult>((resolve) => {
    let settled = false;
    const finish = (result: SendResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };
    const req = client.request(
      target,
      {
        method: 'POST',
        lookup: egressLookup({ allowPrivate: options.allowPrivate }),
        headers: {
          ...headers,
          'content-type': 'application/json',
          'content-length': String(body.length),
          'user-agent': 'streamrank-webhooks/1',
        },
      },
      (res) => {
        let received = 0;
        res.on('data', (chunk: Buffer) => {
          received += chunk.length;
          if (received > MAX_RESPONSE_BYTES) res.destroy();
        });
        const done = (): void =>
          finish({ statusCode: res.statusCode ?? null, error: null, permanent: false });
        res.on('end', done);
        res.on('close', done);
        res.on('error', done);
      },
    );
    const timer = setTimeout(() => {
      req.destroy();
      finish({ statusCode: null, error: `timed out after ${options.timeoutMs} ms`, permanent: false });
    }, options.timeoutMs);
    req.on('error', (e) => {
      finish({ statusCode: null, error: e.message, permanent: e instanceof EgressBlockedError });
    });
    req.end(body);
  });
}

/** 2xx is delivered; 4xx other than 408 and 429 will never be accepted; everything else is retried. */
export function classifyStatus(status: number): 'delivered' | 'permanent' | 'retry' {
  if (status >= 200 && status < 300) return 'delivered';
  if (status >= 400 && status < 500 && status !== 408 && status !== 429) return 'permanent';
  return 'retry';
}
