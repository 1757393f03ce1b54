import { isRecord } from '../json-record';
import type { LlmProvider, LlmRequest, LlmStreamContext } from '../llm-provider';
import { ProviderError } from '../provider-error';
import { type SseEvent, SseDecoder } from '../sse-decoder';
import type { StreamPart } from '../stream-part';
import { StreamingHttpClient, type StreamingHttpClientOptions } from '../http/streaming-http-client';
import { OpenAiChatChunkParser } from './openai-chat-chunk-parser';

export interface OpenAiCompatibleProviderOptions extends StreamingHttpClientOptions {
  /** Used when the request has no `baseUrl`. */
  defaultBaseUrl?: string;
}

const DONE = '[DONE]';

/**
 * Chat Completions streaming (`POST {baseUrl}/chat/completions`) for OpenAI and every server that copies
 * it: Groq, DeepSeek, Mistral, OpenRouter, Ollama /v1, vLLM, llama.cpp, and the built-in demo engine
 * (docs/wire-formats.md, "OpenAI Chat Completions" and "OpenAI-compatible servers").
 *
 * Completion contract: only `data: [DONE]` ends a stream successfully. A body that ends without it throws
 * `truncated`, *even if a finish_reason already arrived*. Some gateways send finish_reason and then close,
 * and we might lose only the usage chunk there; but a close at that point is indistinguishable from a proxy
 * cutting the connection, and a partial stream counted as a success would silently bias every score
 * computed from it. We follow the wire contract strictly and let the run fail visibly (partial text kept).
 *
 * One leniency: `data: [DONE]` as the final bytes *without* its blank line is accepted. All answer bytes
 * and the terminator itself arrived; two recorded real streams (groq, mistral) end exactly like that.
 */
export class OpenAiCompatibleProvider implements LlmProvider {
  private readonly http: StreamingHttpClient;
  private readonly defaultBaseUrl: string;

  constructor(options: OpenAiCompatibleProviderOptions = {}) {
    const { defaultBaseUrl, ...httpOptions } = options;
    this.http = new StreamingHttpClient(httpOptions);
    this.defaultBaseUrl = defaultBaseUrl ?? 'https://api.openai.com/v1';
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
    const parser = new OpenAiChatChunkParser();
    for await (const read of this.http.post({ url, headers, body: JSON.stringify(requestBody(req)) }, ctx)) {
      if (read.type === 'response') {
        assertEventStream(read.headers['content-type']);
        yield { type: 'headers', atUs: read.atUs, status: read.status };
        continue;
      }
      // Every part decoded from this read carries the read's arrival time.
      for (const event of decoder.push(read.bytes)) {
        if (event.data === DONE) return; // leaving the loop destroys the request: nothing after [DONE] counts
        yield* parseEvent(event, parser, read.atUs);
      }
    }

    const { events, incomplete } = decoder.end();
    const endUs = ctx.clock.nowUs();
    for (const event of events) {
      if (event.data === DONE) return;
      yield* parseEvent(event, parser, endUs);
    }
    if (incomplete?.data === DONE) return;
    throw new ProviderError(
      'truncated',
      incomplete === null
        ? 'stream ended without data: [DONE]'
        : 'stream ended mid-event without data: [DONE] (partial event discarded)',
      { retryable: true },
    );
  }
}

function chatCompletionsUrl(baseUrl: string): URL {
  let url: URL;
  try {
    url = new URL(`${baseUrl.replace(/\/+$/, '')}/chat/completions`);
  } catch {
    throw new ProviderError('invalid_request', 'base URL is not a valid URL', { retryable: false });
  }
  return url;
}

function requestBody(req: LlmRequest): Record<string, unknown> {
  const { temperature, maxTokens, systemPrompt, topP, seed } = req.parameters;
  const messages: { role: string; content: string }[] = [];
  if (systemPrompt !== undefined && systemPrompt !== '')
    messages.push({ role: 'system', content: systemPrompt });
  messages.push({ role: 'user', content: req.prompt });
  return {
    model: req.model,
    messages,
    stream: true,
    // Without it there is no usage at all in a stream; servers that do not know it ignore it.
    stream_options: { include_usage: true },
    ...(temperature === undefined ? {} : { temperature }),
    ...(maxTokens === undefined ? {} : { max_tokens: maxTokens }),
    ...(topP === undefined ? {} : { top_p: topP }),
    ...(seed === undefined ? {} : { seed }),
    ...req.extraBody,
  };
}

function parseEvent(event: SseEvent, parser: OpenAiChatChunkParser, atUs: number): StreamPart[] {
  if (event.data.trim() === '') return [];
  let payload: unknown;
  try {
    payload = JSON.parse(event.data);
  } catch (error) {
    throw new ProviderError('stream_error', 'malformed JSON in stream event', {
      retryable: false,
      cause: error,
    });
  }
  // openai-node treats an SSE event named `error` as an error whatever its payload.
  if (event.event === 'error' && !(isRecord(payload) && payload.error !== undefined)) {
    return parser.parse({ error: payload }, atUs);
  }
  return parser.parse(payload, atUs);
}

function assertEventStream(contentType: string | undefined): void {
  // A server that ignored `stream: true` answers with one JSON body: fail clearly instead of "truncated".
  if (contentType !== undefined && contentType.toLowerCase().startsWith('application/json')) {
    throw new ProviderError('invalid_request', 'server answered without streaming (application/json)', {
      retryable: false,
    });
  }
}
