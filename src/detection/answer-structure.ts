/**
 * The reader-visible structure of one Markdown answer, computed once so describing hundreds of mentions in a
 * long answer costs a binary search each: lines (headings, list items and their rank), bold spans and
 * sentences.
 *
 * Decisions:
 * - List rank is what a CommonMark renderer shows: an ordered list is numbered from its first item's number
 *   ("1. 1. 1." renders 1, 2, 3; "3. 4." renders 3, 4); a bulleted item's rank is its 1-based position in its
 *   list. A mention in a nested list gets the rank within the innermost list; continuation lines (indented,
 *   or lazy lines without a blank line before them) belong to the item above.
 * - Headings are ATX (`## Title`) and setext (a paragraph line underlined with `===` or `---`).
 * - Bold is `**...**` or `__...__` within one line (LLM answers do not wrap bold text across lines).
 * - Sentences end at `.`, `!`, `?`, `…` followed by whitespace (unless the next word starts lower-case, which
 *   catches "e.g. the"), at CJK full stops, and at every line break, so each list item, heading and table row
 *   is its own sentence. List and heading markers at the start of a line are not sentence ends.
 */
import { countWords } from './word-count';

export interface SentenceSpan {
  start: number;
  end: number;
}

interface OpenList {
  indent: number;
  marker: string;
  ordered: boolean;
  start: number;
  count: number;
}

const ATX_HEADING = /^ {0,3}#{1,6}(?:[ \t]|$)/;
const SETEXT_UNDERLINE = /^ {0,3}(?:=+|-+)[ \t]*$/;
const THEMATIC_BREAK = /^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$/;
const LIST_ITEM = /^([ \t]*)(?:([-*+])|(\d{1,9})([.)]))(?:[ \t]+|$)/;
const FENCE = /^ {0,3}(?:```|~~~)/;
const BOLD = /(\*\*|__)(?=\S)(.+?)(?<=\S)\1/g;
const LINE_PREFIX = /^[ \t]*(?:#{1,6}[ \t]+|(?:[-*+]|\d{1,9}[.)])[ \t]+|>[ \t]*)*/;
const SENTENCE_END = /[.!?…]/;
const CJK_SENTENCE_END = /[。！？]/;
const CLOSERS = /["'”’)\]*_`»]/;
const LOWERCASE_START = /^\p{Ll}/u;

function indentWidth(whitespace: string): number {
  let width = 0;
  for (const ch of whitespace) width += ch === '\t' ? 4 - (width % 4) : 1;
  return width;
}

export class AnswerStructure {
  readonly lineStarts: number[] = [];
  readonly sentences: SentenceSpan[] = [];
  private readonly headingLines: boolean[] = [];
  private readonly listRanks: (number | null)[] = [];
  private readonly boldSpans: [number, number][] = [];
  private readonly boldStarts: number[] = [];
  private readonly sentenceStarts: number[] = [];
  private wordCounts: number[] | null = null;

  constructor(readonly text: string) {
    const lines = text.split('\n');
    let offset = 0;
    for (const line of lines) {
      this.lineStarts.push(offset);
      offset += line.length + 1;
    }
    this.classifyLines(lines.map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line)));
    lines.forEach((line, index) => this.findBold(line, this.lineStarts[index] as number));
    lines.forEach((line, index) => this.findSentences(line, this.lineStarts[index] as number));
    for (const sentence of this.sentences) this.sentenceStarts.push(sentence.start);
    for (const span of this.boldSpans) this.boldStarts.push(span[0]);
  }

  /**
   * Words per sentence (Intl.Segmenter word-like segments, so CJK text is counted in words rather than as
   * one run; see countWords). Computed on first use: only position-adjusted word counts need it.
   */
  sentenceWordCounts(): readonly number[] {
    if (this.wordCounts === null) {
      this.wordCounts = this.sentences.map((sentence) =>
        countWords(this.text.slice(sentence.start, sentence.end)),
      );
    }
    return this.wordCounts;
  }

  lineIndexAt(offset: number): number {
    return Math.max(0, AnswerStructure.lastAtOrBefore(this.lineStarts, offset));
  }

  /** 0-based index of the sentence holding `offset` (text between sentences belongs to the one before). */
  sentenceIndexAt(offset: number): number {
    return Math.max(0, AnswerStructure.lastAtOrBefore(this.sentenceStarts, offset));
  }

  listRankAt(offset: number): number | null {
    return this.listRanks[this.lineIndexAt(offset)] ?? null;
  }

  inHeading(offset: number): boolean {
    return this.headingLines[this.lineIndexAt(offset)] ?? false;
  }

  /** Whether any part of [start, end) is inside bold text. */
  inBold(start: number, end: number): boolean {
    const index = AnswerStructure.lastAtOrBefore(this.boldStarts, Math.max(start, end - 1));
    const span = this.boldSpans[index];
    return span !== undefined && span[1] > start;
  }

  /**
   * Up to `maxLength` characters around [start, end), cut at word boundaries where possible, whitespace
   * collapsed, with "…" marking each cut side (the ellipses count towards the limit).
   */
  snippet(start: number, end: number, maxLength = 160): string {
    const text = this.text;
    const room = Math.max(1, maxLength - 2);
    let left: number;
    let right: number;
    if (end - start >= room) {
      left = start;
      right = start + room;
    } else {
      left = Math.max(0, start - Math.floor((room - (end - start)) / 2));
      right = Math.min(text.length, left + room);
      left = Math.max(0, right - room);
      const space = text.slice(left, start).search(/\s/);
      if (left > 0 && space >= 0 && space < 24) left += space + 1;
      const tail = text.slice(end, right);
      const lastSpace = Math.max(tail.lastIndexOf(' '), tail.lastIndexOf('\n'));
      if (right < text.length && lastSpace >= 0 && tail.length - lastSpace < 24) right = end + lastSpace;
    }
    if (AnswerStructure.isLowSurrogate(text.charCodeAt(left))) left++;
    if (AnswerStructure.isLowSurrogate(text.charCodeAt(right))) right--;
    const body = text.slice(left, right).replace(/\s+/g, ' ').trim();
    return `${left > 0 ? '…' : ''}${body}${right < text.length ? '…' : ''}`;
  }

  private classifyLines(lines: string[]): void {
    const lists: OpenList[] = [];
    let sawBlank = false;
    let inFence = false;
    let previousWasParagraph = false;
    lines.forEach((line, index) => {
      let heading = false;
      let rank: number | null = null;
      const blank = line.trim().length === 0;
      const item = LIST_ITEM.exec(line);
      const indent = indentWidth(/^[ \t]*/.exec(line)?.[0] ?? '');
      const currentRank = (): number | null => {
        const top = lists[lists.length - 1];
        if (top === undefined) return null;
        return top.ordered ? top.start + top.count - 1 : top.count;
      };
      if (FENCE.test(line)) {
        inFence = !inFence;
        rank = currentRank();
      } else if (inFence) {
        rank = currentRank();
      } else if (blank) {
        sawBlank = true;
      } else if (ATX_HEADING.test(line)) {
        heading = true;
        lists.length = 0;
      } else if (SETEXT_UNDERLINE.test(line) && previousWasParagraph && lists.length === 0) {
        heading = true;
        this.headingLines[index - 1] = true;
      } else if (THEMATIC_BREAK.test(line)) {
        lists.length = 0;
      } else if (item !== null) {
        const itemIndent = indentWidth(item[1] ?? '');
        const ordered = item[3] !== undefined;
        const marker = ordered ? (item[4] ?? '.') : (item[2] ?? '-');
        while (lists.length > 0 && (lists[lists.length - 1] as OpenList).indent > itemIndent + 1) lists.pop();
        const top = lists[lists.length - 1];
        if (top !== undefined && Math.abs(top.indent - itemIndent) <= 1 && top.marker === marker) {
          top.count++;
        } else {
          if (top !== undefined && Math.abs(top.indent - itemIndent) <= 1) lists.pop();
          lists.push({ indent: itemIndent, marker, ordered, start: ordered ? Number(item[3]) : 1, count: 1 });
        }
        rank = currentRank();
      } else if (lists.length > 0 && (indent >= 2 || !sawBlank)) {
        while (lists.length > 1 && (lists[lists.length - 1] as OpenList).indent >= indent && sawBlank) {
          lists.pop();
        }
        rank = currentRank();
      } else {
        lists.length = 0;
      }
      if (!blank) sawBlank = false;
      previousWasParagraph = !blank && !heading && item === null && rank === null && !inFence;
      this.headingLines[index] = heading || (this.headingLines[index] ?? false);
      this.listRanks[index] = rank;
    });
  }

  private findBold(line: string, lineStart: number): void {
    for (const match of line.matchAll(BOLD)) {
      const delimiter = match[1] as string;
      const inner = match[2] as string;
      const before = line[match.index - 1] ?? ' ';
      const after = line[match.index + match[0].length] ?? ' ';
      // `__` inside a word (snake_case__names) is not emphasis in CommonMark.
      if (delimiter === '__' && (/[\p{L}\p{N}]/u.test(before) || /[\p{L}\p{N}]/u.test(after))) continue;
      const start = lineStart + match.index + delimiter.length;
      this.boldSpans.push([start, start + inner.length]);
    }
  }

  private findSentences(line: string, lineStart: number): void {
    const prefix = LINE_PREFIX.exec(line)?.[0].length ?? 0;
    let sentenceStart = -1;
    const close = (end: number): void => {
      if (sentenceStart >= 0) this.sentences.push({ start: lineStart + sentenceStart, end: lineStart + end });
      sentenceStart = -1;
    };
    for (let i = prefix; i < line.length; i++) {
      const ch = line[i] as string;
      if (sentenceStart < 0) {
        if (/\s/.test(ch)) continue;
        sentenceStart = i;
      }
      if (CJK_SENTENCE_END.test(ch)) {
        close(i + 1);
        continue;
      }
      if (!SENTENCE_END.test(ch)) continue;
      let j = i + 1;
      while (j < line.length && (SENTENCE_END.test(line[j] as string) || CLOSERS.test(line[j] as string))) {
        j++;
      }
      if (j < line.length && !/\s/.test(line[j] as string)) continue;
      const next = line.slice(j).trimStart();
      if (LOWERCASE_START.test(next)) continue;
      close(j);
      i = j - 1;
    }
    const trimmedEnd = line.replace(/\s+$/, '').length;
    close(Math.max(trimmedEnd, sentenceStart + 1));
  }

  private static isLowSurrogate(unit: number): boolean {
    return unit >= 0xdc00 && unit <= 0xdfff;
  }

  /** Index of the last element <= value, or -1. */
  private static lastAtOrBefore(sorted: readonly number[], value: number): number {
    let low = 0;
    let high = sorted.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if ((sorted[mid] as number) <= value) low = mid + 1;
      else high = mid;
    }
    return low - 1;
  }
}
