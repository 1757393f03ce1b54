import type { LookupFunction } from 'node:net';
import { StreamingHttpClient, type HttpTransport } from '../http/streaming-http-client';
import { isRecord } from '../json-record';
import type { LlmProvider, LlmRequest, LlmStreamContext } from '../llm-provider';
import { ProviderError } from '../provider-error';
import { type SseEvent, SseDecoder } from '../sse-decoder';
import type { StreamPart } from '../stream-part';
import { PerplexityChunkParser } from './perplexity-chunk-parser';

export interface PerplexityProviderOptions {
  /** Where the HTTP exchange runs (see StreamingHttpClientOptions.transport). */
  transport?: HttpTransport;
  /** Used when the request has no `baseUrl`; defaults to `https://api.perplexity.ai`. */
  defaultBaseUrl?: string;
  /** DNS hook enforcing egress rules, passed to the HTTP client. */
  lookup?: LookupFunction;
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
    const { defaultBaseUrl, lookup, idleTimeoutMs, deadlineMs, transport } = options;
    this.http = new StreamingHttpClient({
      ...(lookup === undefined ? {} : { lookup }),
      ...(transport === undefined ? {} : { transport }),
      ...(idleTimeoutMs === undefined ? {} : { idleTimeoutMs }),
      ...(deadlineMs === undefined ? {} : { deadlineMs }),
    });
    this.defaultBaseUrl = defaultBaseUrl ?? PERPLEXITY_DEFAULT_BASE_URL;
  }

  async *stream(req: LlmRequest, ctx: LlmStreamContext): AsyncGenerator<StreamPart, void, undefined> {
    const url = chatCompletionsUrl(req.baseUrl ?? this.defaultBaseUrl);
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      accept: 'text/event-stream',
      'user-agent': 'streamrank',
    };
    if (req.apiKey !== undefined && req.apiKey !== '') headers.authorization = `Bearer ${req.apiKey}`;

    const decoder = new SseDecoder();
    const parser = new PerplexityChunkParser();
    for await (const read of this.http.post({ url, headers, body: JSON.stringify(requestBody(req)) }, ctx)) {
      if (read.type === 'response') {
        assertEventStream(read.headers['content-type']);
        yield { type: 'headers', atUs: read.atUs, status: read.status };
        continue;
      }
      // Every part decoded from this read carries the read's arrival time.
      for (const event of decoder.push(read.bytes)) {
        if (event.data === DONE) return; // leaving the loop destroys the request: nothing after it counts
        const payload = decodeEvent(event);
        yield* parser.parse(payload, read.atUs);
        if (PerplexityChunkParser.isDoneChunk(payload)) return;
      }
    }

    const { events, incomplete } = decoder.end();
    const endUs = ctx.clock.nowUs();
    for (const event of events) {
      if (event.data === DONE) return;
      const payload = decodeEvent(event);
      yield* parser.parse(payload, endUs);
      if (PerplexityChunkParser.isDoneChunk(payload)) return;
    }
    if (incomplete !== null) {
      if (incomplete.data === DONE) return;
      // A complete done chunk missing only its blank line; anything else unparseable is a cut event.
      const payload = tryParse(incomplete.data);
      if (payload !== undefined && PerplexityChunkParser.isDoneChunk(payload)) {
        yield* parser.parse(payload, endUs);
        return;
      }
    }
    throw new ProviderError(
      'truncated',
      incomplete === null
        ? 'stream ended without data: [DONE] or a chat.completion.done chunk'
        : 'stream ended mid-event without data: [DONE] or a chat.completion.done chunk (partial event discarded)',
      { retryable: true },
    );
  }
}

function chatCompletionsUrl(baseUrl: string): URL {
  try {
    return new URL(`${baseUrl.replace(/\/+$/, '')}/chat/completions`);
  } catch {
    throw new ProviderError('invalid_request', 'base URL is not a valid URL', { retryable: false });
  }
}

function requestBody(req: LlmRequest): Record<string, unknown> {
  const { temperature, maxTokens, systemPrompt, topP, region } = req.parameters;
  const messages: { role: string; content: string }[] = [];
  if (systemPrompt !== undefined && systemPrompt !== '')
    messages.push({ role: 'system', content: systemPrompt });
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

function tryParse(data: string): unknown {
  try {
    return JSON.parse(data) as unknown;
  } catch {
    return undefined;
  }
}

function decodeEvent(event: SseEvent): unknown {
  if (event.data.trim() === '') return {};
  let payload: unknown;
  try {
    payload = JSON.parse(event.data);
  } catch (error) {
    throw new ProviderError('stream_error', 'malformed JSON in stream event', {
      retryable: false,
      cause: error,
    });
  }
  // The perplexity-node SDK throws on an SSE event named `error` whatever its payload.
  if (
    event.event === 'error' &&
    !(isRecord(payload) && payload.error !== undefined && payload.error !== null)
  ) {
    return { error: payload };
  }
  return payload;
}

function assertEventStream(contentType: string | undefined): void {
  // A server that ignored `stream: true` answers with one JSON body: fail clearly instead of "truncated".
  if (contentType !== undefined && contentType.toLowerCase().startsWith('application/json')) {
    throw new ProviderError('invalid_request', 'server answered without streaming (application/json)', {
      retryable: false,
    });
  }
}
