/**
 * Optional observer of the matcher's decisions, for the explain endpoint: every match of an alias that a
 * rule rejected, with the rule (and what rejected it, for exclusions and overlaps), and the `near`
 * candidates (aliases found with case and diacritics folded). The matcher calls it only on paths that
 * already reject something and checks for null first, so without a trace detection costs what it did.
 */
export type NearMissRule =
  | 'word-boundary'
  | 'hyphen-compound'
  | 'lowercase'
  | 'case'
  | 'diacritics'
  | 'exclusion'
  | 'url'
  | 'overlap'
  | 'repeated-link';

export interface TracedMatch {
  brandId: string;
  /** The alias, exclusion or domain as configured. */
  matched: string;
  start: number;
  end: number;
}

export interface MatchTrace {
  /** A match of an alias the rule rejected; `by` is the exclusion or the longer mention that won. */
  rejected(match: TracedMatch, rule: NearMissRule, by: TracedMatch | null): void;
  /** An alias found with case and diacritics folded (CompileOptions.nearMisses). */
  near(match: TracedMatch): void;
}
