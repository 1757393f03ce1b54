import type { IncomingHttpHeaders } from 'node:http';
import { HttpErrorClassifier } from '../http/http-error-classifier';
import { isRecord } from '../json-record';
import { ProviderError } from '../provider-error';

const MAX_MESSAGE_CHARS = 500;

interface GoogleRpcError {
  code?: number;
  message?: string;
  status?: string;
  /** From `google.rpc.RetryInfo.retryDelay` ("7s", "1.5s"). */
  retryDelayMs?: number;
  /** `google.rpc.ErrorInfo.reason` values, e.g. API_KEY_INVALID. */
  reasons: string[];
}

/**
 * Turns a non-2xx Gemini response into a ProviderError (docs/wire-formats.md). Google's envelope is the
 * google.rpc.Status JSON `{"error":{"code":429,"message":"…","status":"RESOURCE_EXHAUSTED","details":[…]}}`,
 * sometimes wrapped in an array. Plugged into StreamingHttpClient as `classifyError`.
 *
 * - 429: `rate_limited` (retryable), with `retryAfterMs` from `RetryInfo.retryDelay`, else from a
 *   `retry-after` header. A 429 that names quota or billing and gives no retry delay is `quota_exhausted`
 *   (not retryable): the daily/billing quota will not come back within a retry window, whereas per-minute
 *   quota errors come with a RetryInfo and are plain rate limits.
 * - 400 INVALID_ARGUMENT / FAILED_PRECONDITION: `invalid_request`, except an invalid API key, which Google
 *   reports as 400 INVALID_ARGUMENT with ErrorInfo reason API_KEY_INVALID: `auth_failed`.
 * - 401/403: `auth_failed`. 500/503 (and other 5xx, 408): `server_error`, retryable.
 * - Anything else falls back to the shared HttpErrorClassifier table.
 */
export class GeminiErrorClassifier {
  static classify(
    status: number,
    headers: IncomingHttpHeaders,
    bodyText: string,
    nowMs = Date.now(),
  ): ProviderError {
    const rpc = GeminiErrorClassifier.parse(bodyText);
    if (rpc === null) return HttpErrorClassifier.classify(status, headers, bodyText, nowMs);

    const label = rpc.status === undefined ? `HTTP ${status}` : `HTTP ${status} ${rpc.status}`;
    const message = `${label}: ${rpc.message ?? `HTTP ${status}`}`;
    const retryAfterMs = rpc.retryDelayMs ?? HttpErrorClassifier.retryAfterMs(headers, nowMs);
    const base = { httpStatus: status, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) };

    if (status === 429 || rpc.status === 'RESOURCE_EXHAUSTED') {
      const aboutQuota = /quota|billing/i.test(rpc.message ?? '');
      if (aboutQuota && retryAfterMs === undefined) {
        return new ProviderError('quota_exhausted', message, { ...base, retryable: false });
      }
      return new ProviderError('rate_limited', message, { ...base, retryable: true });
    }
    if (
      rpc.reasons.includes('API_KEY_INVALID') ||
      status === 401 ||
      status === 403 ||
      rpc.status === 'UNAUTHENTICATED' ||
      rpc.status === 'PERMISSION_DENIED'
    ) {
      return new ProviderError('auth_failed', message, { ...base, retryable: false });
    }
    if (status === 400 || status === 404) {
      return new ProviderError('invalid_request', message, { ...base, retryable: false });
    }
    if (status >= 500 || status === 408) {
      return new ProviderError('server_error', message, { ...base, retryable: true });
    }
    return HttpErrorClassifier.classify(status, headers, bodyText, nowMs);
  }

  /** The google.rpc.Status in the body, or null when the body is not Google's envelope. */
  static parse(bodyText: string): GoogleRpcError | null {
    let parsed: unknown;
    try {
      parsed = JSON.parse(bodyText);
    } catch {
      return null;
    }
    if (Array.isArray(parsed)) parsed = parsed[0];
    if (!isRecord(parsed) || !isRecord(parsed.error)) return null;
    const error = parsed.error;
    const details = Array.isArray(error.details) ? error.details.filter(isRecord) : [];
    let retryDelayMs: number | undefined;
    const reasons: string[] = [];
    for (const detail of details) {
      const type = typeof detail['@type'] === 'string' ? detail['@type'] : '';
      if (type.endsWith('google.rpc.RetryInfo')) retryDelayMs ??= parseDuration(detail.retryDelay);
      if (type.endsWith('google.rpc.ErrorInfo') && typeof detail.reason === 'string') {
        reasons.push(detail.reason);
      }
    }
    return {
      ...(typeof error.code === 'number' ? { code: error.code } : {}),
      ...(typeof error.message === 'string' ? { message: error.message.slice(0, MAX_MESSAGE_CHARS) } : {}),
      ...(typeof error.status === 'string' ? { status: error.status } : {}),
      ...(retryDelayMs === undefined ? {} : { retryDelayMs }),
      reasons,
    };
  }
}

/** protobuf Duration in JSON: `"7s"`, `"1.500s"`; also the `{seconds, nanos}` object form. */
export function parseDuration(value: unknown): number | undefined {
  if (typeof value === 'string') {
    const match = /^\s*(\d+(?:\.\d+)?)s\s*$/.exec(value);
    return match?.[1] === undefined ? undefined : Math.round(Number(match[1]) * 1000);
  }
  if (isRecord(value)) {
    const seconds = Number(value.seconds ?? 0);
    const nanos = Number(value.nanos ?? 0);
    if (!Number.isFinite(seconds) || !Number.isFinite(nanos) || seconds < 0 || nanos < 0) return undefined;
    return Math.round(seconds * 1000 + nanos / 1e6);
  }
  return undefined;
}
