/**
 * Incremental Server-Sent Events decoder (WHATWG "event stream interpretation"): bytes in, events out.
 *
 * Why our own instead of a library: we need bytes in (so a UTF-8 character split across TCP reads is never
 * corrupted), and we need to *know* when the stream ended mid-event, because for streamrank a silently
 * dropped tail is a truncated measurement, not a normal end (openai-node discards it silently).
 *
 * Handles `\n`, `\r\n` and bare `\r` line endings, including a `\r` at the end of one read followed by `\n`
 * at the start of the next; a leading BOM; `:` comments; multi-line `data`; `event` names; `id`.
 */
export interface SseEvent {
  /** `message` when the event had no `event:` field, as in the spec. */
  event: string;
  /** `data:` lines joined with `\n`. */
  data: string;
  /** Last event id seen so far in the stream, if any. */
  id?: string;
}

export interface SseEndResult {
  /** Events completed by the final bytes. */
  events: SseEvent[];
  /**
   * Fields received after the last dispatched event with no blank line to dispatch them: the stream ended
   * mid-event. Browsers discard this; we report it so the caller can classify the stream as truncated.
   */
  incomplete: SseEvent | null;
}

const LF = 10;
const CR = 13;

export class SseDecoder {
  // `stream: true` holds back a trailing partial UTF-8 sequence until its remaining bytes arrive;
  // ignoreBOM false strips one leading BOM, as the spec requires.
  private readonly textDecoder = new TextDecoder('utf-8');
  private partialLine = '';
  /** The previous read ended in `\r`; a `\n` opening the next read belongs to the same line ending. */
  private skipLeadingLf = false;
  private dataLines: string[] = [];
  private eventName = '';
  private lastEventId: string | undefined;
  private pendingFields = false;
  private ended = false;

  push(bytes: Uint8Array): SseEvent[] {
    if (this.ended) throw new Error('SseDecoder.push() after end()');
    const events: SseEvent[] = [];
    this.feed(this.textDecoder.decode(bytes, { stream: true }), events);
    return events;
  }

  end(): SseEndResult {
    if (this.ended) throw new Error('SseDecoder.end() called twice');
    const events: SseEvent[] = [];
    // Flushing turns a dangling partial UTF-8 sequence into U+FFFD rather than dropping it silently.
    this.feed(this.textDecoder.decode(), events);
    this.ended = true;
    if (this.partialLine !== '') {
      // An unterminated last line is still a field line: it belongs to the incomplete event.
      this.processLine(this.partialLine, events);
      this.partialLine = '';
    }
    const incomplete = this.pendingFields ? this.currentEvent() : null;
    return { events, incomplete };
  }

  private feed(text: string, events: SseEvent[]): void {
    let start = 0;
    if (this.skipLeadingLf && text.length > 0) {
      if (text.charCodeAt(0) === LF) start = 1;
      this.skipLeadingLf = false;
    }
    if (text.indexOf('\r', start) === -1) {
      // Fast path for the common case, `\n` line endings only: the native indexOf finds each line end.
      for (let i = text.indexOf('\n', start); i !== -1; i = text.indexOf('\n', start)) {
        const line = this.partialLine === '' ? text.slice(start, i) : this.partialLine + text.slice(start, i);
        this.partialLine = '';
        this.processLine(line, events);
        start = i + 1;
      }
      if (start < text.length) this.partialLine += text.slice(start);
      return;
    }
    for (let i = start; i < text.length; i++) {
      const code = text.charCodeAt(i);
      if (code !== LF && code !== CR) continue;
      const line = this.partialLine + text.slice(start, i);
      this.partialLine = '';
      this.processLine(line, events);
      if (code === CR) {
        if (i + 1 < text.length) {
          if (text.charCodeAt(i + 1) === LF) i++;
        } else {
          this.skipLeadingLf = true;
        }
      }
      start = i + 1;
    }
    if (start < text.length) this.partialLine += text.slice(start);
  }

  private processLine(line: string, events: SseEvent[]): void {
    if (line === '') {
      this.dispatch(events);
      return;
    }
    if (line.charCodeAt(0) === 0x3a) return; // `:` comment, used for keep-alives
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.charCodeAt(0) === 0x20) value = value.slice(1);
    switch (field) {
      case 'data':
        this.dataLines.push(value);
        this.pendingFields = true;
        break;
      case 'event':
        this.eventName = value;
        this.pendingFields = true;
        break;
      case 'id':
        if (!value.includes('\u0000')) this.lastEventId = value;
        this.pendingFields = true;
        break;
      default:
        // `retry` and unknown fields are ignored by the spec; llama.cpp's non-standard `error:` line lands
        // here and is lost, but the stream then lacks `[DONE]` and is reported as truncated anyway.
        break;
    }
  }

  private dispatch(events: SseEvent[]): void {
    // The spec dispatches nothing for an event without data lines (e.g. a lone `event:`), but still resets.
    if (this.dataLines.length > 0) events.push(this.currentEvent());
    this.dataLines = [];
    this.eventName = '';
    this.pendingFields = false;
  }

  private currentEvent(): SseEvent {
    const event: SseEvent = {
      event: this.eventName === '' ? 'message' : this.eventName,
      data: this.dataLines.join('\n'),
    };
    if (this.lastEventId !== undefined) event.id = this.lastEventId;
    return event;
  }
}
