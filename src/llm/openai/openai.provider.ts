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
import {
  endpointUrl,
  parseEventJson,
  readParts,
  sseFraming,
  truncated,
  tryJson,
  type WireReading,
} from '../http/part-read-loop';
import { StreamingHttpClient, type HttpTransport } from '../http/streaming-http-client';
import type { LlmProvider, LlmRequest, LlmStreamContext } from '../llm-provider';
import { OpenAiCompatibleProvider } from '../openai-compatible/openai-compatible.provider';
import type { SseEvent } from '../sse-decoder';
import type { StreamPart } from '../stream-part';
import { OpenAiResponsesEventParser, type ResponsesEventResult } from './openai-responses-event-parser';

export const OPENAI_DEFAULT_BASE_URL = 'https://api.openai.com/v1';

export interface OpenAiProviderOptions {
  /** Used when the request has no `baseUrl`; the API root including the version. */
  defaultBaseUrl?: string;
  /** DNS hook where egress rules are enforced (see StreamingHttpClientOptions). */
  lookup?: LookupFunction;
  /** False: literal-IP hosts are checked against the egress rules too (see StreamingHttpClientOptions). */
  allowPrivate?: boolean;
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
      ...(rest.allowPrivate === undefined ? {} : { allowPrivate: rest.allowPrivate }),
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

  private streamResponses(
    req: LlmRequest,
    ctx: LlmStreamContext,
  ): AsyncGenerator<StreamPart, void, undefined> {
    return readParts(this.http, ctx, () => this.responsesReading(req));
  }

  private responsesReading(req: LlmRequest): WireReading<SseEvent> {
    const url = endpointUrl(req.baseUrl ?? this.defaultBaseUrl, 'responses');
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      accept: 'text/event-stream',
      'user-agent': 'streamrank',
    };
    if (req.apiKey !== undefined && req.apiKey !== '') headers.authorization = `Bearer ${req.apiKey}`;

    const parser = new OpenAiResponsesEventParser();
    const parse = (event: SseEvent, atUs: number): ResponsesEventResult =>
      event.data.trim() === ''
        ? { parts: [], terminal: false }
        : parser.parse(event.event, parseEventJson(event.data), atUs);
    return {
      request: { url, headers, body: JSON.stringify(responsesRequestBody(req)) },
      ...sseFraming(),
      parse,
      // Events completed only by the end of the body were carried by the last read.
      endAtLastRead: true,
      finish: (incomplete, endUs) => {
        if (incomplete === null) return truncated('stream ended without response.completed');
        if (tryJson(incomplete.data) === undefined) {
          return truncated('stream ended mid-event without response.completed (partial event discarded)');
        }
        // A final event whose JSON is complete but whose blank line is missing: every byte of it arrived, so
        // it counts (a terminal one ends the stream successfully, an error one throws).
        const { parts, terminal } = parse(incomplete, endUs);
        if (terminal) return { parts, failure: null };
        const { failure } = truncated('stream ended without response.completed (last event unterminated)');
        return { parts, failure };
      },
    };
  }
}

/** The Responses request body; exported for tests and for the request preview. */
export function responsesRequestBody(req: LlmRequest): Record<string, unknown> {
  const { temperature, maxTokens, systemPrompt, topP, webSearch, region } = req.parameters;
  const input: { role: string; content: string }[] = [];
  if (systemPrompt !== undefined && systemPrompt !== '') {
    input.push({ role: 'system', content: systemPrompt });
  }
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
