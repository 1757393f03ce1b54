import { type AliasAutomaton } from './alias-automaton';
import { ChannelMatchReporter } from './channel-match-reporter';
import {
  asciiCodeTable,
  CLASS_MASK,
  CLASS_SHIFT,
  DROPPED,
  NOTABLE_BIT,
  SLOW_PATH,
  SYMBOL_MASK,
  UPPER_BIT,
  type ChannelPattern,
} from './channel-patterns';
import { type MatchCandidate } from './match-candidate';
import { type MatchTrace } from './match-trace';
import { SPACE, TextNormalizer } from './text-normalizer';

/**
 * Runs one automaton over the answer folded with one profile (case folding and diacritic folding are per
 * alias, so the matcher runs up to four channels side by side). Keeps only a ring of the last
 * `maxLength + 2` symbols with their raw spans (ChannelMatchReporter, which also checks both ends of each
 * match): the bounded carry that makes chunked input cost the same as one string.
 *
 * `consumeRange` is the hot loop: ASCII code units are folded through a 128-entry table and stepped through
 * the automaton's dense table without allocating; other code points go through TextNormalizer.
 */
export class FoldChannel extends ChannelMatchReporter {
  private state = 0;
  /** Last folded symbol, -1 before the first. */
  private lastSymbol = -1;
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
    automaton: AliasAutomaton,
    patterns: readonly ChannelPattern[],
    onCandidate: (candidate: MatchCandidate) => void,
    trace: MatchTrace | null = null,
  ) {
    super(automaton, patterns, onCandidate, trace);
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
}
