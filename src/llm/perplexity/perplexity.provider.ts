import type { LookupFunction } from 'node:net';
import {
  ENDED,
  TERMINAL,
  endpointUrl,
  parseEventJson,
  readParts,
  sseFraming,
  truncated,
  tryJson,
  type WireReading,
} from '../http/part-read-loop';
import { StreamingHttpClient, type HttpTransport } from '../http/streaming-http-client';
import { isRecord } from '../json-record';
import type { LlmProvider, LlmRequest, LlmStreamContext } from '../llm-provider';
import type { SseEvent } from '../sse-decoder';
import type { StreamPart } from '../stream-part';
import { PerplexityChunkParser } from './perplexity-chunk-parser';

export interface PerplexityProviderOptions {
  /** Where the HTTP exchange runs (see StreamingHttpClientOptions.transport). */
  transport?: HttpTransport;
  /** Used when the request has no `baseUrl`; defaults to `https://api.perplexity.ai`. */
  defaultBaseUrl?: string;
  /** DNS hook enforcing egress rules, passed to the HTTP client. */
  lookup?: LookupFunction;
  /** False: literal-IP hosts are checked against the egress rules too (see StreamingHttpClientOptions). */
  allowPrivate?: boolean;
  idleTimeoutMs?: number;
  deadlineMs?: number;
}

export const PERPLEXITY_DEFAULT_BASE_URL = 'https://api.perplexity.ai';

const DONE = '[DONE]';

/**
 * Perplexity Sonar streaming (`POST {baseUrl}/chat/completions`; docs/wire-formats.md, Perplexity):
 * OpenAI-style SSE with Python-spaced JSON, cumulative `citations`/`search_results`/`usage` in every chunk
 * (see PerplexityChunkParser).
 *
 * Completion contract: the stream ends successfully on `data: [DONE]` *or* on the chunk whose `object` is
 * `chat.completion.done`, whichever comes first (a 2025-11 recording has the done chunk and no `[DONE]`;
 * the official SDK stops on `[DONE]`). We stop reading at the first of the two, so a stream carrying both is
 * a success too. A body that ends with neither is `truncated` (retryable), even after a finish_reason, for
 * the same reason as in OpenAiCompatibleProvider: a close there cannot be told from a proxy cutting us off.
 * As there, a terminator that is the final bytes without its blank line is accepted: its bytes all arrived.
 *
 * Non-2xx responses go through the shared HttpErrorClassifier (Perplexity uses the OpenAI error envelope).
 */
export class PerplexityProvider implements LlmProvider {
  private readonly http: StreamingHttpClient;
  private readonly defaultBaseUrl: string;

  constructor(options: PerplexityProviderOptions = {}) {
    const { defaultBaseUrl, lookup, allowPrivate, idleTimeoutMs, deadlineMs, transport } = options;
    this.http = new StreamingHttpClient({
      ...(lookup === undefined ? {} : { lookup }),
      ...(allowPrivate === undefined ? {} : { allowPrivate }),
      ...(transport === undefined ? {} : { transport }),
      ...(idleTimeoutMs === undefined ? {} : { idleTimeoutMs }),
      ...(deadlineMs === undefined ? {} : { deadlineMs }),
    });
    this.defaultBaseUrl = defaultBaseUrl ?? PERPLEXITY_DEFAULT_BASE_URL;
  }

  stream(req: LlmRequest, ctx: LlmStreamContext): AsyncGenerator<StreamPart, void, undefined> {
    return readParts(this.http, ctx, () => this.reading(req));
  }

  private reading(req: LlmRequest): WireReading<SseEvent> {
    const url = endpointUrl(req.baseUrl ?? this.defaultBaseUrl, 'chat/completions');
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      accept: 'text/event-stream',
      'user-agent': 'streamrank',
    };
    if (req.apiKey !== undefined && req.apiKey !== '') headers.authorization = `Bearer ${req.apiKey}`;

    const parser = new PerplexityChunkParser();
    return {
      request: { url, headers, body: JSON.stringify(requestBody(req)) },
      ...sseFraming(),
      // Nothing after either terminator counts.
      parse: (event, atUs) => {
        if (event.data === DONE) return TERMINAL;
        const payload = decodeEvent(event);
        return { parts: parser.parse(payload, atUs), terminal: PerplexityChunkParser.isDoneChunk(payload) };
      },
      finish: (incomplete, endUs) => {
        if (incomplete !== null) {
          if (incomplete.data === DONE) return ENDED;
          // A complete done chunk missing only its blank line; anything else unparseable is a cut event.
          const payload = tryJson(incomplete.data);
          if (payload !== undefined && PerplexityChunkParser.isDoneChunk(payload)) {
            return { parts: parser.parse(payload, endUs), failure: null };
          }
        }
        return truncated(
          incomplete === null
            ? 'stream ended without data: [DONE] or a chat.completion.done chunk'
            : 'stream ended mid-event without data: [DONE] or a chat.completion.done chunk (partial event discarded)',
        );
      },
    };
  }
}

function requestBody(req: LlmRequest): Record<string, unknown> {
  const { temperature, maxTokens, systemPrompt, topP, region } = req.parameters;
  const messages: { role: string; content: string }[] = [];
  if (systemPrompt !== undefined && systemPrompt !== '') {
    messages.push({ role: 'system', content: systemPrompt });
  }
  messages.push({ role: 'user', content: req.prompt });
  return {
    model: req.model,
    messages,
    stream: true,
    ...(maxTokens === undefined ? {} : { max_tokens: maxTokens }),
    ...(temperature === undefined ? {} : { temperature }),
    ...(topP === undefined ? {} : { top_p: topP }),
    // Sonar always searches; the region only localises it. Perplexity expects an ISO 3166-1 alpha-2 code.
    ...(region === undefined || region === ''
      ? {}
      : { web_search_options: { user_location: { country: region } } }),
    ...req.extraBody,
  };
}

function decodeEvent(event: SseEvent): unknown {
  if (event.data.trim() === '') return {};
  const payload = parseEventJson(event.data);
  // The perplexity-node SDK throws on an SSE event named `error` whatever its payload.
  if (
    event.event === 'error' &&
    !(isRecord(payload) && payload.error !== undefined && payload.error !== null)
  ) {
    return { error: payload };
  }
  return payload;
}
