/**
 * Google Gemini adapter: `POST {baseUrl}/models/{model}:streamGenerateContent?alt=sse`
 * (docs/wire-formats.md, Gemini).
 *
 * No SDK on purpose: @google/genai reads the body through fetch, so a part's time would be whenever the
 * consumer got round to pulling it. We go through StreamingHttpClient (raw node:http), which stamps every
 * socket read on arrival, before any parsing, and gives us the egress `lookup` hook and no redirects.
 *
 * The API key travels in the `x-goog-api-key` header, never in `?key=`: URLs end up in logs and traces.
 */
import { isRecord } from '../json-record';
import type { LlmProvider, LlmRequest, LlmStreamContext } from '../llm-provider';
import { ProviderError } from '../provider-error';
import type { SseEvent } from '../sse-decoder';
import type { StreamPart } from '../stream-part';
import { readParts, sseFraming, truncated, tryJson, type WireReading } from '../http/part-read-loop';
import { StreamingHttpClient, type StreamingHttpClientOptions } from '../http/streaming-http-client';
import { GeminiChunkParser, geminiInBandError } from './gemini-chunk-parser';
import { GeminiErrorClassifier } from './gemini-error-classifier';

export const GEMINI_DEFAULT_BASE_URL = 'https://generativelanguage.googleapis.com/v1beta';

export interface GeminiProviderOptions {
  /** API root including the version; used when the request has no `baseUrl`. */
  defaultBaseUrl?: string;
  lookup?: StreamingHttpClientOptions['lookup'];
  allowPrivate?: StreamingHttpClientOptions['allowPrivate'];
  idleTimeoutMs?: number;
  deadlineMs?: number;
  transport?: StreamingHttpClientOptions['transport'];
}

/** Bytes kept, after the last complete SSE event, to recover a bare (unframed) JSON error body. */
const MAX_TAIL_BYTES = 64 * 1024;

/**
 * Completion contract. Gemini has no terminator event (no `[DONE]`): the stream is complete when
 * a chunk carried `candidates[0].finishReason` (or `promptFeedback.blockReason`, a blocked prompt) *and*
 * the body then ended cleanly. A body that ends before any finishReason throws `truncated` (retryable),
 * with the partial text already yielded. Framing is CRLF (`\r\n\r\n`), which SseDecoder handles.
 *
 * Leniencies, each with a reason:
 * - A final `data:` event without its blank line is accepted if it is complete JSON (committed recordings
 *   lose trailing newlines; js-genai also accepts it). Anything that does not parse is `truncated`.
 * - An in-stream error may arrive as an SSE event `data: {"error":…}` or, as js-genai expects, as a bare
 *   JSON object that is not SSE-framed at all; both become `stream_error` (UNAVAILABLE/INTERNAL retryable).
 */
export class GeminiProvider implements LlmProvider {
  private readonly http: StreamingHttpClient;
  private readonly defaultBaseUrl: string;

  constructor(options: GeminiProviderOptions = {}) {
    const { defaultBaseUrl, ...httpOptions } = options;
    this.http = new StreamingHttpClient({
      ...httpOptions,
      classifyError: (status, headers, body) => GeminiErrorClassifier.classify(status, headers, body),
    });
    this.defaultBaseUrl = defaultBaseUrl ?? GEMINI_DEFAULT_BASE_URL;
  }

  stream(req: LlmRequest, ctx: LlmStreamContext): AsyncGenerator<StreamPart, void, undefined> {
    return readParts(this.http, ctx, () => this.reading(req));
  }

  private reading(req: LlmRequest): WireReading<SseEvent> {
    const url = streamUrl(req.baseUrl ?? this.defaultBaseUrl, req.model);
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      accept: 'text/event-stream',
      'user-agent': 'streamrank',
    };
    if (req.apiKey !== undefined && req.apiKey !== '') headers['x-goog-api-key'] = req.apiKey;

    const framing = sseFraming();
    const parser = new GeminiChunkParser();
    let tail: Buffer[] = [];
    let tailBytes = 0;
    return {
      request: { url, headers, body: JSON.stringify(geminiRequestBody(req)) },
      notStreaming: 'server answered without SSE streaming (application/json)',
      push: (bytes) => {
        const events = framing.push(bytes);
        if (events.length > 0) {
          tail = [];
          tailBytes = 0;
        } else if (tailBytes < MAX_TAIL_BYTES) {
          tail.push(bytes);
          tailBytes += bytes.length;
        }
        return events;
      },
      end: framing.end,
      // No terminator event: a finishReason, then the end of the body (see finish).
      parse: (event, atUs) => ({ parts: parseEvent(event, parser, atUs), terminal: false }),
      finish: (incomplete, endUs) => {
        let parts: StreamPart[] = [];
        if (incomplete !== null) {
          const payload = tryJson(incomplete.data);
          if (payload === undefined) return truncated('stream ended mid-event (partial chunk discarded)');
          parts = parser.parse(payload, endUs);
        }
        if (parser.complete) return { parts, failure: null };
        const bare = bareError(Buffer.concat(tail).toString('utf8'));
        if (bare !== undefined) return { parts, failure: geminiInBandError(bare) };
        const { failure } = truncated('stream ended before any chunk carried a finishReason');
        return { parts, failure };
      },
    };
  }
}

/** `{base}/models/{model}:streamGenerateContent?alt=sse`; `models/` prefixes on the model id are accepted. */
export function streamUrl(baseUrl: string, model: string): URL {
  const id = model.replace(/^models\//, '');
  if (id === '') throw new ProviderError('invalid_request', 'model is empty', { retryable: false });
  try {
    // The model id is one path segment: encoding stops `../` or `?` in it from reshaping the URL.
    return new URL(
      `${baseUrl.replace(/\/+$/, '')}/models/${encodeURIComponent(id)}:streamGenerateContent?alt=sse`,
    );
  } catch {
    throw new ProviderError('invalid_request', 'base URL is not a valid URL', { retryable: false });
  }
}

/**
 * The GenerateContentRequest. Notes:
 * - `thinkingConfig` is sent only when a thinking budget is set (some models reject it); `includeThoughts`
 *   makes thought summaries stream as `thought: true` parts, which become `reasoning`, never answer text.
 *   A budget of 0 turns thinking off, so it asks for no thoughts.
 * - `region` has no Gemini API equivalent and is not sent.
 * - `extraBody` is merged last, shallowly, except that a `generationConfig` object in it is merged into ours.
 */
export function geminiRequestBody(req: LlmRequest): Record<string, unknown> {
  const { temperature, maxTokens, systemPrompt, topP, seed, webSearch, thinkingBudgetTokens } =
    req.parameters;
  const generationConfig: Record<string, unknown> = {
    ...(temperature === undefined ? {} : { temperature }),
    ...(maxTokens === undefined ? {} : { maxOutputTokens: maxTokens }),
    ...(topP === undefined ? {} : { topP }),
    ...(seed === undefined ? {} : { seed }),
    ...(thinkingBudgetTokens === undefined
      ? {}
      : {
          thinkingConfig: {
            includeThoughts: thinkingBudgetTokens !== 0,
            thinkingBudget: thinkingBudgetTokens,
          },
        }),
  };
  const { generationConfig: extraGeneration, ...extra } = req.extraBody ?? {};
  return {
    contents: [{ role: 'user', parts: [{ text: req.prompt }] }],
    ...(systemPrompt === undefined || systemPrompt === ''
      ? {}
      : { systemInstruction: { parts: [{ text: systemPrompt }] } }),
    generationConfig: isRecord(extraGeneration)
      ? { ...generationConfig, ...extraGeneration }
      : (extraGeneration ?? generationConfig),
    ...(webSearch === true ? { tools: [{ google_search: {} }] } : {}),
    ...extra,
  };
}

function parseEvent(event: SseEvent, parser: GeminiChunkParser, atUs: number): StreamPart[] {
  if (event.data.trim() === '') return [];
  const payload = tryJson(event.data);
  if (payload === undefined) {
    throw new ProviderError('stream_error', 'malformed JSON in stream event', { retryable: false });
  }
  return parser.parse(payload, atUs);
}

/** A bare `{"error":{…}}` (or `[{"error":…}]`) body after a 200, outside SSE framing. */
function bareError(text: string): unknown {
  const start = text.search(/[[{]/);
  if (start === -1) return undefined;
  let payload = tryJson(text.slice(start).trim());
  if (Array.isArray(payload)) payload = payload[0];
  return isRecord(payload) && isRecord(payload.error) ? payload.error : undefined;
}
