import type { IncomingHttpHeaders } from 'node:http';
import { HttpErrorClassifier } from '../http/http-error-classifier';
import { isRecord } from '../json-record';
import { ProviderError, type ProviderErrorCode } from '../provider-error';

const MAX_MESSAGE_CHARS = 500;

interface AnthropicErrorEnvelope {
  type?: string;
  message?: string;
  /** `error.details.error_code`, e.g. `enforced_spend_limit_reached` on a 429. */
  detailCode?: string;
  requestId?: string;
}

/**
 * Turns a non-2xx Anthropic response into a ProviderError (docs/wire-formats.md, Anthropic). The body is
 * `{"type":"error","error":{"type":...,"message":...},"request_id":"req_..."}`; `error.type` is trusted over
 * the status where they disagree (an `overloaded_error` behind a gateway that rewrote 529 to 503 is still an
 * overload). `x-should-retry` overrides our retry verdict, as in the SDK; `retry-after-ms` / `retry-after`
 * are read by the shared classifier's helper.
 */
export function classifyAnthropicHttpError(
  status: number,
  headers: IncomingHttpHeaders,
  bodyText: string,
  nowMs = Date.now(),
): ProviderError {
  if (status >= 300 && status < 400) return HttpErrorClassifier.classify(status, headers, bodyText, nowMs);

  const envelope = parseEnvelope(bodyText);
  const detail = envelope.message ?? (bodyText.trim().slice(0, MAX_MESSAGE_CHARS) || 'no error body');
  const message =
    `HTTP ${status}${envelope.type === undefined ? '' : ` ${envelope.type}`}: ${detail}` +
    (envelope.requestId === undefined ? '' : ` (request_id ${envelope.requestId})`);
  const shouldRetry = header(headers, 'x-should-retry');
  const retryOverride = shouldRetry === 'true' ? true : shouldRetry === 'false' ? false : undefined;
  const retryAfterMs = HttpErrorClassifier.retryAfterMs(headers, nowMs);
  const make = (code: ProviderErrorCode, retryable: boolean): ProviderError =>
    new ProviderError(code, message, {
      httpStatus: status,
      retryable: retryOverride ?? retryable,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    });
  const type = envelope.type;

  if (status === 529 || type === 'overloaded_error') return make('overloaded', true);
  if (status === 402 || type === 'billing_error') return make('quota_exhausted', false);
  if (status === 429 || type === 'rate_limit_error') {
    // A spend cap is not lifted by waiting (Microsoft Dev Proxy docs on Anthropic 429s).
    if (envelope.detailCode === 'enforced_spend_limit_reached') return make('quota_exhausted', false);
    return make('rate_limited', true);
  }
  if (status === 401 || status === 403 || type === 'authentication_error' || type === 'permission_error') {
    return make('auth_failed', false);
  }
  // An empty prepaid balance comes back as 400 invalid_request_error, not 402.
  if (status === 400 && /credit balance is too low/i.test(detail)) return make('quota_exhausted', false);
  // Timeouts and conflicts are transient; the SDK retries 408 and 409.
  if (status === 408 || status === 409 || status >= 500 || type === 'api_error' || type === 'timeout_error') {
    return make('server_error', true);
  }
  return make('invalid_request', false);
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function parseEnvelope(bodyText: string): AnthropicErrorEnvelope {
  let parsed: unknown;
  try {
    parsed = JSON.parse(bodyText);
  } catch {
    return {};
  }
  if (!isRecord(parsed)) return {};
  const error = isRecord(parsed.error) ? parsed.error : {};
  const details = isRecord(error.details) ? error.details : {};
  return {
    ...(typeof error.type === 'string' ? { type: error.type } : {}),
    ...(typeof error.message === 'string' ? { message: error.message.slice(0, MAX_MESSAGE_CHARS) } : {}),
    ...(typeof details.error_code === 'string' ? { detailCode: details.error_code } : {}),
    ...(typeof parsed.request_id === 'string' ? { requestId: parsed.request_id } : {}),
  };
}
