import { readFileSync } from 'node:fs';
import path from 'node:path';
import { RECORDED_STREAMS_DIR } from './openai-sse-script';

/** Script builders for Perplexity Sonar streams (docs/wire-formats.md) and recorded-stream expectations. */

/** JSON the way Python's json.dumps writes it by default: `", "` and `": "` separators. */
export function pythonJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(pythonJson).join(', ')}]`;
  if (typeof value === 'object' && value !== null) {
    const fields = Object.entries(value as Record<string, unknown>)
      .filter(([, field]) => field !== undefined)
      .map(([key, field]) => `${JSON.stringify(key)}: ${pythonJson(field)}`);
    return `{${fields.join(', ')}}`;
  }
  return JSON.stringify(value);
}

export interface PerplexitySource {
  url: string;
  title?: string;
}

export interface PerplexityEventsOptions {
  /** Cumulative sources known at chunk i (default: none). Repeated in full in every later chunk. */
  sourcesAt?: (index: number) => readonly PerplexitySource[];
  finishReason?: string;
  /** How the stream ends: the done object, `[DONE]`, both (done object first), or neither. */
  ending?: 'done-object' | 'done-sentinel' | 'both' | 'none';
}

/**
 * `data: {...}\n\n` events shaped like a real Sonar stream: one chunk per text (cumulative message, usage,
 * citations and search_results), then the `chat.completion.done` chunk with an empty delta and usage.cost.
 */
export function perplexityEvents(texts: readonly string[], options: PerplexityEventsOptions = {}): string[] {
  const sourcesAt = options.sourcesAt ?? (() => []);
  const ending = options.ending ?? 'done-object';
  const events: string[] = [];
  let cumulative = '';
  const chunk = (
    index: number,
    object: string,
    delta: string,
    finishReason: string | null,
    cost: boolean,
  ) => {
    const sources = sourcesAt(index);
    return `data: ${pythonJson({
      id: 'pplx-fake',
      model: 'sonar',
      created: 1763921963,
      usage: {
        prompt_tokens: 4,
        completion_tokens: index + 1,
        total_tokens: index + 5,
        search_context_size: 'low',
        ...(cost
          ? {
              cost: {
                input_tokens_cost: 0.0,
                output_tokens_cost: 0.0,
                request_cost: 0.005,
                total_cost: 0.005,
              },
            }
          : {}),
      },
      citations: sources.map((source) => source.url),
      search_results: sources.map((source) => ({
        title: source.title,
        url: source.url,
        date: '2025-07-14',
        last_updated: '2025-11-23',
        snippet: '…',
        source: 'web',
      })),
      object,
      choices: [
        {
          index: 0,
          finish_reason: finishReason,
          message: { role: 'assistant', content: cumulative },
          delta: { role: 'assistant', content: delta },
        },
      ],
    })}\n\n`;
  };
  texts.forEach((text, index) => {
    cumulative += text;
    events.push(chunk(index, 'chat.completion.chunk', text, null, false));
  });
  const finishReason = options.finishReason ?? 'stop';
  if (ending === 'done-object' || ending === 'both') {
    events.push(chunk(Math.max(texts.length - 1, 0), 'chat.completion.done', '', finishReason, true));
  } else if (ending === 'done-sentinel') {
    // The Feb 2025 shape: finish_reason on a last ordinary chunk, then the OpenAI sentinel.
    events.push(chunk(Math.max(texts.length - 1, 0), 'chat.completion.chunk', '', finishReason, false));
  }
  if (ending === 'done-sentinel' || ending === 'both') events.push('data: [DONE]\n\n');
  return events;
}

/** Answer text, distinct cited URLs (first-seen order) and the final usage of a recorded Perplexity stream. */
export function recordedPerplexity(file: string): {
  text: string;
  urls: string[];
  titles: Map<string, string>;
  usage: { inputTokens: number; outputTokens: number } | null;
} {
  const raw = readFileSync(path.join(RECORDED_STREAMS_DIR, file), 'utf8');
  let text = '';
  const urls: string[] = [];
  const titles = new Map<string, string>();
  let usage: { inputTokens: number; outputTokens: number } | null = null;
  for (const line of raw.split(/\r?\n/)) {
    if (!line.startsWith('data: {')) continue;
    const chunk = JSON.parse(line.slice('data: '.length)) as {
      citations?: string[];
      search_results?: { url: string; title?: string }[];
      usage?: { prompt_tokens: number; completion_tokens: number };
      choices?: { delta?: { content?: string | null } }[];
    };
    text += chunk.choices?.[0]?.delta?.content ?? '';
    for (const url of [...(chunk.citations ?? []), ...(chunk.search_results ?? []).map((r) => r.url)]) {
      if (!urls.includes(url)) urls.push(url);
    }
    for (const result of chunk.search_results ?? []) {
      if (result.title !== undefined && !titles.has(result.url)) titles.set(result.url, result.title);
    }
    if (chunk.usage !== undefined) {
      usage = { inputTokens: chunk.usage.prompt_tokens, outputTokens: chunk.usage.completion_tokens };
    }
  }
  return { text, urls, titles, usage };
}
