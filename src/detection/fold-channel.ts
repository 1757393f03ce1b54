import { type AliasAutomaton } from './alias-automaton';
import { type CandidateKind, type MatchCandidate } from './match-candidate';
import { SPACE, TextNormalizer } from './text-normalizer';
import { RUN_NOTABLE } from './url-scanner';
import { WordBoundary } from './word-boundary';

export interface ChannelPattern {
  kind: CandidateKind;
  brandId: string;
  matched: string;
  priority: number;
  /** Length in folded symbols. */
  length: number;
}

/**
 * ASCII code table entries (`FoldChannel.asciiCodes`): DROPPED, SLOW_PATH, or the unit's folded symbol (an
 * ASCII symbol, bits 0-6), its automaton class (bits 7-29) and NOTABLE_BIT for the units the matcher's run
 * tracking must see (RUN_NOTABLE). One table read per code unit gives all three.
 */
const DROPPED = -1;
const SLOW_PATH = -2;
const SYMBOL_MASK = 0x7f;
const CLASS_SHIFT = 7;
const CLASS_MASK = (1 << 23) - 1;
const NOTABLE_BIT = 1 << 30;

/**
 * The patterns' fields as parallel arrays, cached per pattern list: a match reads a few hundred bytes of
 * compact arrays instead of one pattern object scattered in the heap among thousands (a cache miss each).
 */
class PatternColumns {
  readonly kinds: CandidateKind[];
  readonly brandIds: string[];
  readonly matched: string[];
  readonly priorities: number[];

  private constructor(patterns: readonly ChannelPattern[]) {
    this.kinds = patterns.map((pattern) => pattern.kind);
    this.brandIds = patterns.map((pattern) => pattern.brandId);
    this.matched = patterns.map((pattern) => pattern.matched);
    this.priorities = patterns.map((pattern) => pattern.priority);
  }

  static of(patterns: readonly ChannelPattern[]): PatternColumns {
    let columns = PatternColumns.cache.get(patterns);
    if (columns === undefined) {
      columns = new PatternColumns(patterns);
      PatternColumns.cache.set(patterns, columns);
    }
    return columns;
  }

  private static readonly cache = new WeakMap<readonly ChannelPattern[], PatternColumns>();
}

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
  private awaitingCount = 0;
  private awaitingEnd = 0;
  private awaitingSymbol = 0;
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
  ) {
    this.patterns = PatternColumns.of(patterns);
    let ringSize = 4;
    while (ringSize < automaton.maxLength + 2) ringSize *= 2;
    this.ringMask = ringSize - 1;
    this.ringSymbols = new Int32Array(ringSize);
    this.ringStarts = new Int32Array(ringSize);
    this.asciiCodes = FoldChannel.codeTable(normalizer, automaton);
  }

  /**
   * The same folding as TextNormalizer.symbolsOf for ASCII, as a table of codes (see NOTABLE_BIT), cached
   * per automaton: matchers are started per answer from one compiled watchlist.
   */
  private static codeTable(normalizer: TextNormalizer, automaton: AliasAutomaton): Int32Array {
    const cached = FoldChannel.codeTables.get(automaton);
    if (cached !== undefined && cached.normalizer === normalizer) return cached.codes;
    const codes = new Int32Array(128);
    for (let unit = 0; unit < 128; unit++) {
      const symbols = normalizer.symbolsOf(unit);
      const symbol = symbols[0];
      if (symbol === undefined) codes[unit] = DROPPED;
      else if (symbols.length > 1 || symbol > SYMBOL_MASK) codes[unit] = SLOW_PATH;
      else {
        const cls = automaton.classOf(symbol);
        if (cls > CLASS_MASK) throw new Error(`symbol class ${cls} out of range`);
        codes[unit] = symbol | (cls << CLASS_SHIFT) | (RUN_NOTABLE[unit] === 1 ? NOTABLE_BIT : 0);
      }
    }
    FoldChannel.codeTables.set(automaton, { normalizer, codes });
    return codes;
  }

  private static readonly codeTables = new WeakMap<
    AliasAutomaton,
    { normalizer: TextNormalizer; codes: Int32Array }
  >();

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
    let awaiting = this.awaitingCount > 0;
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
        awaiting = this.awaitingCount > 0;
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
        awaiting = false;
      }
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
        this.reportAll(state, symbol, base + index + 1);
        awaiting = this.awaitingCount > 0;
      }
    }
    this.state = state;
    this.position = position;
    this.lastSymbol = lastSymbol;
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
    for (const symbol of symbols) {
      if (symbol === SPACE && this.lastSymbol === SPACE) continue;
      if (this.awaitingCount > 0) this.settleAwaiting(symbol);
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
    if (depth === 0) return consumed;
    return this.ringStarts[(this.position - depth) & this.ringMask] as number;
  }

  /** The symbol after the awaiting matches is `next` (-1: end of stream): hands on those it does not cut. */
  private settleAwaiting(next: number): void {
    const count = this.awaitingCount;
    this.awaitingCount = 0;
    const lastSymbol = this.awaitingSymbol;
    if (count === 0 || (next >= 0 && WordBoundary.cutsWord(lastSymbol, next))) return;
    const ids = this.awaitingIds;
    const starts = this.awaitingStarts;
    const patterns = this.patterns;
    const end = this.awaitingEnd;
    for (let i = 0; i < count; i++) {
      const id = ids[i] as number;
      this.onCandidate({
        kind: patterns.kinds[id] as CandidateKind,
        brandId: patterns.brandIds[id] as string,
        matched: patterns.matched[id] as string,
        priority: patterns.priorities[id] as number,
        start: starts[i] as number,
        end,
        lastSymbol,
        nextKnown: true,
        endOk: true,
        linkTextStart: null,
      });
    }
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
        if (WordBoundary.cutsWord(before, ringSymbols[first & mask])) continue;
        const count = this.awaitingCount++;
        this.awaitingIds[count] = patternId;
        this.awaitingStarts[count] = this.ringStarts[first & mask] as number;
      }
    }
    if (this.awaitingCount > 0) {
      this.awaitingSymbol = symbol;
      this.awaitingEnd = rawEnd;
    }
  }
}
