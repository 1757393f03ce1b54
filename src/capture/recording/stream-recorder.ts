import { citationDomain } from '../../llm/citation-domain';
import type { StreamPart } from '../../llm/stream-part';
import type { CapturedCitation, CapturedStream, CapturedChunk, LiveTextChunk } from './captured-stream';

export type TextListener = (chunk: LiveTextChunk) => void;

/**
 * Folds a provider's StreamParts into a CapturedStream. Pure: no I/O and no clock of its own, so the same
 * parts always give the same capture. Listeners registered with `onText` see each answer chunk
 * synchronously as it is recorded, which is how detection runs live instead of after the fact.
 */
export class StreamRecorder {
  private readonly citations: CapturedCitation[] = [];
  private listeners: readonly TextListener[] = [];
  private readonly chunks: CapturedChunk[] = [];
  private readonly chunkEnds: number[] = [];
  private answerText = '';
  private reasoningText = '';
  private headersUs: number | null = null;
  private ttftUs: number | null = null;
  private finishReason: string | null = null;
  private usage: { inputTokens?: number; outputTokens?: number } | null = null;
  private responseModel: string | null = null;
  private responseId: string | null = null;
  private lastUs = 0;
  private connectUs: number | null = null;

  /** `requestSentAt` until `sent` says otherwise. */
  constructor(private requestSentAt: Date) {}

  /**
   * When the request went out, and how long connecting took before it: known only once it has (the capture
   * clock's zero moves there; MonotonicClock.requestSent).
   */
  sent(requestSentAt: Date, connectUs: number | null): this {
    this.requestSentAt = requestSentAt;
    this.connectUs = connectUs === null ? null : Math.round(connectUs);
    return this;
  }

  /** Returns an unsubscribe function. */
  onText(listener: TextListener): () => void {
    // Copy-on-write: a chunk is delivered to the list as it was when the chunk arrived, without copying the
    // list per chunk.
    this.listeners = [...this.listeners, listener];
    return () => {
      const index = this.listeners.indexOf(listener);
      if (index !== -1) this.listeners = this.listeners.filter((_, i) => i !== index);
    };
  }

  record(part: StreamPart): void {
    const atUs = Math.round(part.atUs);
    this.lastUs = Math.max(this.lastUs, atUs);
    switch (part.type) {
      case 'headers':
        this.headersUs ??= atUs;
        break;
      case 'text':
        this.recordText(atUs, part.text);
        break;
      case 'reasoning':
        this.reasoningText += part.text;
        break;
      case 'finish':
        this.finishReason = part.finishReason;
        break;
      case 'usage':
        // Later usage reports are cumulative totals, so later fields win.
        this.usage = { ...this.usage, ...definedOnly(part.inputTokens, part.outputTokens) };
        break;
      case 'meta':
        if (part.model !== undefined) this.responseModel ??= part.model;
        if (part.responseId !== undefined) this.responseId ??= part.responseId;
        break;
      case 'citation':
        this.citations.push({
          url: part.url,
          domain: part.domain ?? citationDomain(part.url) ?? '',
          title: part.title ?? null,
          charStart: part.startIndex ?? null,
          charEnd: part.endIndex ?? null,
          atUs: Math.round(part.atUs),
        });
        break;
    }
  }

  /**
   * @param complete whether the provider's terminal event arrived (the provider returned without throwing)
   * @param endUs the stream's end on the same clock; defaults to the last part's arrival
   */
  finish(complete: boolean, endUs?: number): CapturedStream {
    return {
      requestSentAt: this.requestSentAt,
      connectUs: this.connectUs,
      headersUs: this.headersUs,
      ttftUs: this.ttftUs,
      chunks: this.chunks.map((chunk) => ({ ...chunk })),
      reasoningText: this.reasoningText,
      finishReason: this.finishReason,
      usage: this.usage === null ? null : { ...this.usage },
      responseModel: this.responseModel,
      responseId: this.responseId,
      durationUs: Math.max(this.lastUs, endUs === undefined ? 0 : Math.round(endUs)),
      answerText: this.answerText,
      chunkEnds: [...this.chunkEnds],
      chunkArrivalsUs: this.chunks.map((chunk) => chunk.atUs),
      citations: this.citations.map((c) => ({ ...c })),
      complete,
    };
  }

  private recordText(atUs: number, text: string): void {
    if (text === '') return;
    this.ttftUs ??= atUs;
    const charStart = this.answerText.length;
    this.answerText += text;
    const chunk: LiveTextChunk = {
      index: this.chunks.length,
      atUs,
      text,
      charStart,
      charEnd: this.answerText.length,
    };
    this.chunks.push({ atUs, text });
    this.chunkEnds.push(chunk.charEnd);
    for (const listener of this.listeners) listener(chunk);
  }
}

function definedOnly(
  inputTokens?: number,
  outputTokens?: number,
): { inputTokens?: number; outputTokens?: number } {
  return {
    ...(inputTokens === undefined ? {} : { inputTokens }),
    ...(outputTokens === undefined ? {} : { outputTokens }),
  };
}
