import { isRecord } from '../json-record';
import { citationDomain } from '../citation-domain';
import { ProviderError } from '../provider-error';
import type { SseEvent } from '../sse-decoder';
import type { CitationPart, StreamPart } from '../stream-part';

/** What one Messages stream event meant: the parts it carried, and whether it was the terminal event. */
export interface AnthropicEventResult {
  parts: StreamPart[];
  /** `message_stop` arrived: the stream ended successfully. */
  terminal: boolean;
}

/**
 * `stop_reason` mapped onto the finish vocabulary the other adapters use (`stop`, `length`, ...). Values not
 * listed (`tool_use`, future reasons) pass through verbatim.
 *
 * `pause_turn` means the server paused a long server-tool turn (web search) and expects the caller to send the
 * conversation back to continue it. We do not continue turns: what streamed so far is the answer the engine
 * gave, so it is recorded as `stop`. A measurement that needs to tell the two apart must look at the raw
 * stop reason, which we do not keep.
 */
const STOP_REASONS: Record<string, string> = {
  end_turn: 'stop',
  stop_sequence: 'stop',
  pause_turn: 'stop',
  max_tokens: 'length',
  model_context_window_exceeded: 'length',
  refusal: 'refusal',
};

/** In-band error types worth another attempt: server-side faults and throttling. */
const TRANSIENT_ERROR_TYPES = new Set(['api_error', 'overloaded_error', 'rate_limit_error', 'timeout_error']);

const MAX_MESSAGE_CHARS = 500;

interface OpenBlock {
  type: string;
  /** UTF-16 offset in the answer text where this block's text starts (text blocks only). */
  textStart: number;
  /** Citations seen in this block, emitted when the block's span is known (its `content_block_stop`). */
  citations: PendingCitation[];
}

interface PendingCitation {
  atUs: number;
  url: string;
  title?: string;
  domain?: string;
}

/**
 * Maps Anthropic Messages stream events (docs/wire-formats.md, Anthropic) to stream parts.
 *
 * Dispatch is on the payload's `type` (the SSE `event:` name duplicates it); unknown types are ignored, as
 * the SDK does. `ping` is a keep-alive and yields nothing at all, so nothing downstream (TTFT, the pipeline's
 * content-idle timer) can mistake it for content. `server_tool_use` / `web_search_tool_result` blocks and
 * `input_json_delta` / `signature_delta` carry no answer text and yield nothing.
 *
 * Citation spans. A `citations_delta` carries no offsets into the answer: its `cited_text` quotes the
 * *source* (the web-search recording paraphrases it: "A sunny start across the region" is answered as
 * "London is experiencing a sunny start across the region today"), so searching the answer for it fails.
 * What the API does say is which text block the citation belongs to: the cited span *is* that block.
 * So each citation's `startIndex`/`endIndex` are the UTF-16 offsets of its whole text block within the
 * concatenated answer text (all `text_delta`s of all text blocks, in order). The block's end is known only at
 * its `content_block_stop`, so citations are held until then and yielded there, still stamped with the
 * arrival time of their own `citations_delta`. If the stream fails mid-block, `flush()` yields them with the
 * span received so far. Citations without a URL (document `char_location`, `page_location`, ...) cannot be
 * a `CitationPart` and are dropped; a URL repeated within one block (several passages of one page) is
 * emitted once, since its span would be identical.
 */
export class AnthropicEventParser {
  private metaEmitted = false;
  /** UTF-16 length of the answer text so far. */
  private answerLength = 0;
  private readonly blocks = new Map<number, OpenBlock>();

  parse(event: SseEvent, atUs: number): AnthropicEventResult {
    const none: AnthropicEventResult = { parts: [], terminal: false };
    if (event.data.trim() === '') return none;
    let payload: unknown;
    try {
      payload = JSON.parse(event.data);
    } catch (error) {
      throw new ProviderError('stream_error', 'malformed JSON in stream event', {
        retryable: false,
        cause: error,
      });
    }
    if (!isRecord(payload)) {
      throw new ProviderError('stream_error', 'stream event is not a JSON object', { retryable: false });
    }
    const type = typeof payload.type === 'string' ? payload.type : event.event;

    switch (type) {
      case 'ping':
        return none;
      case 'error':
        throw inBandError(payload.error ?? payload);
      case 'message_start':
        return { parts: this.messageStart(payload.message, atUs), terminal: false };
      case 'content_block_start':
        return { parts: this.blockStart(payload, atUs), terminal: false };
      case 'content_block_delta':
        return { parts: this.blockDelta(payload, atUs), terminal: false };
      case 'content_block_stop':
        return { parts: this.blockStop(payload.index), terminal: false };
      case 'message_delta':
        return { parts: this.messageDelta(payload, atUs), terminal: false };
      case 'message_stop':
        // Blocks are always stopped before message_stop; flush defensively so no citation is lost.
        return { parts: this.flush(), terminal: true };
      default:
        return none;
    }
  }

  /** Citations still held for blocks that never stopped, with the span received so far. */
  flush(): CitationPart[] {
    const parts: CitationPart[] = [];
    for (const index of [...this.blocks.keys()]) parts.push(...this.blockStop(index));
    return parts;
  }

  private messageStart(message: unknown, atUs: number): StreamPart[] {
    if (!isRecord(message)) return [];
    const parts: StreamPart[] = [];
    if (!this.metaEmitted && (typeof message.model === 'string' || typeof message.id === 'string')) {
      this.metaEmitted = true;
      parts.push({
        type: 'meta',
        atUs,
        ...(typeof message.model === 'string' ? { model: message.model } : {}),
        ...(typeof message.id === 'string' ? { responseId: message.id } : {}),
      });
    }
    // message_start's output_tokens is a placeholder (1-5); only message_delta carries the real total.
    const input = isRecord(message.usage) ? message.usage.input_tokens : undefined;
    if (typeof input === 'number') parts.push({ type: 'usage', atUs, inputTokens: input });
    return parts;
  }

  private blockStart(payload: Record<string, unknown>, atUs: number): StreamPart[] {
    const index = payload.index;
    const block = payload.content_block;
    if (typeof index !== 'number' || !isRecord(block)) return [];
    const type = typeof block.type === 'string' ? block.type : '';
    const open: OpenBlock = { type, textStart: this.answerLength, citations: [] };
    this.blocks.set(index, open);
    const parts: StreamPart[] = [];
    // Start frames carry empty text in every recording; a non-empty one is still content, never lost.
    if (type === 'text') {
      if (Array.isArray(block.citations)) for (const c of block.citations) this.addCitation(open, c, atUs);
      parts.push(...this.text(block.text, atUs));
    } else if (type === 'thinking') {
      parts.push(...reasoning(block.thinking, atUs));
    }
    return parts;
  }

  private blockDelta(payload: Record<string, unknown>, atUs: number): StreamPart[] {
    const delta = payload.delta;
    if (!isRecord(delta)) return [];
    switch (delta.type) {
      case 'text_delta':
        return this.text(delta.text, atUs);
      case 'thinking_delta':
        return reasoning(delta.thinking, atUs);
      case 'citations_delta': {
        const index = typeof payload.index === 'number' ? payload.index : -1;
        let open = this.blocks.get(index);
        if (open === undefined) {
          // A delta for a block we never saw start: treat it as a text block starting here.
          open = { type: 'text', textStart: this.answerLength, citations: [] };
          this.blocks.set(index, open);
        }
        this.addCitation(open, delta.citation, atUs);
        return [];
      }
      default:
        // signature_delta, input_json_delta (server tool query), future delta types: no answer content.
        return [];
    }
  }

  private blockStop(index: unknown): CitationPart[] {
    if (typeof index !== 'number') return [];
    const open = this.blocks.get(index);
    if (open === undefined) return [];
    this.blocks.delete(index);
    return open.citations.map((citation) => ({
      type: 'citation',
      ...citation,
      startIndex: open.textStart,
      endIndex: this.answerLength,
    }));
  }

  private messageDelta(payload: Record<string, unknown>, atUs: number): StreamPart[] {
    const parts: StreamPart[] = [];
    const delta = isRecord(payload.delta) ? payload.delta : {};
    if (typeof delta.stop_reason === 'string' && delta.stop_reason !== '') {
      parts.push({
        type: 'finish',
        atUs,
        finishReason: STOP_REASONS[delta.stop_reason] ?? delta.stop_reason,
      });
    }
    if (isRecord(payload.usage)) {
      // Counts here are cumulative totals. With server tools, input_tokens is repeated here and includes the
      // search results fed back to the model, so it supersedes message_start's figure.
      const input = payload.usage.input_tokens;
      const output = payload.usage.output_tokens;
      if (typeof input === 'number' || typeof output === 'number') {
        parts.push({
          type: 'usage',
          atUs,
          ...(typeof input === 'number' ? { inputTokens: input } : {}),
          ...(typeof output === 'number' ? { outputTokens: output } : {}),
        });
      }
    }
    return parts;
  }

  private text(value: unknown, atUs: number): StreamPart[] {
    if (typeof value !== 'string' || value === '') return [];
    this.answerLength += value.length; // String length is UTF-16 code units, the offsets CitationPart uses.
    return [{ type: 'text', atUs, text: value }];
  }

  private addCitation(open: OpenBlock, citation: unknown, atUs: number): void {
    if (!isRecord(citation)) return;
    const url = citationUrl(citation);
    if (url === undefined) return;
    if (open.citations.some((known) => known.url === url)) return;
    const title = typeof citation.title === 'string' && citation.title !== '' ? citation.title : undefined;
    const domain = citationDomain(url);
    open.citations.push({
      atUs,
      url,
      ...(title === undefined ? {} : { title }),
      ...(domain === undefined ? {} : { domain }),
    });
  }
}

function reasoning(value: unknown, atUs: number): StreamPart[] {
  return typeof value === 'string' && value !== '' ? [{ type: 'reasoning', atUs, text: value }] : [];
}

/** `web_search_result_location` has `url`; `search_result_location` names its source in `source`. */
function citationUrl(citation: Record<string, unknown>): string | undefined {
  for (const candidate of [citation.url, citation.source]) {
    if (typeof candidate === 'string' && /^https?:\/\//i.test(candidate)) return candidate;
  }
  return undefined;
}

/** `event: error` after HTTP 200, e.g. `{"type":"error","error":{"type":"overloaded_error",...}}`. */
export function inBandError(error: unknown): ProviderError {
  const record = isRecord(error) ? error : {};
  const type = typeof record.type === 'string' ? record.type : '';
  const message = typeof record.message === 'string' ? record.message : 'unknown error';
  const text = `in-stream error${type === '' ? '' : ` (${type})`}: ${message.slice(0, MAX_MESSAGE_CHARS)}`;
  if (type === 'overloaded_error') return new ProviderError('overloaded', text, { retryable: true });
  return new ProviderError('stream_error', text, { retryable: TRANSIENT_ERROR_TYPES.has(type) });
}
