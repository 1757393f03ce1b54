import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { FakeWrite } from './fake-openai-server';

/** Script builders for FakeOpenAiServer: OpenAI chat-completion chunk events and recorded-stream replays. */

export const RECORDED_STREAMS_DIR = path.join(__dirname, '..', 'fixtures', 'recorded-streams');

export interface ChunkEventsOptions {
  model?: string;
  id?: string;
  finishReason?: string | null;
  usage?: { prompt_tokens: number; completion_tokens: number } | null;
  /** Append `data: [DONE]` (default true). */
  done?: boolean;
}

/** `data: {...}\n\n` events: role chunk, one content chunk per text, finish chunk, usage chunk, `[DONE]`. */
export function openAiChunkEvents(texts: readonly string[], options: ChunkEventsOptions = {}): string[] {
  const base = {
    id: options.id ?? 'chatcmpl-fake',
    object: 'chat.completion.chunk',
    created: 1735000000,
    model: options.model ?? 'gpt-fake',
  };
  const event = (body: object): string => `data: ${JSON.stringify({ ...base, ...body })}\n\n`;
  const choice = (delta: object, finishReason: string | null = null): object => ({
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
  });
  const events = [event(choice({ role: 'assistant', content: '' }))];
  for (const text of texts) events.push(event(choice({ content: text })));
  const finishReason = options.finishReason === undefined ? 'stop' : options.finishReason;
  if (finishReason !== null) events.push(event(choice({}, finishReason)));
  const usage =
    options.usage === undefined ? { prompt_tokens: 12, completion_tokens: texts.length } : options.usage;
  if (usage !== null) {
    events.push(
      event({
        choices: [],
        usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens },
      }),
    );
  }
  if (options.done ?? true) events.push('data: [DONE]\n\n');
  return events;
}

/** One write per item, each `delayMs` after the previous one. */
export function writesOf(items: readonly (string | Buffer)[], delayMs: number): FakeWrite[] {
  return items.map((bytes) => ({ delayMs, bytes }));
}

export interface ReplayOptions {
  delayMs: number;
  /**
   * Keep the file's bytes exactly, including a final event without its blank line. By default every event
   * is re-terminated with the file's own separator: git-committed fixtures often lose the trailing newline.
   */
  raw?: boolean;
}

/** Splits a recorded `.sse` file (path relative to the recorded-streams folder) into one write per event. */
export function replayRecorded(file: string, options: ReplayOptions): FakeWrite[] {
  const text = readFileSync(path.isAbsolute(file) ? file : path.join(RECORDED_STREAMS_DIR, file), 'utf8');
  const separator = text.includes('\r\n\r\n') ? '\r\n\r\n' : '\n\n';
  const pieces = text.split(separator);
  const writes: FakeWrite[] = [];
  pieces.forEach((piece, index) => {
    const isLast = index === pieces.length - 1;
    if (piece.trim() === '') return;
    const bytes = isLast && options.raw === true ? piece : `${piece.replace(/[\r\n]+$/, '')}${separator}`;
    writes.push({ delayMs: options.delayMs, bytes });
  });
  return writes;
}

/** The answer text a recorded OpenAI-compatible stream should produce, read line by line (independently of SseDecoder). */
export function recordedAnswer(file: string): { text: string; reasoning: string } {
  const text = readFileSync(path.join(RECORDED_STREAMS_DIR, file), 'utf8');
  let answer = '';
  let reasoning = '';
  for (const line of text.split(/\r?\n/)) {
    if (!line.startsWith('data: {')) continue;
    const chunk = JSON.parse(line.slice('data: '.length)) as {
      choices?: { delta?: { content?: string | null; reasoning_content?: string | null } }[];
    };
    answer += chunk.choices?.[0]?.delta?.content ?? '';
    reasoning += chunk.choices?.[0]?.delta?.reasoning_content ?? '';
  }
  return { text: answer, reasoning };
}
