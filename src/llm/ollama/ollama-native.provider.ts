import type { LookupFunction } from 'node:net';
import {
  ndjsonFraming,
  readParts,
  truncated,
  tryJson,
  type UnitParts,
  type WireReading,
} from '../http/part-read-loop';
import { StreamingHttpClient, type HttpTransport } from '../http/streaming-http-client';
import type { LlmProvider, LlmRequest, LlmStreamContext } from '../llm-provider';
import { ProviderError } from '../provider-error';
import type { StreamPart } from '../stream-part';
import { OllamaChatLineParser } from './ollama-chat-line-parser';

export interface OllamaNativeProviderOptions {
  /** Where the HTTP exchange runs (see StreamingHttpClientOptions.transport). */
  transport?: HttpTransport;
  /** Server root used when the request has no `baseUrl`; defaults to `http://127.0.0.1:11434`. */
  defaultBaseUrl?: string;
  /** DNS hook enforcing egress rules, passed to the HTTP client. */
  lookup?: LookupFunction;
  /** False: literal-IP hosts are checked against the egress rules too (see StreamingHttpClientOptions). */
  allowPrivate?: boolean;
  idleTimeoutMs?: number;
  deadlineMs?: number;
}

export const OLLAMA_DEFAULT_BASE_URL = 'http://127.0.0.1:11434';

/**
 * Ollama's native chat API (`POST {root}/api/chat`, NDJSON; docs/wire-formats.md), used when an engine sets
 * `parameters.ollamaNative`. Compared with Ollama's `/v1` endpoint it keeps `thinking` apart and reports exact
 * token counts on every stream.
 *
 * Base URL: the server root (`http://host:11434`). Engines configured for the OpenAI-compatible endpoint
 * carry `http://host:11434/v1`, so a trailing `/v1` (or `/api`) is stripped: the same engine URL works for
 * both wire formats.
 *
 * Request: `think` is `true` when `thinkingBudgetTokens` is set (Ollama has no budget, only on/off) and
 * `false` otherwise, so the answer never carries inline `<think>` text and runs are reproducible whatever the
 * server's default; `extraBody` can override it (e.g. `think: "high"` for gpt-oss, which cannot turn it off).
 * `maxTokens` is `options.num_predict`.
 *
 * Completion contract: only the `"done": true` object ends a stream successfully (also when it is the final
 * bytes without its newline). A body ending without it is `truncated` (retryable); an `{"error": ...}` line is
 * `stream_error`. Non-2xx responses (`{"error":"..."}` bodies) go through the shared HttpErrorClassifier.
 */
export class OllamaNativeProvider implements LlmProvider {
  private readonly http: StreamingHttpClient;
  private readonly defaultBaseUrl: string;

  constructor(options: OllamaNativeProviderOptions = {}) {
    const { defaultBaseUrl, lookup, allowPrivate, idleTimeoutMs, deadlineMs, transport } = options;
    this.http = new StreamingHttpClient({
      ...(lookup === undefined ? {} : { lookup }),
      ...(allowPrivate === undefined ? {} : { allowPrivate }),
      ...(transport === undefined ? {} : { transport }),
      ...(idleTimeoutMs === undefined ? {} : { idleTimeoutMs }),
      ...(deadlineMs === undefined ? {} : { deadlineMs }),
    });
    this.defaultBaseUrl = defaultBaseUrl ?? OLLAMA_DEFAULT_BASE_URL;
  }

  stream(req: LlmRequest, ctx: LlmStreamContext): AsyncGenerator<StreamPart, void, undefined> {
    return readParts(this.http, ctx, () => this.reading(req));
  }

  private reading(req: LlmRequest): WireReading<string> {
    const url = ollamaChatUrl(req.baseUrl ?? this.defaultBaseUrl);
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      accept: 'application/x-ndjson',
      'user-agent': 'streamrank',
    };
    // Ollama itself has no auth, but it is often put behind a proxy that checks a bearer token.
    if (req.apiKey !== undefined && req.apiKey !== '') headers.authorization = `Bearer ${req.apiKey}`;

    const parser = new OllamaChatLineParser();
    const parse = (line: string, atUs: number): UnitParts => {
      const { parts, done } = parser.parse(line, atUs);
      return { parts, terminal: done };
    };
    return {
      request: { url, headers, body: JSON.stringify(requestBody(req)) },
      ...ndjsonFraming(),
      parse,
      finish: (incomplete, endUs) => {
        // The last object arrived whole, only its newline is missing: parse it like any other line.
        const last =
          incomplete !== null && tryJson(incomplete) !== undefined ? parse(incomplete, endUs) : null;
        if (last?.terminal === true) return { parts: last.parts, failure: null };
        const { failure } = truncated(
          incomplete === null
            ? 'stream ended without a "done": true object'
            : 'stream ended mid-line without a "done": true object (partial line discarded)',
        );
        return { parts: last?.parts ?? [], failure };
      },
    };
  }
}

/** `{root}/api/chat`, the root being the configured URL minus a trailing `/v1` or `/api`. */
export function ollamaChatUrl(baseUrl: string): URL {
  const root = baseUrl.replace(/\/+$/, '').replace(/\/(v1|api)$/, '');
  try {
    return new URL(`${root}/api/chat`);
  } catch {
    throw new ProviderError('invalid_request', 'base URL is not a valid URL', { retryable: false });
  }
}

function requestBody(req: LlmRequest): Record<string, unknown> {
  const { temperature, maxTokens, systemPrompt, topP, seed, thinkingBudgetTokens } = req.parameters;
  const messages: { role: string; content: string }[] = [];
  if (systemPrompt !== undefined && systemPrompt !== '') {
    messages.push({ role: 'system', content: systemPrompt });
  }
  messages.push({ role: 'user', content: req.prompt });
  const options = {
    ...(temperature === undefined ? {} : { temperature }),
    ...(maxTokens === undefined ? {} : { num_predict: maxTokens }),
    ...(topP === undefined ? {} : { top_p: topP }),
    ...(seed === undefined ? {} : { seed }),
  };
  return {
    model: req.model,
    messages,
    stream: true,
    think: thinkingBudgetTokens !== undefined && thinkingBudgetTokens > 0,
    ...(Object.keys(options).length === 0 ? {} : { options }),
    ...req.extraBody,
  };
}
