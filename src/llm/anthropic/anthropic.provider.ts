import type { LookupFunction } from 'node:net';
import { isRecord } from '../json-record';
import type { LlmProvider, LlmRequest, LlmStreamContext } from '../llm-provider';
import type { SseEvent } from '../sse-decoder';
import type { StreamPart } from '../stream-part';
import {
  ENDED,
  endpointUrl,
  readParts,
  sseFraming,
  truncated,
  type WireReading,
} from '../http/part-read-loop';
import { StreamingHttpClient, type HttpTransport } from '../http/streaming-http-client';
import { classifyAnthropicHttpError } from './anthropic-error-classifier';
import { AnthropicEventParser } from './anthropic-event-parser';

/*
 * Anthropic Messages streaming without the official SDK, on purpose: the SDK reads the body through
 * fetch/for-await, so a part's time would be whenever our loop got round to pulling it. Raw node:http via
 * StreamingHttpClient stamps every read at the socket (`data` listener) before any parsing, gives us the
 * `lookup` egress hook, and never follows redirects (which could carry `x-api-key` elsewhere).
 */

export interface AnthropicProviderOptions {
  /** Where the HTTP exchange runs (see StreamingHttpClientOptions.transport). */
  transport?: HttpTransport;
  /** Used when the request has no `baseUrl`; includes the version segment. */
  defaultBaseUrl?: string;
  /** DNS hook where egress rules are enforced. */
  lookup?: LookupFunction;
  /** False: literal-IP hosts are checked against the egress rules too (see StreamingHttpClientOptions). */
  allowPrivate?: boolean;
  /** No bytes at all for this long: `stalled`. Pings count as bytes here (the transport is alive). */
  idleTimeoutMs?: number;
  /** Whole exchange, request to last byte: `deadline_exceeded`. */
  deadlineMs?: number;
}

export const ANTHROPIC_VERSION = '2023-06-01';
export const DEFAULT_ANTHROPIC_BASE_URL = 'https://api.anthropic.com/v1';
const DEFAULT_MAX_TOKENS = 1024;

/**
 * `POST {baseUrl}/messages` with `stream: true` (docs/wire-formats.md, Anthropic).
 *
 * Completion contract: only `message_stop` ends a stream successfully. A body that ends without it throws
 * `truncated` (retryable) even if `message_delta` with a stop reason already arrived: a close there is
 * indistinguishable from a proxy cutting the connection, and a partial stream counted as a success would
 * bias every score computed from it. An `event: error` after HTTP 200 throws (`overloaded` for
 * `overloaded_error`, otherwise `stream_error`); the parts before it have already been yielded.
 *
 * `ping` events yield no parts. Note for the pipeline: its content-idle timer must be driven by parts (or text
 * parts), never by raw bytes, or a stream that pings forever without content would look alive. The HTTP
 * client's own idle timer does see ping bytes, which is right for `stalled` (the connection is alive).
 */
export class AnthropicProvider implements LlmProvider {
  private readonly http: StreamingHttpClient;
  private readonly defaultBaseUrl: string;

  constructor(options: AnthropicProviderOptions = {}) {
    const { defaultBaseUrl, lookup, allowPrivate, idleTimeoutMs, deadlineMs, transport } = options;
    this.http = new StreamingHttpClient({
      ...(lookup === undefined ? {} : { lookup }),
      ...(allowPrivate === undefined ? {} : { allowPrivate }),
      ...(transport === undefined ? {} : { transport }),
      ...(idleTimeoutMs === undefined ? {} : { idleTimeoutMs }),
      ...(deadlineMs === undefined ? {} : { deadlineMs }),
      classifyError: (status, headers, body) => classifyAnthropicHttpError(status, headers, body),
    });
    this.defaultBaseUrl = defaultBaseUrl ?? DEFAULT_ANTHROPIC_BASE_URL;
  }

  stream(req: LlmRequest, ctx: LlmStreamContext): AsyncGenerator<StreamPart, void, undefined> {
    return readParts(this.http, ctx, () => this.reading(req));
  }

  private reading(req: LlmRequest): WireReading<SseEvent> {
    const url = endpointUrl(req.baseUrl ?? this.defaultBaseUrl, 'messages');
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      accept: 'text/event-stream',
      'anthropic-version': ANTHROPIC_VERSION,
      'user-agent': 'streamrank',
    };
    if (req.apiKey !== undefined && req.apiKey !== '') headers['x-api-key'] = req.apiKey;

    const parser = new AnthropicEventParser();
    return {
      request: { url, headers, body: JSON.stringify(anthropicRequestBody(req)) },
      ...sseFraming(),
      parse: (event, atUs) => parser.parse(event, atUs),
      // `message_stop` as the final bytes without its blank line: every byte of the answer and the
      // terminator itself arrived, so it counts (same leniency as `[DONE]` in the chat-completions adapter).
      finish: (incomplete) =>
        incomplete !== null && isMessageStop(incomplete.data)
          ? ENDED
          : truncated(
              incomplete === null
                ? 'stream ended without message_stop'
                : 'stream ended mid-event without message_stop (partial event discarded)',
            ),
      // Citations held for an unfinished text block are still data: keep them (span so far), then fail.
      flush: () => parser.flush(),
    };
  }
}

/** The Messages request body; exported for tests and cost estimation. `extraBody` is merged last and wins. */
export function anthropicRequestBody(req: LlmRequest): Record<string, unknown> {
  const { temperature, maxTokens, systemPrompt, webSearch, thinkingBudgetTokens } = req.parameters;
  const budget = thinkingBudgetTokens !== undefined && thinkingBudgetTokens > 0 ? thinkingBudgetTokens : 0;
  return {
    model: req.model,
    // The API requires max_tokens > budget_tokens; without an explicit cap, leave the default for the answer.
    max_tokens: maxTokens ?? (budget > 0 ? budget + DEFAULT_MAX_TOKENS : DEFAULT_MAX_TOKENS),
    stream: true,
    ...(systemPrompt === undefined || systemPrompt === '' ? {} : { system: systemPrompt }),
    messages: [{ role: 'user', content: req.prompt }],
    // Passed even with thinking on (where the API only accepts 1): a rejected request is visible, a silently
    // dropped sampling parameter is not.
    ...(temperature === undefined ? {} : { temperature }),
    ...(budget > 0 ? { thinking: { type: 'enabled', budget_tokens: budget } } : {}),
    ...(webSearch === true
      ? { tools: [{ type: 'web_search_20250305', name: 'web_search', max_uses: 5 }] }
      : {}),
    ...req.extraBody,
  };
}

function isMessageStop(data: string): boolean {
  try {
    const payload: unknown = JSON.parse(data);
    return isRecord(payload) && payload.type === 'message_stop';
  } catch {
    return false;
  }
}
