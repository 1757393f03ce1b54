import { type AliasAutomaton } from './alias-automaton';
import {
  asciiCodeTable,
  CLASS_MASK,
  CLASS_SHIFT,
  DROPPED,
  NEEDS_CAPITAL,
  NO_COMPOUND,
  NOTABLE_BIT,
  PatternColumns,
  SLOW_PATH,
  SYMBOL_MASK,
  UPPER_BIT,
  type ChannelPattern,
} from './channel-patterns';
import { type CandidateKind, type MatchCandidate } from './match-candidate';
import { type MatchTrace } from './match-trace';
import { SPACE, TextNormalizer } from './text-normalizer';
import { WordBoundary } from './word-boundary';

const HYPHEN = 0x2d;
/** A word character: cutsWord(x, HYPHEN_WORD_PROBE) says whether x is one. */
const HYPHEN_WORD_PROBE = 0x61;

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
  /** The last symbols and the raw offset where each starts, indexed by position & ringMask. */
  private readonly ringSymbols: Int32Array;
  private readonly ringStarts: Int32Array;
  /**
   * Matches that end at the last symbol and await the next one (their right-hand word boundary): pattern id
   * and raw start of each, and the match end shared by all of them. Kept as plain numbers and turned into
   * candidates only once the boundary holds, so a match that runs into the next word ("Acme" in "Acmex")
   * never allocates and never reaches the resolver. Until the next symbol this channel's horizon lies at or
   * before every such start, so nothing the resolver settles meanwhile could overlap them.
   */
  private readonly awaitingIds: number[] = [];
  private readonly awaitingStarts: number[] = [];
  /** The awaiting match holds no capital letter (see NEEDS_CAPITAL). */
  private readonly awaitingLower: boolean[] = [];
  private awaitingCount = 0;
  private awaitingEnd = 0;
  private awaitingSymbol = 0;
  /**
   * NO_COMPOUND matches followed by a hyphen, held until the symbol after it: "X-ray" is a compound, "X - a"
   * or "X-" at the end of the text is not. Same layout as the awaiting matches.
   */
  private readonly hyphenIds: number[] = [];
  private readonly hyphenStarts: number[] = [];
  private readonly hyphenLower: boolean[] = [];
  private hyphenCount = 0;
  private hyphenEnd = 0;
  private hyphenSymbol = 0;
  /** Ring position of the last capital letter seen (-1: none). */
  private lastUpper = -1;
  private readonly patterns: PatternColumns;
  /** Code of each ASCII code unit (symbol, class and NOTABLE_BIT, or DROPPED / SLOW_PATH). */
  private readonly asciiCodes: Int32Array;
  /**
   * Run tracking for the matcher, piggybacked on this loop so the text is read once: text index of the last
   * unit of the last consumeRange call that ends a URL-like run (whitespace or non-ASCII; -1 if none), and
   * whether that range held a RUN_NOTABLE unit (then the matcher rescans the chunk in full).
   */
  lastRunBreak = -1;
  sawRunNotable = false;
  constructor(
    private readonly normalizer: TextNormalizer,
    private readonly automaton: AliasAutomaton,
    patterns: readonly ChannelPattern[],
    private readonly onCandidate: (candidate: MatchCandidate) => void,
    private readonly trace: MatchTrace | null = null,
  ) {
    this.patterns = PatternColumns.of(patterns);
    let ringSize = 4;
    while (ringSize < automaton.maxLength + 2) ringSize *= 2;
    this.ringMask = ringSize - 1;
    this.ringSymbols = new Int32Array(ringSize);
    this.ringStarts = new Int32Array(ringSize);
    this.asciiCodes = asciiCodeTable(normalizer, automaton);
  }

  /**
   * Consumes text[from, to) whose first unit sits at raw offset `base + from`. The range must not end in
   * the middle of a surrogate pair (the matcher holds a trailing high surrogate back).
   */
  consumeRange(text: string, from: number, to: number, base: number): void {
    const codes = this.asciiCodes;
    const automaton = this.automaton;
    const dense16 = automaton.dense16;
    const shift = automaton.strideShift;
    const firstTerminal = automaton.firstTerminal;
    const space = SPACE;
    const hasOutput = automaton.hasOutput;
    const ringSymbols = this.ringSymbols;
    const ringStarts = this.ringStarts;
    const mask = this.ringMask;
    let state = this.state;
    let position = this.position;
    let lastSymbol = this.lastSymbol;
    let awaiting = this.awaitingCount > 0 || this.hyphenCount > 0;
    let lastUpper = this.lastUpper;
    let lastRunBreak = -1;
    let sawRunNotable = false;
    /** OR of the codes seen (NOTABLE_BIT set when a unit was notable): no branch per unit. */
    let seen = 0;
    for (let index = from; index < to; index++) {
      const unit = text.charCodeAt(index);
      const code = unit < 0x80 ? (codes[unit] as number) : SLOW_PATH;
      if (code < 0) {
        if (code === DROPPED) continue;
        // SLOW_PATH: non-ASCII (or multi-symbol) code point through the general rules. Non-ASCII ends a
        // URL-like run; a multi-symbol ASCII unit (none today) is flagged to be safe.
        if (unit < 0x80) sawRunNotable = true;
        this.state = state;
        this.position = position;
        this.lastSymbol = lastSymbol;
        this.lastUpper = lastUpper;
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
        lastUpper = this.lastUpper;
        awaiting = this.awaitingCount > 0 || this.hyphenCount > 0;
        index += width - 1;
        lastRunBreak = index;
        continue;
      }
      seen |= code;
      const symbol = code & SYMBOL_MASK;
      if (symbol === space) {
        lastRunBreak = index;
        if (lastSymbol === space) continue;
      }
      if (awaiting) {
        this.settleAwaiting(symbol);
        awaiting = this.hyphenCount > 0;
      }
      if ((code & UPPER_BIT) !== 0) lastUpper = position;
      const slot = position & mask;
      ringSymbols[slot] = symbol;
      ringStarts[slot] = base + index;
      position++;
      lastSymbol = symbol;
      // Class 0 (in no pattern) leads back to the root: the dense tables' column 0 is all zeroes.
      const cls = (code >> CLASS_SHIFT) & CLASS_MASK;
      let output: boolean;
      if (dense16 !== null) {
        state = dense16[(state << shift) + cls] as number;
        output = state >= firstTerminal;
      } else {
        state = automaton.stepClass(state, cls);
        output = hasOutput[state] !== 0;
      }
      if (output) {
        this.position = position;
        this.lastUpper = lastUpper;
        this.reportAll(state, symbol, base + index + 1);
        awaiting = this.awaitingCount > 0 || this.hyphenCount > 0;
      }
    }
    this.state = state;
    this.position = position;
    this.lastSymbol = lastSymbol;
    this.lastUpper = lastUpper;
    this.lastRunBreak = lastRunBreak;
    this.sawRunNotable = sawRunNotable || (seen & NOTABLE_BIT) !== 0;
  }

  /** One code point through the general folding rules (any script). */
  consume(codePoint: number, rawStart: number, rawEnd: number): void {
    const symbols = this.normalizer.symbolsOf(codePoint);
    if (symbols.length === 0) {
      // A combining mark this profile folds away still belongs to the letter before it: "Cafe\u0301"
      // must report a span that ends after the accent, not in the middle of the reader's "é".
      if (TextNormalizer.isCombiningMark(codePoint) && this.position > 0) {
        this.awaitingEnd = rawEnd;
      }
      return;
    }
    const upper = this.normalizer.isCapital(codePoint);
    for (const symbol of symbols) {
      if (symbol === SPACE && this.lastSymbol === SPACE) continue;
      if (this.awaitingCount > 0 || this.hyphenCount > 0) this.settleAwaiting(symbol);
      if (upper) this.lastUpper = this.position;
      const slot = this.position & this.ringMask;
      this.ringSymbols[slot] = symbol;
      this.ringStarts[slot] = rawStart;
      this.position++;
      this.lastSymbol = symbol;
      this.state = this.automaton.step(this.state, symbol);
      if (this.automaton.hasOutput[this.state] !== 0) this.reportAll(this.state, symbol, rawEnd);
    }
  }

  /** End of stream: nothing follows any pending match, so every right-hand boundary holds. */
  finish(): void {
    this.settleAwaiting(-1);
  }

  /**
   * Raw offset before which no future match of this channel can start: the start of the longest suffix of
   * the input that is still a prefix of some pattern, or everything consumed when there is none.
   */
  horizon(consumed: number): number {
    const depth = this.automaton.depth(this.state);
    const held = this.hyphenCount > 0 ? this.firstHyphenStart() : consumed;
    if (depth === 0) return held;
    return Math.min(held, this.ringStarts[(this.position - depth) & this.ringMask] as number);
  }

  private firstHyphenStart(): number {
    let first = this.hyphenStarts[0] as number;
    for (let i = 1; i < this.hyphenCount; i++) first = Math.min(first, this.hyphenStarts[i] as number);
    return first;
  }

  /** The symbol after the awaiting matches is `next` (-1: end of stream): hands on those it does not cut. */
  private settleAwaiting(next: number): void {
    if (this.hyphenCount > 0) this.settleHyphen(next);
    const count = this.awaitingCount;
    this.awaitingCount = 0;
    if (count === 0) return;
    const lastSymbol = this.awaitingSymbol;
    const ids = this.awaitingIds;
    const starts = this.awaitingStarts;
    const end = this.awaitingEnd;
    if (next >= 0 && WordBoundary.cutsWord(lastSymbol, next)) {
      if (this.trace !== null) {
        for (let i = 0; i < count; i++)
          this.traced(ids[i] as number, starts[i] as number, end, 'word-boundary');
      }
      return;
    }
    const flags = this.patterns.flags;
    for (let i = 0; i < count; i++) {
      const id = ids[i] as number;
      if (next === HYPHEN && ((flags[id] as number) & NO_COMPOUND) !== 0) {
        const held = this.hyphenCount++;
        this.hyphenIds[held] = id;
        this.hyphenStarts[held] = starts[i] as number;
        this.hyphenLower[held] = this.awaitingLower[i] as boolean;
        this.hyphenEnd = end;
        this.hyphenSymbol = lastSymbol;
        continue;
      }
      this.emit(id, starts[i] as number, end, lastSymbol, this.awaitingLower[i] as boolean);
    }
  }

  /** `next` follows the hyphen after the held matches: a word character makes them part of a compound. */
  private settleHyphen(next: number): void {
    const count = this.hyphenCount;
    this.hyphenCount = 0;
    const compound = next >= 0 && WordBoundary.cutsWord(HYPHEN_WORD_PROBE, next);
    for (let i = 0; i < count; i++) {
      const id = this.hyphenIds[i] as number;
      const start = this.hyphenStarts[i] as number;
      if (compound) this.traced(id, start, this.hyphenEnd, 'hyphen-compound');
      else this.emit(id, start, this.hyphenEnd, this.hyphenSymbol, this.hyphenLower[i] as boolean);
    }
  }

  private emit(id: number, start: number, end: number, lastSymbol: number, lowercaseOnly: boolean): void {
    const patterns = this.patterns;
    this.onCandidate({
      kind: patterns.kinds[id] as CandidateKind,
      brandId: patterns.brandIds[id] as string,
      matched: patterns.matched[id] as string,
      priority: patterns.priorities[id] as number,
      start,
      end,
      lastSymbol,
      nextKnown: true,
      endOk: true,
      linkTextStart: null,
      lowercaseOnly,
    });
  }

  /** Tells the trace (when there is one) about a match of an alias that a rule rejected here. */
  private traced(id: number, start: number, end: number, rule: 'word-boundary' | 'hyphen-compound'): void {
    if (this.trace === null || this.patterns.kinds[id] !== 'alias') return;
    const patterns = this.patterns;
    this.trace.rejected(
      { brandId: patterns.brandIds[id] as string, matched: patterns.matched[id] as string, start, end },
      rule,
      null,
    );
  }

  /** Reports the patterns ending at `state` (longest first) that do not start inside a word. */
  private reportAll(state: number, symbol: number, rawEnd: number): void {
    const automaton = this.automaton;
    const ownStart = automaton.ownStart;
    const ownIds = automaton.ownIds;
    const lengths = automaton.patternLengths;
    const ringSymbols = this.ringSymbols;
    const mask = this.ringMask;
    for (let s = automaton.firstOutputState(state); s > 0; s = automaton.nextOutputState(s)) {
      const end = ownStart[s + 1] as number;
      for (let i = ownStart[s] as number; i < end; i++) {
        const patternId = ownIds[i] as number;
        const first = this.position - (lengths[patternId] as number);
        // A match glued to the word before it can never become valid; dropping it here (before touching
        // the pattern) keeps the pending list short, e.g. for a short alias that ends a longer word.
        const before = first > 0 ? ringSymbols[(first - 1) & mask] : undefined;
        if (WordBoundary.cutsWord(before, ringSymbols[first & mask])) {
          if (this.trace !== null)
            this.traced(patternId, this.ringStarts[first & mask] as number, rawEnd, 'word-boundary');
          continue;
        }
        const flags = this.patterns.flags[patternId] as number;
        if (
          (flags & NO_COMPOUND) !== 0 &&
          before === HYPHEN &&
          first > 1 &&
          WordBoundary.cutsWord(ringSymbols[(first - 2) & mask], HYPHEN_WORD_PROBE)
        ) {
          this.traced(patternId, this.ringStarts[first & mask] as number, rawEnd, 'hyphen-compound');
          continue;
        }
        const count = this.awaitingCount++;
        this.awaitingIds[count] = patternId;
        this.awaitingStarts[count] = this.ringStarts[first & mask] as number;
        this.awaitingLower[count] = (flags & NEEDS_CAPITAL) !== 0 && this.lastUpper < first;
      }
    }
    if (this.awaitingCount > 0) {
      this.awaitingSymbol = symbol;
      this.awaitingEnd = rawEnd;
    }
  }
}
