import { isRecord } from '../json-record';
import type { LlmProvider, LlmRequest, LlmStreamContext } from '../llm-provider';
import type { SseEvent } from '../sse-decoder';
import type { StreamPart } from '../stream-part';
import {
  ENDED,
  TERMINAL,
  endpointUrl,
  parseEventJson,
  readParts,
  sseFraming,
  truncated,
  type WireReading,
} from '../http/part-read-loop';
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

    const parser = new OpenAiChatChunkParser();
    return {
      request: { url, headers, body: JSON.stringify(requestBody(req)) },
      ...sseFraming(),
      // Nothing after [DONE] counts.
      parse: (event, atUs) =>
        event.data === DONE ? TERMINAL : { parts: parseEvent(event, parser, atUs), terminal: false },
      finish: (incomplete) =>
        incomplete?.data === DONE
          ? ENDED
          : truncated(
              incomplete === null
                ? 'stream ended without data: [DONE]'
                : 'stream ended mid-event without data: [DONE] (partial event discarded)',
            ),
    };
  }
}

function requestBody(req: LlmRequest): Record<string, unknown> {
  const { temperature, maxTokens, systemPrompt, topP, seed } = req.parameters;
  const messages: { role: string; content: string }[] = [];
  if (systemPrompt !== undefined && systemPrompt !== '') {
    messages.push({ role: 'system', content: systemPrompt });
  }
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
  const payload = parseEventJson(event.data);
  // openai-node treats an SSE event named `error` as an error whatever its payload.
  if (event.event === 'error' && !(isRecord(payload) && payload.error !== undefined)) {
    return parser.parse({ error: payload }, atUs);
  }
  return parser.parse(payload, atUs);
}
