import { isRecord } from '../json-record';
import { citationDomain } from '../citation-domain';
import { ProviderError } from '../provider-error';
import type { CitationPart, StreamPart } from '../stream-part';

/** What one Responses stream event meant: the parts it carried, and whether it was the terminal event. */
export interface ResponsesEventResult {
  parts: StreamPart[];
  /** `response.completed` or `response.incomplete` arrived: the stream ended successfully. */
  terminal: boolean;
}

/**
 * Error codes worth another attempt: server faults and throttling. Anything else (invalid prompt, unknown
 * model, context too long, a made-up code) would fail the same way again.
 */
const TRANSIENT_CODES = new Set([
  'server_error',
  'internal_error',
  'internal_server_error',
  'rate_limit_exceeded',
  'rate_limit_error',
  'server_is_overloaded',
  'overloaded',
  'overloaded_error',
  'service_unavailable',
  'slow_down',
  'timeout',
]);

/**
 * OpenAI files "Request too large ... on tokens per min" under `rate_limit_exceeded` (the recorded
 * stream-rate-limited-1.json): the request itself exceeds the limit, so a retry can never succeed.
 */
const PERMANENT_MESSAGE = /request too large|maximum context length|context_length_exceeded|too many tokens/i;

/** `response.incomplete` reasons mapped onto the finish vocabulary the other adapters use. */
const INCOMPLETE_REASONS: Record<string, string> = {
  max_output_tokens: 'length',
  content_filter: 'content_filter',
};

const MAX_MESSAGE_CHARS = 500;

/**
 * Maps parsed OpenAI Responses API stream events (docs/wire-formats.md, "OpenAI Responses") to stream parts.
 *
 * Dispatches on the payload's `type` (the `event:` line repeats it), except that an SSE event named
 * `error` is an error whatever its payload, as in openai-node. Stateful only to emit `meta` once and
 * to remember a refusal, which turns the final finish reason into `refusal`. Unknown event types (tool
 * calls, web_search_call progress, output_item/content_part bookkeeping, `.done` events that repeat the
 * deltas) carry no new answer text and are ignored.
 */
export class OpenAiResponsesEventParser {
  private metaEmitted = false;
  private refused = false;

  parse(eventName: string, payload: unknown, atUs: number): ResponsesEventResult {
    if (!isRecord(payload)) {
      throw new ProviderError('stream_error', 'stream event is not a JSON object', { retryable: false });
    }
    const type = typeof payload.type === 'string' ? payload.type : eventName;
    if (eventName === 'error' || type === 'error') throw streamError(payload, 'in-stream error');

    const parts: StreamPart[] = [];
    const response = isRecord(payload.response) ? payload.response : undefined;
    if (!this.metaEmitted && response !== undefined) {
      // response.created normally; any later event carrying the response object if that one was lost.
      const model = typeof response.model === 'string' ? response.model : undefined;
      const id = typeof response.id === 'string' ? response.id : undefined;
      if (model !== undefined || id !== undefined) {
        this.metaEmitted = true;
        parts.push({
          type: 'meta',
          atUs,
          ...(model === undefined ? {} : { model }),
          ...(id === undefined ? {} : { responseId: id }),
        });
      }
    }

    switch (type) {
      case 'response.output_text.delta':
        pushText(parts, 'text', payload.delta, atUs);
        break;
      case 'response.refusal.delta':
        // What the reader sees instead of an answer, so it is answer text for measurement (as in chat mode).
        if (pushText(parts, 'text', payload.delta, atUs)) this.refused = true;
        break;
      case 'response.reasoning_text.delta':
      case 'response.reasoning_summary_text.delta':
        pushText(parts, 'reasoning', payload.delta, atUs);
        break;
      case 'response.output_text.annotation.added': {
        const citation = urlCitation(payload.annotation, atUs);
        if (citation !== undefined) parts.push(citation);
        break;
      }
      case 'response.completed':
        pushUsage(parts, response, atUs);
        parts.push({ type: 'finish', atUs, finishReason: this.refused ? 'refusal' : 'stop' });
        return { parts, terminal: true };
      case 'response.incomplete': {
        // A capped or filtered answer is still a valid observation of what the engine showed.
        const details = isRecord(response?.incomplete_details) ? response.incomplete_details : {};
        const reason = typeof details.reason === 'string' && details.reason !== '' ? details.reason : '';
        pushUsage(parts, response, atUs);
        parts.push({
          type: 'finish',
          atUs,
          finishReason: INCOMPLETE_REASONS[reason] ?? (reason || 'incomplete'),
        });
        return { parts, terminal: true };
      }
      case 'response.failed':
        throw streamError(isRecord(response?.error) ? response.error : {}, 'response failed');
      default:
        break;
    }
    return { parts, terminal: false };
  }
}

/** Empty deltas are dropped: they must never count as the first token. */
function pushText(parts: StreamPart[], type: 'text' | 'reasoning', delta: unknown, atUs: number): boolean {
  if (typeof delta !== 'string' || delta === '') return false;
  parts.push({ type, atUs, text: delta });
  return true;
}

function pushUsage(parts: StreamPart[], response: Record<string, unknown> | undefined, atUs: number): void {
  const usage = response?.usage;
  if (!isRecord(usage)) return;
  const input = usage.input_tokens;
  const output = usage.output_tokens;
  parts.push({
    type: 'usage',
    atUs,
    ...(typeof input === 'number' ? { inputTokens: input } : {}),
    ...(typeof output === 'number' ? { outputTokens: output } : {}),
  });
}

/**
 * The Responses API annotation is flat: `{type:'url_citation', url, title, start_index, end_index}`.
 * The indices are documented as "character" offsets into the message text; on the recorded web-search
 * stream they slice exactly the cited markdown link out of the JS string, so they are used as UTF-16 offsets.
 */
function urlCitation(annotation: unknown, atUs: number): CitationPart | undefined {
  if (!isRecord(annotation) || annotation.type !== 'url_citation') return undefined;
  const { url, title, start_index: start, end_index: end } = annotation;
  if (typeof url !== 'string' || url === '') return undefined;
  const domain = citationDomain(url);
  return {
    type: 'citation',
    atUs,
    url,
    ...(typeof title === 'string' && title !== '' ? { title } : {}),
    ...(domain === undefined ? {} : { domain }),
    ...(isIndex(start) && isIndex(end) && end >= start ? { startIndex: start, endIndex: end } : {}),
  };
}

function isIndex(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}

/** Reads both the flat `{type:'error',code,message}` and the nested `{error:{code,message}}` shapes. */
function streamError(payload: Record<string, unknown>, label: string): ProviderError {
  const source = isRecord(payload.error) ? payload.error : payload;
  const code =
    typeof source.code === 'string' && source.code !== ''
      ? source.code
      : typeof source.type === 'string' && source.type !== 'error'
        ? source.type
        : '';
  const message =
    typeof source.message === 'string' && source.message !== '' ? source.message : 'unknown error';
  const retryable = TRANSIENT_CODES.has(code) && !PERMANENT_MESSAGE.test(message);
  return new ProviderError(
    'stream_error',
    `${label}${code === '' ? '' : ` (${code})`}: ${message.slice(0, MAX_MESSAGE_CHARS)}`,
    { retryable },
  );
}
