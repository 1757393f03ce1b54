// One line per detection rule (docs/metrics.md, "Detection rules" and "Detection defaults").
import type { AliasRule } from './brand-draft';

export const RULE_LABEL: Record<AliasRule, string> = {
  caseSensitive: 'Match case',
  foldDiacritics: 'Ignore accents',
  optionalPunctuation: 'Punctuation optional',
  inCompounds: 'Inside hyphenated words',
};

export const RULE_HELP: Record<AliasRule, string> = {
  caseSensitive:
    'On: only as written. Default: short aliases and ambiguous brands as written; a capitalised alias in any case but all lower case.',
  foldDiacritics: 'On: "Cafe" counts for "Café". Default: on.',
  optionalPunctuation:
    'On: "McDonalds" counts for "McDonald\'s". Default: on when more than 3 letters and digits remain.',
  inCompounds:
    'On: counts in "HubSpot-native". Default: off for short aliases and ambiguous brands, on for the rest.',
};

export const AMBIGUOUS_HELP =
  'For a name that is also a word ("Apple", "Notion"): every alias matches its exact case and never inside hyphenated words.';
export const ALIASES_HELP =
  'The name always counts. Aliases are literal text (never patterns), each with its own rules.';
export const EXCLUSIONS_HELP =
  'A mention inside one of these phrases does not count ("apple pie"); case, accents, plurals and possessives are covered.';
export const DOMAINS_HELP =
  'A domain in an answer counts as a mention (subdomains too), and citations of it count for the brand.';

export const NEAR_MISS_TEXT: Record<string, string> = {
  'word-boundary': 'part of a longer word',
  'hyphen-compound': 'inside a hyphenated word (inCompounds is off)',
  lowercase: 'written all in lower case (a common word)',
  case: 'different case (Match case is on)',
  diacritics: 'different accents (Ignore accents is off)',
  url: 'inside a URL but not its host',
  overlap: 'a longer match overlaps it',
  'repeated-link': 'the link text already named the brand',
};
