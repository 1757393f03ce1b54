import { type AliasAutomaton } from './alias-automaton';
import { type CandidateKind, type MatchCandidate } from './match-candidate';
import { SPACE, TextNormalizer } from './text-normalizer';
import { WordBoundary } from './word-boundary';

export interface ChannelPattern {
  kind: CandidateKind;
  brandId: string;
  matched: string;
  priority: number;
  /** Length in folded symbols. */
  length: number;
}

/** ASCII table entries: a folded symbol, or one of these. */
const DROPPED = -1;
const SLOW_PATH = -2;

/**
 * Runs one automaton over the answer folded with one profile (case folding and diacritic folding are per
 * alias, so the matcher runs up to four channels side by side). Keeps only a ring of the last
 * `maxLength + 2` symbols with their raw spans: enough to map a match back to raw offsets and to check the
 * symbol before it, which is the bounded carry that makes chunked input cost the same as one string.
 *
 * `consumeRange` is the hot loop: ASCII code units are folded through a 128-entry table and stepped through
 * the automaton's dense table without allocating; other code points go through TextNormalizer.
 */
export class FoldChannel {
  private state = 0;
  private position = 0;
  /** Last folded symbol, -1 before the first. */
  private lastSymbol = -1;
  private readonly ringMask: number;
  private readonly ringSymbols: Int32Array;
  private readonly ringStarts: Float64Array;
  private readonly ringEnds: Float64Array;
  private readonly awaitingNext: MatchCandidate[] = [];
  private readonly asciiSymbols: Int32Array;

  constructor(
    private readonly normalizer: TextNormalizer,
    private readonly automaton: AliasAutomaton,
    private readonly patterns: readonly ChannelPattern[],
    private readonly onCandidate: (candidate: MatchCandidate) => void,
  ) {
    let ringSize = 4;
    while (ringSize < automaton.maxLength + 2) ringSize *= 2;
    this.ringMask = ringSize - 1;
    this.ringSymbols = new Int32Array(ringSize);
    this.ringStarts = new Float64Array(ringSize);
    this.ringEnds = new Float64Array(ringSize);
    this.asciiSymbols = FoldChannel.asciiTable(normalizer);
  }

  /** The same folding as TextNormalizer.symbolsOf for ASCII, as a table (cached per normalizer). */
  private static asciiTable(normalizer: TextNormalizer): Int32Array {
    const cached = FoldChannel.tables.get(normalizer);
    if (cached !== undefined) return cached;
    const table = new Int32Array(128);
    for (let unit = 0; unit < 128; unit++) {
      const symbols = normalizer.symbolsOf(unit);
      table[unit] =
        symbols.length === 0 ? DROPPED : symbols.length === 1 ? (symbols[0] as number) : SLOW_PATH;
    }
    FoldChannel.tables.set(normalizer, table);
    return table;
  }

  private static readonly tables = new WeakMap<TextNormalizer, Int32Array>();

  /**
   * Consumes text[from, to) whose first unit sits at raw offset `base + from`. The range must not end in
   * the middle of a surrogate pair (the matcher holds a trailing high surrogate back).
   */
  consumeRange(text: string, from: number, to: number, base: number): void {
    const table = this.asciiSymbols;
    const automaton = this.automaton;
    const dense = automaton.dense;
    const asciiClass = automaton.asciiClass;
    const stride = automaton.stride;
    const hasOutput = automaton.hasOutput;
    const ringSymbols = this.ringSymbols;
    const ringStarts = this.ringStarts;
    const ringEnds = this.ringEnds;
    const mask = this.ringMask;
    let state = this.state;
    let position = this.position;
    let lastSymbol = this.lastSymbol;
    let index = from;
    while (index < to) {
      const unit = text.charCodeAt(index);
      const symbol = unit < 0x80 ? (table[unit] as number) : SLOW_PATH;
      if (symbol === DROPPED || (symbol === SPACE && lastSymbol === SPACE)) {
        index++;
        continue;
      }
      if (symbol === SLOW_PATH) {
        this.state = state;
        this.position = position;
        this.lastSymbol = lastSymbol;
        let codePoint = unit;
        let width = 1;
        if (unit >= 0xd800 && unit <= 0xdbff && index + 1 < to) {
          const low = text.charCodeAt(index + 1);
          if (low >= 0xdc00 && low <= 0xdfff) {
            codePoint = 0x10000 + ((unit - 0xd800) << 10) + (low - 0xdc00);
            width = 2;
          }
        }
        this.consume(codePoint, base + index, base + index + width);
        state = this.state;
        position = this.position;
        lastSymbol = this.lastSymbol;
        index += width;
        continue;
      }
      if (this.awaitingNext.length > 0) this.settleAwaiting(symbol);
      const rawStart = base + index;
      const slot = position & mask;
      ringSymbols[slot] = symbol;
      ringStarts[slot] = rawStart;
      ringEnds[slot] = rawStart + 1;
      position++;
      lastSymbol = symbol;
      const cls = asciiClass[symbol] as number;
      state =
        cls === 0
          ? 0
          : dense !== null
            ? (dense[state * stride + cls] as number)
            : automaton.stepClass(state, cls);
      if (hasOutput[state] !== 0) {
        this.position = position;
        this.reportAll(state, symbol, rawStart + 1);
      }
      index++;
    }
    this.state = state;
    this.position = position;
    this.lastSymbol = lastSymbol;
  }

  /** One code point through the general folding rules (any script). */
  consume(codePoint: number, rawStart: number, rawEnd: number): void {
    const symbols = this.normalizer.symbolsOf(codePoint);
    if (symbols.length === 0) {
      // A combining mark this profile folds away still belongs to the letter before it: "Cafe\u0301"
      // must report a span that ends after the accent, not in the middle of the reader's "é".
      if (TextNormalizer.isCombiningMark(codePoint) && this.position > 0) {
        this.ringEnds[(this.position - 1) & this.ringMask] = rawEnd;
        for (const candidate of this.awaitingNext) candidate.end = rawEnd;
      }
      return;
    }
    for (const symbol of symbols) {
      if (symbol === SPACE && this.lastSymbol === SPACE) continue;
      if (this.awaitingNext.length > 0) this.settleAwaiting(symbol);
      const slot = this.position & this.ringMask;
      this.ringSymbols[slot] = symbol;
      this.ringStarts[slot] = rawStart;
      this.ringEnds[slot] = rawEnd;
      this.position++;
      this.lastSymbol = symbol;
      this.state = this.automaton.step(this.state, symbol);
      if (this.automaton.hasOutput[this.state] !== 0) this.reportAll(this.state, symbol, rawEnd);
    }
  }

  /** End of stream: nothing follows any pending match, so every right-hand boundary holds. */
  finish(): void {
    for (const candidate of this.awaitingNext) {
      candidate.nextKnown = true;
      candidate.endOk = true;
    }
    this.awaitingNext.length = 0;
  }

  /**
   * Raw offset before which no future match of this channel can start: the start of the longest suffix of
   * the input that is still a prefix of some pattern, or everything consumed when there is none.
   */
  horizon(consumed: number): number {
    const depth = this.automaton.depth(this.state);
    if (depth === 0) return consumed;
    return this.ringStarts[(this.position - depth) & this.ringMask] as number;
  }

  private settleAwaiting(next: number): void {
    for (const candidate of this.awaitingNext) {
      candidate.nextKnown = true;
      candidate.endOk = !WordBoundary.cutsWord(candidate.lastSymbol, next);
    }
    this.awaitingNext.length = 0;
  }

  private reportAll(state: number, symbol: number, rawEnd: number): void {
    this.automaton.forEachMatch(state, (id) => this.report(id, symbol, rawEnd));
  }

  private report(patternId: number, symbol: number, rawEnd: number): void {
    const pattern = this.patterns[patternId] as ChannelPattern;
    const first = this.position - pattern.length;
    const before = first > 0 ? this.ringSymbols[(first - 1) & this.ringMask] : undefined;
    // A match glued to the word before it can never become valid; dropping it here keeps the pending list
    // short in long runs of text without spaces.
    if (WordBoundary.cutsWord(before, this.ringSymbols[first & this.ringMask])) return;
    const candidate: MatchCandidate = {
      kind: pattern.kind,
      brandId: pattern.brandId,
      matched: pattern.matched,
      priority: pattern.priority,
      start: this.ringStarts[first & this.ringMask] as number,
      end: rawEnd,
      lastSymbol: symbol,
      nextKnown: false,
      endOk: false,
      linkTextStart: null,
    };
    this.awaitingNext.push(candidate);
    this.onCandidate(candidate);
  }
}
