// The patterns of one fold channel in the layouts its hot loop reads: parallel columns and an ASCII code table.
import { type AliasAutomaton } from './alias-automaton';
import { type CandidateKind } from './match-candidate';
import { type TextNormalizer } from './text-normalizer';
import { RUN_NOTABLE } from './url-scanner';

export interface ChannelPattern {
  kind: CandidateKind;
  brandId: string;
  matched: string;
  priority: number;
  /** Length in folded symbols. */
  length: number;
  /** NEEDS_CAPITAL, NO_COMPOUND. */
  flags: number;
}

/** The match must hold a capital letter, or be a URL host's label (the `capitalised` case policy). */
export const NEEDS_CAPITAL = 1;
/** The match must not be part of a hyphenated compound ("X" in "X-ray" or "pre-X"). */
export const NO_COMPOUND = 2;

/**
 * ASCII code table entries (`FoldChannel.asciiCodes`): DROPPED, SLOW_PATH, or the unit's folded symbol (an
 * ASCII symbol, bits 0-6), its automaton class (bits 7-29) and NOTABLE_BIT for the units the matcher's run
 * tracking must see (RUN_NOTABLE). One table read per code unit gives all three.
 */
export const DROPPED = -1;
export const SLOW_PATH = -2;
export const SYMBOL_MASK = 0x7f;
export const CLASS_SHIFT = 7;
export const CLASS_MASK = (1 << 22) - 1;
/** An ASCII capital letter (what NEEDS_CAPITAL looks for). */
export const UPPER_BIT = 1 << 29;
export const NOTABLE_BIT = 1 << 30;

/**
 * The patterns' fields as parallel arrays, cached per pattern list: a match reads a few hundred bytes of
 * compact arrays instead of one pattern object scattered in the heap among thousands (a cache miss each).
 */
export class PatternColumns {
  readonly kinds: CandidateKind[];
  readonly brandIds: string[];
  readonly matched: string[];
  readonly priorities: number[];
  readonly flags: number[];

  private constructor(patterns: readonly ChannelPattern[]) {
    this.kinds = patterns.map((pattern) => pattern.kind);
    this.brandIds = patterns.map((pattern) => pattern.brandId);
    this.matched = patterns.map((pattern) => pattern.matched);
    this.priorities = patterns.map((pattern) => pattern.priority);
    this.flags = patterns.map((pattern) => pattern.flags);
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

const codeTables = new WeakMap<AliasAutomaton, { normalizer: TextNormalizer; codes: Int32Array }>();

/**
 * The same folding as TextNormalizer.symbolsOf for ASCII, as a table of codes (see NOTABLE_BIT), cached
 * per automaton: matchers are started per answer from one compiled watchlist.
 */
export function asciiCodeTable(normalizer: TextNormalizer, automaton: AliasAutomaton): Int32Array {
  const cached = codeTables.get(automaton);
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
      codes[unit] =
        symbol |
        (cls << CLASS_SHIFT) |
        (RUN_NOTABLE[unit] === 1 ? NOTABLE_BIT : 0) |
        (unit >= 0x41 && unit <= 0x5a ? UPPER_BIT : 0);
    }
  }
  codeTables.set(automaton, { normalizer, codes });
  return codes;
}
