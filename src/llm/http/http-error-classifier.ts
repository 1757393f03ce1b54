import type { IncomingHttpHeaders } from 'node:http';
import { isRecord } from '../json-record';
import { ProviderError } from '../provider-error';

/** Longest provider message we quote: bodies can echo the whole prompt back. */
const MAX_MESSAGE_CHARS = 500;

interface ErrorEnvelope {
  message?: string;
  type?: string;
  code?: string;
}

/**
 * Turns a non-2xx response (an OpenAI-style JSON error body, docs/wire-formats.md) into a ProviderError.
 * The status picks the code; the body only refines 429, because quota exhaustion shares 429 with rate
 * limiting but retrying it is pointless (langchainjs #1929 shows a client that did).
 */
export class HttpErrorClassifier {
  static classify(
    status: number,
    headers: IncomingHttpHeaders,
    bodyText: string,
    nowMs = Date.now(),
  ): ProviderError {
    const envelope = HttpErrorClassifier.parseEnvelope(bodyText);
    const detail = envelope.message ?? (bodyText.trim().slice(0, MAX_MESSAGE_CHARS) || `HTTP ${status}`);
    const message = `HTTP ${status}: ${detail}`;
    const shouldRetry = HttpErrorClassifier.header(headers, 'x-should-retry');
    // The server's explicit verdict wins over our status table, as in the official SDKs.
    const retryOverride = shouldRetry === 'true' ? true : shouldRetry === 'false' ? false : undefined;
    const retryAfterMs = HttpErrorClassifier.retryAfterMs(headers, nowMs);
    const base = { httpStatus: status, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) };

    if (status >= 300 && status < 400) {
      // Following a redirect could carry the Authorization header to a host the operator never allowed.
      return new ProviderError('invalid_request', `HTTP ${status}: redirects are refused`, {
        retryable: false,
        httpStatus: status,
      });
    }
    if (status === 429) {
      if (envelope.type === 'insufficient_quota' || envelope.code === 'insufficient_quota') {
        return new ProviderError('quota_exhausted', message, { ...base, retryable: retryOverride ?? false });
      }
      return new ProviderError('rate_limited', message, { ...base, retryable: retryOverride ?? true });
    }
    if (status === 401 || status === 403) {
      return new ProviderError('auth_failed', message, { ...base, retryable: retryOverride ?? false });
    }
    if (status === 402) {
      return new ProviderError('quota_exhausted', message, { ...base, retryable: retryOverride ?? false });
    }
    if (status === 408 || status === 409) {
      // Timeouts and conflicts are transient; openai-node retries both.
      return new ProviderError('server_error', message, { ...base, retryable: retryOverride ?? true });
    }
    if (status === 529) {
      return new ProviderError('overloaded', message, { ...base, retryable: retryOverride ?? true });
    }
    if (status >= 500) {
      return new ProviderError('server_error', message, { ...base, retryable: retryOverride ?? true });
    }
    return new ProviderError('invalid_request', message, { ...base, retryable: retryOverride ?? false });
  }

  /**
   * `retry-after-ms` first (sub-second precision), then `retry-after` as seconds or an HTTP date, like
   * openai-node. The raw value is returned (never negative); capping it is the retry policy's business.
   */
  static retryAfterMs(headers: IncomingHttpHeaders, nowMs = Date.now()): number | undefined {
    const ms = HttpErrorClassifier.header(headers, 'retry-after-ms');
    if (ms !== undefined && ms.trim() !== '') {
      const value = Number(ms);
      if (Number.isFinite(value) && value >= 0) return value;
    }
    const after = HttpErrorClassifier.header(headers, 'retry-after');
    if (after === undefined || after.trim() === '') return undefined;
    const seconds = Number(after);
    if (Number.isFinite(seconds)) return seconds >= 0 ? seconds * 1000 : undefined;
    const date = Date.parse(after);
    if (Number.isNaN(date)) return undefined;
    return Math.max(0, date - nowMs);
  }

  private static header(headers: IncomingHttpHeaders, name: string): string | undefined {
    const value = headers[name];
    return Array.isArray(value) ? value[0] : value;
  }

  private static parseEnvelope(bodyText: string): ErrorEnvelope {
    let parsed: unknown;
    try {
      parsed = JSON.parse(bodyText);
    } catch {
      return {};
    }
    if (!isRecord(parsed)) return {};
    const error = parsed.error;
    // Ollama and some gateways send `{"error":"text"}` instead of the OpenAI object.
    if (typeof error === 'string') return { message: error.slice(0, MAX_MESSAGE_CHARS) };
    const source = isRecord(error) ? error : parsed;
    return {
      ...(typeof source.message === 'string' ? { message: source.message.slice(0, MAX_MESSAGE_CHARS) } : {}),
      ...(typeof source.type === 'string' ? { type: source.type } : {}),
      ...(typeof source.code === 'string' ? { code: source.code } : {}),
    };
  }
}
