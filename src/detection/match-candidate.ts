/**
 * A possible mention (or exclusion phrase) found in the stream, before boundary, exclusion, URL and overlap
 * rules have all been settled (`near`: an alias found with case and diacritics folded, only compiled for the
 * explain endpoint's near misses). Candidates are shared by reference between the fold channel that found them
 * (which settles the right-hand boundary when the next symbol arrives) and the resolver.
 */
export type CandidateKind = 'alias' | 'exclusion' | 'domain' | 'near';

export interface MatchCandidate {
  kind: CandidateKind;
  brandId: string;
  /** The alias, exclusion phrase or domain as configured. */
  matched: string;
  /** Tie-break between equally long overlapping candidates: lower wins (brand order, then alias order). */
  priority: number;
  /** Raw UTF-16 span in the answer, end exclusive. */
  start: number;
  end: number;
  /** Last folded symbol of the match, used to check the boundary against the symbol that follows. */
  lastSymbol: number;
  /** The symbol after the match has been seen (or the stream ended). */
  nextKnown: boolean;
  /** The match does not run into a following word (valid once nextKnown). */
  endOk: boolean;
  /**
   * Set for a host-level mention inside a Markdown link destination: the raw offset of the link text's `[`.
   * The reader sees the link text, not the URL, so the URL only counts when the text did not already name
   * the same brand.
   */
  linkTextStart: number | null;
  /**
   * The alias needs a capital letter (the `capitalised` case policy) and the match has none: it only counts
   * as a URL host's label ("notion.so"), never as the common word ("notion").
   */
  lowercaseOnly: boolean;
}
