/**
 * Incremental newline-delimited JSON splitter (Ollama `/api/chat`, `application/x-ndjson`): bytes in,
 * complete lines out. Lines are returned as text, not parsed, so the caller decides how a malformed line
 * is classified. UTF-8 characters split across reads are held back until complete.
 */
export interface NdjsonEndResult {
  lines: string[];
  /** Text after the last newline: the stream ended mid-object (a truncation signal for the caller). */
  incomplete: string | null;
}

export class NdjsonDecoder {
  private readonly textDecoder = new TextDecoder('utf-8');
  private partialLine = '';
  private ended = false;

  push(bytes: Uint8Array): string[] {
    if (this.ended) throw new Error('NdjsonDecoder.push() after end()');
    return this.feed(this.textDecoder.decode(bytes, { stream: true }));
  }

  end(): NdjsonEndResult {
    if (this.ended) throw new Error('NdjsonDecoder.end() called twice');
    const lines = this.feed(this.textDecoder.decode());
    this.ended = true;
    const rest = this.partialLine.trim();
    this.partialLine = '';
    return { lines, incomplete: rest === '' ? null : rest };
  }

  private feed(text: string): string[] {
    const lines: string[] = [];
    let start = 0;
    let newline = text.indexOf('\n', start);
    while (newline !== -1) {
      const line = (this.partialLine + text.slice(start, newline)).trim();
      this.partialLine = '';
      // Blank lines carry nothing; trimming also drops the `\r` of CRLF-writing servers.
      if (line !== '') lines.push(line);
      start = newline + 1;
      newline = text.indexOf('\n', start);
    }
    this.partialLine += text.slice(start);
    return lines;
  }
}
