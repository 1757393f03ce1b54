import { isRecord } from '../json-record';
import { ProviderError } from '../provider-error';
import type { CitationPart, StreamPart } from '../stream-part';
import { utf8ToUtf16Offsets } from './utf8-offsets';

/** Grounding redirect host: its URIs say nothing about the source, the chunk `title` carries the domain. */
const REDIRECT_HOST = 'vertexaisearch.cloud.google.com';
const MAX_MESSAGE_CHARS = 500;

/** In-stream error statuses worth another attempt: transient server faults, not a bad request. */
const RETRYABLE_STATUSES = new Set(['UNAVAILABLE', 'INTERNAL', 'DEADLINE_EXCEEDED']);

/**
 * Maps one parsed `GenerateContentResponse` (docs/wire-formats.md, Gemini) to stream parts.
 *
 * State kept across chunks:
 * - the answer text so far (non-thought text of candidate 0), because grounding segments index into the
 *   *whole* answer, not into the chunk that carries them (in the recording the metadata arrives on the last
 *   chunk with offsets up to the end of the answer);
 * - whether a `finishReason` (or a prompt block) was seen: that is Gemini's only terminal signal;
 * - meta emitted once, usage emitted only when it changes (`usageMetadata` is cumulative and repeated on
 *   every chunk), citations de-duplicated (in case metadata is repeated cumulatively).
 *
 * Citations: one `citation` part per (grounding chunk, support segment) pair, carrying that segment's span
 * converted to UTF-16 offsets; a grounding chunk no support refers to still yields one citation, without a
 * span. Parts are ordered: meta, reasoning/text, citations, finish, usage, so a consumer sees the text a
 * span points into before the span itself.
 */
export class GeminiChunkParser {
  private answer = '';
  private metaEmitted = false;
  private finished = false;
  private lastUsage = '';
  private readonly citationKeys = new Set<string>();

  /** A chunk carried `finishReason` (or the prompt was blocked): a clean end of body is now a success. */
  get complete(): boolean {
    return this.finished;
  }

  /** Answer text (non-thought) received so far. */
  get answerText(): string {
    return this.answer;
  }

  parse(payload: unknown, atUs: number): StreamPart[] {
    // The non-SSE JSON-array surface wraps objects in an array (gemini-cli #6454); accept it here too.
    if (Array.isArray(payload)) return payload.flatMap((item) => this.parse(item, atUs));
    if (!isRecord(payload)) {
      throw new ProviderError('stream_error', 'stream chunk is not a JSON object', { retryable: false });
    }
    if (payload.error !== undefined && payload.error !== null) throw geminiInBandError(payload.error);

    const parts: StreamPart[] = [];
    if (
      !this.metaEmitted &&
      (typeof payload.modelVersion === 'string' || typeof payload.responseId === 'string')
    ) {
      this.metaEmitted = true;
      parts.push({
        type: 'meta',
        atUs,
        ...(typeof payload.modelVersion === 'string' ? { model: payload.modelVersion } : {}),
        ...(typeof payload.responseId === 'string' ? { responseId: payload.responseId } : {}),
      });
    }

    const candidate = firstCandidate(payload.candidates);
    let finishReason: string | undefined;
    if (candidate !== undefined) {
      const content = isRecord(candidate.content) ? candidate.content : {};
      const contentParts = Array.isArray(content.parts) ? content.parts.filter(isRecord) : [];
      for (const part of contentParts) {
        // functionCall, executableCode, inlineData and bare thoughtSignature parts carry no answer text.
        if (typeof part.text !== 'string' || part.text === '') continue;
        if (part.thought === true) {
          parts.push({ type: 'reasoning', atUs, text: part.text });
        } else {
          this.answer += part.text;
          parts.push({ type: 'text', atUs, text: part.text });
        }
      }
      if (isRecord(candidate.groundingMetadata)) {
        parts.push(...this.citations(candidate.groundingMetadata, atUs));
      }
      if (typeof candidate.finishReason === 'string' && candidate.finishReason !== '') {
        finishReason = normalizeFinishReason(candidate.finishReason);
      }
    } else if (isRecord(payload.promptFeedback) && typeof payload.promptFeedback.blockReason === 'string') {
      // A blocked prompt is a 200 with no candidates: a definitive answer ("nothing shown"), so it is
      // a complete stream with a content_filter finish, not a truncation to retry.
      finishReason = 'content_filter';
    }
    if (finishReason !== undefined) {
      this.finished = true;
      parts.push({ type: 'finish', atUs, finishReason });
    }

    if (isRecord(payload.usageMetadata)) {
      const input = payload.usageMetadata.promptTokenCount;
      const output = payload.usageMetadata.candidatesTokenCount;
      const usage = {
        ...(typeof input === 'number' ? { inputTokens: input } : {}),
        ...(typeof output === 'number' ? { outputTokens: output } : {}),
      };
      const key = JSON.stringify(usage);
      if (key !== '{}' && key !== this.lastUsage) {
        this.lastUsage = key;
        parts.push({ type: 'usage', atUs, ...usage });
      }
    }
    return parts;
  }

  private citations(metadata: Record<string, unknown>, atUs: number): CitationPart[] {
    const chunks = Array.isArray(metadata.groundingChunks) ? metadata.groundingChunks : [];
    if (chunks.length === 0) return [];
    const sources = chunks.map((chunk) => webSource(chunk));
    const spans = this.supportSpans(metadata.groundingSupports);

    const cited = new Set<number>();
    const out: CitationPart[] = [];
    const push = (source: WebSource, span?: { start: number; end: number }): void => {
      const key = `${source.url}\u0000${span?.start ?? ''}\u0000${span?.end ?? ''}`;
      if (this.citationKeys.has(key)) return;
      this.citationKeys.add(key);
      out.push({
        type: 'citation',
        atUs,
        url: source.url,
        ...(source.title === undefined ? {} : { title: source.title }),
        ...(source.domain === undefined ? {} : { domain: source.domain }),
        ...(span === undefined ? {} : { startIndex: span.start, endIndex: span.end }),
      });
    };
    for (const span of spans) {
      for (const index of span.chunkIndices) {
        const source = sources[index];
        if (source === undefined || source === null) continue;
        cited.add(index);
        push(source, span);
      }
    }
    sources.forEach((source, index) => {
      if (source !== null && !cited.has(index)) push(source);
    });
    return out;
  }

  /** Support segments as UTF-16 spans into the answer, in the order given. */
  private supportSpans(supports: unknown): { start: number; end: number; chunkIndices: number[] }[] {
    if (!Array.isArray(supports)) return [];
    const raw = supports.filter(isRecord).flatMap((support) => {
      const segment = isRecord(support.segment) ? support.segment : undefined;
      const indices = Array.isArray(support.groundingChunkIndices)
        ? support.groundingChunkIndices.filter(
            (value): value is number => typeof value === 'number' && Number.isInteger(value) && value >= 0,
          )
        : [];
      if (segment === undefined || typeof segment.endIndex !== 'number' || indices.length === 0) return [];
      // proto3 JSON omits zero values: a segment starting the answer has no `startIndex`.
      const start = typeof segment.startIndex === 'number' ? segment.startIndex : 0;
      const text = typeof segment.text === 'string' ? segment.text : undefined;
      return [{ start, end: segment.endIndex, text, indices }];
    });
    const converted = utf8ToUtf16Offsets(
      this.answer,
      raw.flatMap((item) => [item.start, item.end]),
    );
    return raw.map((item, i) => {
      let start = converted[2 * i] ?? 0;
      let end = Math.max(start, converted[2 * i + 1] ?? start);
      // Cross-check against the segment's own text. If the offsets do not land on it (e.g. a surface that
      // counts differently), but the text occurs in the answer, trust the text: take its occurrence
      // nearest to the converted start.
      if (item.text !== undefined && item.text !== '' && this.answer.slice(start, end) !== item.text) {
        const found = nearestOccurrence(this.answer, item.text, start);
        if (found !== -1) {
          start = found;
          end = found + item.text.length;
        }
      }
      return { start, end, chunkIndices: item.indices };
    });
  }
}

interface WebSource {
  url: string;
  title?: string;
  domain?: string;
}

/** `groundingChunks[i].web` as a source, or null for other chunk kinds (retrievedContext, maps). */
function webSource(chunk: unknown): WebSource | null {
  if (!isRecord(chunk) || !isRecord(chunk.web)) return null;
  const { uri, title, domain } = chunk.web;
  if (typeof uri !== 'string' || uri === '') return null;
  const host = hostOf(uri);
  const titleText = typeof title === 'string' && title !== '' ? title : undefined;
  // Prefer the SDK's own `web.domain` when present; for redirect URIs the title is the bare source domain
  // (docs/wire-formats.md, Gemini); otherwise the URI's own host is the source.
  const resolved =
    asDomain(typeof domain === 'string' ? domain : undefined) ??
    (host === REDIRECT_HOST ? asDomain(titleText) : host === undefined ? undefined : stripWww(host));
  return {
    url: uri,
    ...(titleText === undefined ? {} : { title: titleText }),
    ...(resolved === undefined ? {} : { domain: resolved }),
  };
}

function hostOf(uri: string): string | undefined {
  try {
    return new URL(uri).hostname.toLowerCase();
  } catch {
    return undefined;
  }
}

/** A title or domain field that is a bare host name, normalized; undefined for prose titles. */
function asDomain(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const candidate = value.trim().toLowerCase().replace(/\.$/, '');
  if (!/^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,62}$/.test(candidate)) {
    return undefined;
  }
  return stripWww(candidate);
}

function stripWww(host: string): string {
  return host.startsWith('www.') ? host.slice(4) : host;
}

function nearestOccurrence(haystack: string, needle: string, near: number): number {
  let best = -1;
  for (let at = haystack.indexOf(needle); at !== -1; at = haystack.indexOf(needle, at + 1)) {
    if (best === -1 || Math.abs(at - near) < Math.abs(best - near)) best = at;
    if (at > near) break;
  }
  return best;
}

function firstCandidate(candidates: unknown): Record<string, unknown> | undefined {
  if (!Array.isArray(candidates)) return undefined;
  // We ask for one candidate; proto3 JSON omits `index: 0`, so a missing index is candidate 0.
  const records = candidates.filter(isRecord);
  return records.find((candidate) => (candidate.index ?? 0) === 0) ?? records[0];
}

/** Gemini's enum names mapped onto the vocabulary the other adapters pass through. */
export function normalizeFinishReason(reason: string): string {
  switch (reason) {
    case 'STOP':
      return 'stop';
    case 'MAX_TOKENS':
      return 'length';
    case 'SAFETY':
    case 'RECITATION':
    case 'BLOCKLIST':
    case 'PROHIBITED_CONTENT':
    case 'SPII':
      return 'content_filter';
    default:
      return reason.toLowerCase();
  }
}

/** `{"error":{"code":500,"message":"…","status":"INTERNAL"}}` inside a 200 stream. */
export function geminiInBandError(error: unknown): ProviderError {
  const record = isRecord(error) ? error : {};
  const message =
    typeof record.message === 'string' ? record.message : typeof error === 'string' ? error : 'unknown error';
  const status = typeof record.status === 'string' ? record.status : '';
  const code = typeof record.code === 'number' ? record.code : undefined;
  const retryable = RETRYABLE_STATUSES.has(status) || code === 500 || code === 503 || code === 504;
  const label = [code, status].filter((value) => value !== undefined && value !== '').join(' ');
  return new ProviderError(
    'stream_error',
    `in-stream error${label === '' ? '' : ` (${label})`}: ${message.slice(0, MAX_MESSAGE_CHARS)}`,
    { retryable },
  );
}
