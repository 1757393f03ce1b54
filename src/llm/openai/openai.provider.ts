/**
 * OpenAI answer engine: the Responses API (`POST {baseUrl}/responses`) when `parameters.api === 'responses'`,
 * Chat Completions otherwise (docs/wire-formats.md, "OpenAI Responses" and "OpenAI Chat Completions").
 *
 * Why no `openai` SDK: the SDK hands events out through an async iterator over fetch, so the only time we
 * could take is when our loop got round to pulling an event, which smears arrival times by the consumer's
 * latency (parser, live detection, database writes). The raw node:http `StreamingHttpClient` stamps every
 * socket read inside its `data` listener, and each part parsed from a read carries that read's time. It also
 * gives us the egress `lookup` hook and never follows redirects.
 */
import type { LookupFunction } from 'node:net';
import { HttpErrorClassifier } from '../http/http-error-classifier';
import { StreamingHttpClient, type HttpTransport } from '../http/streaming-http-client';
import type { LlmProvider, LlmRequest, LlmStreamContext } from '../llm-provider';
import { OpenAiCompatibleProvider } from '../openai-compatible/openai-compatible.provider';
import { ProviderError } from '../provider-error';
import { SseDecoder, type SseEvent } from '../sse-decoder';
import type { StreamPart } from '../stream-part';
import { OpenAiResponsesEventParser, type ResponsesEventResult } from './openai-responses-event-parser';

export const OPENAI_DEFAULT_BASE_URL = 'https://api.openai.com/v1';

export interface OpenAiProviderOptions {
  /** Used when the request has no `baseUrl`; the API root including the version. */
  defaultBaseUrl?: string;
  /** DNS hook where egress rules are enforced (see StreamingHttpClientOptions). */
  lookup?: LookupFunction;
  /** No bytes for this long: `stalled`. */
  idleTimeoutMs?: number;
  /** Whole exchange: `deadline_exceeded`. */
  deadlineMs?: number;
  /** Where the HTTP exchange runs (see StreamingHttpClientOptions.transport). */
  transport?: HttpTransport;
}

/**
 * Completion contract for the Responses API: there is no `data: [DONE]`; only `response.completed` or
 * `response.incomplete` (a capped or filtered answer, still a valid observation) ends a stream successfully.
 * `response.failed` and `error` events throw `stream_error`; a body that ends before a terminal event throws
 * `truncated` (retryable), never a silent success with a missing tail.
 *
 * In-band error retryability: transient codes (`server_error`, `rate_limit_exceeded`,
 * `server_is_overloaded`, ...) are retryable, unless the message says the request itself is too large
 * (OpenAI reports that under `rate_limit_exceeded` too); unknown codes are not.
 *
 * Chat mode is delegated to `OpenAiCompatibleProvider` (same HTTP options, OpenAI base URL by default).
 */
export class OpenAiProvider implements LlmProvider {
  private readonly http: StreamingHttpClient;
  private readonly chat: OpenAiCompatibleProvider;
  private readonly defaultBaseUrl: string;

  constructor(options: OpenAiProviderOptions = {}) {
    const { defaultBaseUrl, ...rest } = options;
    this.defaultBaseUrl = defaultBaseUrl ?? OPENAI_DEFAULT_BASE_URL;
    const httpOptions = {
      ...(rest.lookup === undefined ? {} : { lookup: rest.lookup }),
      ...(rest.idleTimeoutMs === undefined ? {} : { idleTimeoutMs: rest.idleTimeoutMs }),
      ...(rest.deadlineMs === undefined ? {} : { deadlineMs: rest.deadlineMs }),
      ...(rest.transport === undefined ? {} : { transport: rest.transport }),
    };
    // OpenAI's non-2xx bodies are the JSON envelope the classifier reads (429 insufficient_quota → quota).
    this.http = new StreamingHttpClient({
      ...httpOptions,
      classifyError: (status, headers, body) => HttpErrorClassifier.classify(status, headers, body),
    });
    this.chat = new OpenAiCompatibleProvider({ ...httpOptions, defaultBaseUrl: this.defaultBaseUrl });
  }

  stream(req: LlmRequest, ctx: LlmStreamContext): AsyncGenerator<StreamPart, void, undefined> {
    return req.parameters.api === 'responses' ? this.streamResponses(req, ctx) : this.chat.stream(req, ctx);
  }

  private async *streamResponses(
    req: LlmRequest,
    ctx: LlmStreamContext,
  ): AsyncGenerator<StreamPart, void, undefined> {
    const url = responsesUrl(req.baseUrl ?? this.defaultBaseUrl);
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      accept: 'text/event-stream',
      'user-agent': 'streamrank',
    };
    if (req.apiKey !== undefined && req.apiKey !== '') headers.authorization = `Bearer ${req.apiKey}`;

    const decoder = new SseDecoder();
    const parser = new OpenAiResponsesEventParser();
    let lastReadUs: number | null = null;
    const body = JSON.stringify(responsesRequestBody(req));
    for await (const read of this.http.post({ url, headers, body }, ctx)) {
      if (read.type === 'response') {
        assertEventStream(read.headers['content-type']);
        yield { type: 'headers', atUs: read.atUs, status: read.status };
        continue;
      }
      lastReadUs = read.atUs;
      // Every part decoded from this read carries the read's arrival time.
      for (const event of decoder.push(read.bytes)) {
        const result = parseEvent(event, parser, read.atUs);
        yield* result.parts;
        // Leaving the loop destroys the request: nothing after the terminal event counts.
        if (result.terminal) return;
      }
    }

    // Events completed only by the end of the body were carried by the last read.
    const { events, incomplete } = decoder.end();
    const endUs = lastReadUs ?? ctx.clock.nowUs();
    for (const event of events) {
      const result = parseEvent(event, parser, endUs);
      yield* result.parts;
      if (result.terminal) return;
    }
    // A final event whose JSON is complete but whose blank line is missing: every byte of it arrived, so it
    // counts (a terminal one ends the stream successfully, an error one throws).
    if (incomplete !== null && isCompleteJson(incomplete.data)) {
      const result = parseEvent(incomplete, parser, endUs);
      yield* result.parts;
      if (result.terminal) return;
      throw truncated('stream ended without response.completed (last event unterminated)');
    }
    throw truncated(
      incomplete === null
        ? 'stream ended without response.completed'
        : 'stream ended mid-event without response.completed (partial event discarded)',
    );
  }
}

/** The Responses request body; exported for tests and for the request preview. */
export function responsesRequestBody(req: LlmRequest): Record<string, unknown> {
  const { temperature, maxTokens, systemPrompt, topP, webSearch, region } = req.parameters;
  const input: { role: string; content: string }[] = [];
  if (systemPrompt !== undefined && systemPrompt !== '')
    input.push({ role: 'system', content: systemPrompt });
  input.push({ role: 'user', content: req.prompt });
  const userLocation = region === undefined ? undefined : userLocationOf(region);
  return {
    model: req.model,
    input,
    stream: true,
    ...(maxTokens === undefined ? {} : { max_output_tokens: maxTokens }),
    ...(temperature === undefined ? {} : { temperature }),
    ...(topP === undefined ? {} : { top_p: topP }),
    ...(webSearch === true
      ? {
          tools: [
            { type: 'web_search', ...(userLocation === undefined ? {} : { user_location: userLocation }) },
          ],
        }
      : {}),
    ...req.extraBody,
  };
}

/**
 * `region` is free-form. A two-letter code (`us`, `DE`) or a locale (`en-GB`, `de_AT`) becomes the ISO
 * country the API expects; anything else is passed as the free-text `region` field.
 */
export function userLocationOf(region: string): Record<string, string> | undefined {
  const trimmed = region.trim();
  if (trimmed === '') return undefined;
  const country =
    /^([A-Za-z]{2})$/.exec(trimmed)?.[1] ?? /^[A-Za-z]{2,3}[-_]([A-Za-z]{2})$/.exec(trimmed)?.[1];
  return country === undefined
    ? { type: 'approximate', region: trimmed }
    : { type: 'approximate', country: country.toUpperCase() };
}

function responsesUrl(baseUrl: string): URL {
  try {
    return new URL(`${baseUrl.replace(/\/+$/, '')}/responses`);
  } catch {
    throw new ProviderError('invalid_request', 'base URL is not a valid URL', { retryable: false });
  }
}

function parseEvent(event: SseEvent, parser: OpenAiResponsesEventParser, atUs: number): ResponsesEventResult {
  if (event.data.trim() === '') return { parts: [], terminal: false };
  return parser.parse(event.event, parseJson(event.data), atUs);
}

function parseJson(data: string): unknown {
  try {
    return JSON.parse(data) as unknown;
  } catch (error) {
    throw new ProviderError('stream_error', 'malformed JSON in stream event', {
      retryable: false,
      cause: error,
    });
  }
}

function truncated(message: string): ProviderError {
  return new ProviderError('truncated', message, { retryable: true });
}

function isCompleteJson(data: string): boolean {
  try {
    JSON.parse(data);
    return true;
  } catch {
    return false;
  }
}

function assertEventStream(contentType: string | undefined): void {
  // A server that ignored `stream: true` answers with one JSON body: fail clearly instead of "truncated".
  if (contentType !== undefined && contentType.toLowerCase().startsWith('application/json')) {
    throw new ProviderError('invalid_request', 'server answered without streaming (application/json)', {
      retryable: false,
    });
  }
}
