/**
 * Remembers where recent Markdown link texts (`[...]`) started, so a URL found right after `](` can be tied
 * to the text the reader actually sees. Brackets never pair across a blank line (CommonMark paragraphs), and
 * only a bounded number of open brackets and closed pairs is kept, so memory stays bounded on any input.
 */
const MAX_OPEN = 32;
const MAX_PAIRS = 64;

export class MarkdownLinkTracker {
  private readonly open: number[] = [];
  /** Raw offset of `]` → raw offset of its `[`. */
  private readonly pairs = new Map<number, number>();
  private newlinesSinceText = 0;

  /**
   * Whether observe() would change anything for this code point (or code unit: only ASCII values matter):
   * brackets, line feeds, and the first non-blank character after a line feed. Lets the caller skip the call
   * for ordinary text.
   */
  observes(codePoint: number): boolean {
    if (codePoint === 0x5b || codePoint === 0x5d || codePoint === 0x0a) return true;
    return this.newlinesSinceText !== 0 && codePoint !== 0x20 && codePoint !== 0x09 && codePoint !== 0x0d;
  }

  /** A line feed was the last non-blank character seen (the next text character resets the count). */
  get afterLineBreak(): boolean {
    return this.newlinesSinceText !== 0;
  }

  observe(codePoint: number, rawStart: number): void {
    if (codePoint === 0x0a) {
      this.newlinesSinceText++;
      if (this.newlinesSinceText >= 2) this.open.length = 0;
      return;
    }
    if (codePoint === 0x20 || codePoint === 0x09 || codePoint === 0x0d) return;
    this.newlinesSinceText = 0;
    if (codePoint === 0x5b) {
      if (this.open.length === MAX_OPEN) this.open.shift();
      this.open.push(rawStart);
    } else if (codePoint === 0x5d) {
      const openedAt = this.open.pop();
      if (openedAt === undefined) return;
      this.pairs.set(rawStart, openedAt);
      if (this.pairs.size > MAX_PAIRS) {
        const oldest = this.pairs.keys().next();
        if (oldest.done !== true) this.pairs.delete(oldest.value);
      }
    }
  }

  /**
   * For a URL starting at `urlStart` whose two preceding characters (`precededBy`) are `](`, the offset of
   * the link text's `[`; otherwise null.
   */
  linkTextStartFor(urlStart: number, precededBy: string): number | null {
    if (precededBy !== '](') return null;
    return this.pairs.get(urlStart - 2) ?? null;
  }
}
