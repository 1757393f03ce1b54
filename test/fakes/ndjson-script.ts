import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { FakeWrite } from './fake-openai-server';
import { RECORDED_STREAMS_DIR } from './openai-sse-script';

/** Script builders for NDJSON streams (Ollama native `/api/chat`; docs/wire-formats.md). */

export const NDJSON_HEADERS = { 'content-type': 'application/x-ndjson' };

/** Compact JSON lines like Ollama's `json.Marshal` + `\n`: content lines, then the `done: true` line. */
export function ollamaLines(
  texts: readonly string[],
  options: { thinking?: readonly string[]; doneReason?: string; done?: boolean; model?: string } = {},
): string[] {
  const model = options.model ?? 'llama3.2';
  const line = (body: object): string =>
    `${JSON.stringify({ model, created_at: '2025-03-20T18:32:37.255986Z', ...body })}\n`;
  const lines: string[] = [];
  for (const thinking of options.thinking ?? []) {
    lines.push(line({ message: { role: 'assistant', content: '', thinking }, done: false }));
  }
  for (const content of texts) lines.push(line({ message: { role: 'assistant', content }, done: false }));
  if (options.done ?? true) {
    lines.push(
      line({
        message: { role: 'assistant', content: '' },
        done_reason: options.doneReason ?? 'stop',
        done: true,
        total_duration: 2203237375,
        load_duration: 336223209,
        prompt_eval_count: 37,
        prompt_eval_duration: 355000000,
        eval_count: texts.length + (options.thinking?.length ?? 0),
        eval_duration: 1511000000,
      }),
    );
  }
  return lines;
}

/** Reads a recorded NDJSON file (relative to the recorded-streams folder) as one write per line. */
export function replayNdjson(file: string, delayMs: number): FakeWrite[] {
  const text = readFileSync(path.join(RECORDED_STREAMS_DIR, file), 'utf8');
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => ({ delayMs, bytes: `${line}\n` }));
}

/** The answer and thinking text of a recorded Ollama stream, and its final counts, read independently. */
export function recordedOllama(file: string): {
  text: string;
  thinking: string;
  model: string | null;
  usage: { inputTokens: number; outputTokens: number } | null;
  doneReason: string | null;
} {
  const raw = readFileSync(path.join(RECORDED_STREAMS_DIR, file), 'utf8');
  let text = '';
  let thinking = '';
  let model: string | null = null;
  let usage: { inputTokens: number; outputTokens: number } | null = null;
  let doneReason: string | null = null;
  for (const line of raw.split('\n')) {
    if (line.trim() === '') continue;
    const object = JSON.parse(line) as {
      model?: string;
      message?: { content?: string; thinking?: string };
      done?: boolean;
      done_reason?: string;
      prompt_eval_count?: number;
      eval_count?: number;
    };
    model ??= object.model ?? null;
    text += object.message?.content ?? '';
    thinking += object.message?.thinking ?? '';
    if (object.done === true) {
      doneReason = object.done_reason ?? null;
      usage = { inputTokens: object.prompt_eval_count ?? 0, outputTokens: object.eval_count ?? 0 };
    }
  }
  return { text, thinking, model, usage, doneReason };
}
