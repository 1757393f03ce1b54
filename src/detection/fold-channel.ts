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

/**
 * Runs one automaton over the answer folded with one profile (case folding and diacritic folding are per
 * alias, so the matcher runs up to four channels side by side). Keeps only a ring of the last
 * `maxLength + 2` symbols with their raw spans: enough to map a match back to raw offsets and to check the
 * symbol before it, which is the bounded carry that makes chunked input cost the same as one string.
 */
export class FoldChannel {
  private state = 0;
  private position = 0;
  private lastSymbol: number | undefined;
  private readonly ringSize: number;
  private readonly ringSymbols: number[];
  private readonly ringStarts: number[];
  private readonly ringEnds: number[];
  private readonly awaitingNext: MatchCandidate[] = [];

  constructor(
    private readonly normalizer: TextNormalizer,
    private readonly automaton: AliasAutomaton,
    private readonly patterns: readonly ChannelPattern[],
    private readonly onCandidate: (candidate: MatchCandidate) => void,
  ) {
    this.ringSize = automaton.maxLength + 2;
    this.ringSymbols = new Array<number>(this.ringSize).fill(0);
    this.ringStarts = new Array<number>(this.ringSize).fill(0);
    this.ringEnds = new Array<number>(this.ringSize).fill(0);
  }

  consume(codePoint: number, rawStart: number, rawEnd: number): void {
    const symbols = this.normalizer.symbolsOf(codePoint);
    if (symbols.length === 0) {
      // A combining mark this profile folds away still belongs to the letter before it: "Cafe\u0301"
      // must report a span that ends after the accent, not in the middle of the reader's "é".
      if (TextNormalizer.isCombiningMark(codePoint) && this.position > 0) {
        this.ringEnds[(this.position - 1) % this.ringSize] = rawEnd;
        for (const candidate of this.awaitingNext) candidate.end = rawEnd;
      }
      return;
    }
    for (const symbol of symbols) {
      if (symbol === SPACE && this.lastSymbol === SPACE) continue;
      this.settleAwaiting(symbol);
      const slot = this.position % this.ringSize;
      this.ringSymbols[slot] = symbol;
      this.ringStarts[slot] = rawStart;
      this.ringEnds[slot] = rawEnd;
      this.position++;
      this.lastSymbol = symbol;
      this.state = this.automaton.step(this.state, symbol);
      this.automaton.forEachMatch(this.state, (id) => this.report(id, symbol, rawEnd));
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
    return this.ringStarts[(this.position - depth) % this.ringSize] as number;
  }

  private settleAwaiting(next: number): void {
    for (const candidate of this.awaitingNext) {
      candidate.nextKnown = true;
      candidate.endOk = !WordBoundary.cutsWord(candidate.lastSymbol, next);
    }
    this.awaitingNext.length = 0;
  }

  private report(patternId: number, symbol: number, rawEnd: number): void {
    const pattern = this.patterns[patternId] as ChannelPattern;
    const first = this.position - pattern.length;
    const before = first > 0 ? this.ringSymbols[(first - 1) % this.ringSize] : undefined;
    // A match glued to the word before it can never become valid; dropping it here keeps the pending list
    // short in long runs of text without spaces.
    if (WordBoundary.cutsWord(before, this.ringSymbols[first % this.ringSize])) return;
    const candidate: MatchCandidate = {
      kind: pattern.kind,
      brandId: pattern.brandId,
      matched: pattern.matched,
      priority: pattern.priority,
      start: this.ringStarts[first % this.ringSize] as number,
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
