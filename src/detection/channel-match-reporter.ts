import { type AliasAutomaton } from './alias-automaton';
import { NEEDS_CAPITAL, NO_COMPOUND, PatternColumns, type ChannelPattern } from './channel-patterns';
import { type CandidateKind, type MatchCandidate } from './match-candidate';
import { type MatchTrace } from './match-trace';
import { WordBoundary } from './word-boundary';

const HYPHEN = 0x2d;
/** A word character: cutsWord(x, HYPHEN_WORD_PROBE) says whether x is one. */
const HYPHEN_WORD_PROBE = 0x61;

/**
 * The half of a FoldChannel that turns the automaton's outputs into candidates: a ring of the last
 * `maxLength + 2` symbols with their raw spans (enough to map a match back to raw offsets and to check the
 * symbol before it), and the word-boundary, hyphen-compound and capital-letter checks at both ends of a
 * match. A base class rather than a collaborator so the channel's hot loop keeps calling methods and reading
 * fields of one object.
 */
export abstract class ChannelMatchReporter {
  protected position = 0;
  protected readonly ringMask: number;
  /** The last symbols and the raw offset where each starts, indexed by position & ringMask. */
  protected readonly ringSymbols: Int32Array;
  protected readonly ringStarts: Int32Array;
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
  protected awaitingCount = 0;
  protected awaitingEnd = 0;
  private awaitingSymbol = 0;
  /**
   * NO_COMPOUND matches followed by a hyphen, held until the symbol after it: "X-ray" is a compound, "X - a"
   * or "X-" at the end of the text is not. Same layout as the awaiting matches.
   */
  private readonly hyphenIds: number[] = [];
  private readonly hyphenStarts: number[] = [];
  private readonly hyphenLower: boolean[] = [];
  protected hyphenCount = 0;
  private hyphenEnd = 0;
  private hyphenSymbol = 0;
  /** Ring position of the last capital letter seen (-1: none). */
  protected lastUpper = -1;
  private readonly patterns: PatternColumns;

  constructor(
    protected readonly automaton: AliasAutomaton,
    patterns: readonly ChannelPattern[],
    private readonly onCandidate: (candidate: MatchCandidate) => void,
    private readonly trace: MatchTrace | null,
  ) {
    this.patterns = PatternColumns.of(patterns);
    let ringSize = 4;
    while (ringSize < automaton.maxLength + 2) ringSize *= 2;
    this.ringMask = ringSize - 1;
    this.ringSymbols = new Int32Array(ringSize);
    this.ringStarts = new Int32Array(ringSize);
  }

  protected firstHyphenStart(): number {
    let first = this.hyphenStarts[0] as number;
    for (let i = 1; i < this.hyphenCount; i++) first = Math.min(first, this.hyphenStarts[i] as number);
    return first;
  }

  /** The symbol after the awaiting matches is `next` (-1: end of stream): hands on those it does not cut. */
  protected settleAwaiting(next: number): void {
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
        for (let i = 0; i < count; i++) {
          this.traced(ids[i] as number, starts[i] as number, end, 'word-boundary');
        }
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
  protected reportAll(state: number, symbol: number, rawEnd: number): void {
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
          if (this.trace !== null) {
            this.traced(patternId, this.ringStarts[first & mask] as number, rawEnd, 'word-boundary');
          }
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
