import { readFileSync } from 'node:fs';
import path from 'node:path';
import { RECORDED_STREAMS_DIR } from './openai-sse-script';

/** Script builders for FakeOpenAiServer speaking Anthropic Messages streaming (docs/wire-formats.md). */

export const ANTHROPIC_MESSAGES_PATH = '/v1/messages';

/** `event: <type>\ndata: <json>\n\n`, the event name duplicating the payload's `type`. */
export function anthropicEvent(payload: { type: string } & Record<string, unknown>): string {
  return `event: ${payload.type}\ndata: ${JSON.stringify(payload)}\n\n`;
}

export const PING = 'event: ping\ndata: {"type": "ping"}\n\n';

export function messageStart(options: { model?: string; id?: string; inputTokens?: number } = {}): string {
  return anthropicEvent({
    type: 'message_start',
    message: {
      id: options.id ?? 'msg_fake',
      type: 'message',
      role: 'assistant',
      content: [],
      model: options.model ?? 'claude-fake',
      stop_reason: null,
      stop_sequence: null,
      usage: { input_tokens: options.inputTokens ?? 11, output_tokens: 1 },
    },
  });
}

export function textBlockStart(index: number): string {
  return anthropicEvent({ type: 'content_block_start', index, content_block: { type: 'text', text: '' } });
}

export function textDelta(index: number, text: string): string {
  return anthropicEvent({ type: 'content_block_delta', index, delta: { type: 'text_delta', text } });
}

export function blockStop(index: number): string {
  return anthropicEvent({ type: 'content_block_stop', index });
}

export function messageDelta(stopReason: string, outputTokens: number): string {
  return anthropicEvent({
    type: 'message_delta',
    delta: { stop_reason: stopReason, stop_sequence: null },
    usage: { output_tokens: outputTokens },
  });
}

export const MESSAGE_STOP = anthropicEvent({ type: 'message_stop' });

export interface AnthropicEventsOptions {
  stopReason?: string;
  /** Append `message_stop` (default true). */
  stop?: boolean;
}

/** A whole single-text-block stream: start, block start, one delta per text, stop, delta, `message_stop`. */
export function anthropicTextEvents(
  texts: readonly string[],
  options: AnthropicEventsOptions = {},
): string[] {
  const events = [
    messageStart(),
    textBlockStart(0),
    ...texts.map((text) => textDelta(0, text)),
    blockStop(0),
  ];
  events.push(messageDelta(options.stopReason ?? 'end_turn', texts.length));
  if (options.stop ?? true) events.push(MESSAGE_STOP);
  return events;
}

export interface RecordedAnthropicStream {
  text: string;
  reasoning: string;
  /** Non-empty `text_delta` events. */
  textDeltas: number;
  thinkingDeltas: number;
  pings: number;
  /** Text of each text block that carried a `citations_delta` with a URL, by block index. */
  citedBlocks: { url: string; title: string; blockText: string }[];
}

/**
 * What a recorded Anthropic stream should produce, read line by line independently of SseDecoder and of the
 * adapter's parser.
 */
export function recordedAnthropicStream(file: string): RecordedAnthropicStream {
  const raw = readFileSync(path.join(RECORDED_STREAMS_DIR, file), 'utf8');
  const result: RecordedAnthropicStream = {
    text: '',
    reasoning: '',
    textDeltas: 0,
    thinkingDeltas: 0,
    pings: 0,
    citedBlocks: [],
  };
  const blockText = new Map<number, string>();
  const blockCitations = new Map<number, { url: string; title: string }[]>();
  for (const line of raw.split(/\r?\n/)) {
    if (!line.startsWith('data: ')) continue;
    const event = JSON.parse(line.slice('data: '.length)) as {
      type: string;
      index?: number;
      delta?: {
        type?: string;
        text?: string;
        thinking?: string;
        citation?: { url?: string; title?: string };
      };
    };
    if (event.type === 'ping') result.pings++;
    if (event.type !== 'content_block_delta' || event.delta === undefined) continue;
    const index = event.index ?? -1;
    const { delta } = event;
    if (delta.type === 'text_delta' && delta.text) {
      result.text += delta.text;
      result.textDeltas++;
      blockText.set(index, (blockText.get(index) ?? '') + delta.text);
    } else if (delta.type === 'thinking_delta' && delta.thinking) {
      result.reasoning += delta.thinking;
      result.thinkingDeltas++;
    } else if (delta.type === 'citations_delta' && delta.citation?.url !== undefined) {
      const list = blockCitations.get(index) ?? [];
      if (!list.some((c) => c.url === delta.citation?.url)) {
        list.push({ url: delta.citation.url, title: delta.citation.title ?? '' });
      }
      blockCitations.set(index, list);
    }
  }
  for (const [index, citations] of [...blockCitations].sort(([a], [b]) => a - b)) {
    for (const citation of citations) {
      result.citedBlocks.push({ ...citation, blockText: blockText.get(index) ?? '' });
    }
  }
  return result;
}
