import { isRecord } from '../json-record';
import { OpenAiChatChunkParser } from '../openai-compatible/openai-chat-chunk-parser';
import type { CitationPart, StreamPart, UsagePart } from '../stream-part';
import { citationDomain } from '../citation-domain';

/** `object` of Perplexity's last chunk in a `stream_mode: "full"` stream (docs/wire-formats.md). */
export const PERPLEXITY_DONE_OBJECT = 'chat.completion.done';

/**
 * Maps one parsed Perplexity Sonar chunk (docs/wire-formats.md, Perplexity) to stream parts.
 *
 * The chunk is an OpenAI `chat.completion.chunk` plus cumulative extras, so text, finish_reason, meta and
 * in-band errors go through the shared OpenAI parser (answer text is `delta.content`, never the cumulative
 * `message.content`). On top of that:
 * - `citations` (URL strings) and `search_results` (`{title,url,date,...}`) are repeated in full in every
 *   chunk. Each distinct URL is emitted once, as a citation part stamped with the arrival of the first chunk
 *   that named it: `citations` order first (the `[n]` markers index it), then any `search_results` URL not
 *   in `citations` (Perplexity is moving sources from `citations` to `search_results`). The title comes from
 *   the matching search result. Perplexity gives no text spans, so none are set.
 * - `usage` is cumulative and repeated in every chunk: a usage part is emitted only when the counts change,
 *   so a truncated stream still keeps the last counts seen. `usage.cost` is ignored.
 */
export class PerplexityChunkParser {
  private readonly base = new OpenAiChatChunkParser();
  private readonly seenUrls = new Set<string>();
  private lastUsageKey: string | null = null;

  /** Whether `payload` is the final `chat.completion.done` chunk (checked after `parse` accepted it). */
  static isDoneChunk(payload: unknown): boolean {
    return isRecord(payload) && payload.object === PERPLEXITY_DONE_OBJECT;
  }

  parse(payload: unknown, atUs: number): StreamPart[] {
    // Throws stream_error for a non-object or an in-band `{"error": ...}`.
    const parts = this.base
      .parse(payload, atUs)
      .filter((part) => part.type !== 'usage' || this.usageChanged(part));
    if (!isRecord(payload)) return parts;
    parts.push(...this.newCitations(payload, atUs));
    return parts;
  }

  private usageChanged(part: UsagePart): boolean {
    const key = `${part.inputTokens ?? ''}/${part.outputTokens ?? ''}`;
    if (key === this.lastUsageKey) return false;
    this.lastUsageKey = key;
    return true;
  }

  private newCitations(payload: Record<string, unknown>, atUs: number): CitationPart[] {
    const titles = new Map<string, string>();
    const searchUrls: string[] = [];
    if (Array.isArray(payload.search_results)) {
      for (const result of payload.search_results) {
        if (!isRecord(result) || typeof result.url !== 'string' || result.url === '') continue;
        searchUrls.push(result.url);
        if (typeof result.title === 'string' && result.title !== '' && !titles.has(result.url)) {
          titles.set(result.url, result.title);
        }
      }
    }
    const citationUrls = Array.isArray(payload.citations)
      ? payload.citations.filter((url): url is string => typeof url === 'string' && url !== '')
      : [];

    const parts: CitationPart[] = [];
    for (const url of [...citationUrls, ...searchUrls]) {
      if (this.seenUrls.has(url)) continue;
      this.seenUrls.add(url);
      const title = titles.get(url);
      const domain = citationDomain(url);
      parts.push({
        type: 'citation',
        atUs,
        url,
        ...(title === undefined ? {} : { title }),
        ...(domain === undefined ? {} : { domain }),
      });
    }
    return parts;
  }
}
