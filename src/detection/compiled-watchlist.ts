import { AliasAutomaton } from './alias-automaton';
import { BrandWatchlist, type BrandSpec } from './brand-watchlist';
import { DomainIndex } from './domain-index';
import { type ChannelPattern } from './fold-channel';
import { TextNormalizer, type FoldProfile } from './text-normalizer';

export interface CompiledChannel {
  normalizer: TextNormalizer;
  automaton: AliasAutomaton;
  patterns: readonly ChannelPattern[];
}

/** Exclusions fold as much as possible: excluding too little is the failure users notice. */
const EXCLUSION_PROFILE: FoldProfile = { caseFold: true, diacriticFold: true };

/**
 * The brands of a project compiled into one automaton per fold profile plus a domain index. Immutable, so
 * a worker can compile a project's watchlist once and start a cheap IncrementalMatcher per run from it
 * (compiling thousands of aliases costs far more than matching one answer).
 */
export class CompiledWatchlist {
  readonly channels: readonly CompiledChannel[];
  readonly domains: DomainIndex;

  constructor(brands: readonly BrandSpec[]) {
    this.domains = new DomainIndex(brands);
    const groups = new Map<
      string,
      { normalizer: TextNormalizer; patterns: ChannelPattern[]; symbols: number[][] }
    >();
    const seen = new Set<string>();
    const add = (profile: FoldProfile, pattern: Omit<ChannelPattern, 'length'>, text: string): void => {
      const key = `${profile.caseFold ? 1 : 0}${profile.diacriticFold ? 1 : 0}`;
      let group = groups.get(key);
      if (group === undefined) {
        group = { normalizer: new TextNormalizer(profile), patterns: [], symbols: [] };
        groups.set(key, group);
      }
      const symbols = group.normalizer.normalizePhrase(text);
      const identity = `${key}|${pattern.kind}|${pattern.brandId}|${symbols.join(',')}`;
      if (symbols.length === 0 || seen.has(identity)) return;
      seen.add(identity);
      group.patterns.push({ ...pattern, length: symbols.length });
      group.symbols.push(symbols);
    };
    // Priority: brand order, then alias order, as a running rank (a small integer, which the candidates
    // store unboxed, unlike brandIndex * 10^6 + aliasIndex beyond a thousand brands).
    let rank = 0;
    for (const brand of brands) {
      const brandRank = rank;
      for (const alias of BrandWatchlist.effectiveAliases(brand)) {
        const profile = { caseFold: !alias.caseSensitive, diacriticFold: alias.foldDiacritics };
        const priority = rank++;
        add(profile, { kind: 'alias', brandId: brand.id, matched: alias.text, priority }, alias.text);
      }
      for (const phrase of brand.exclusions) {
        const priority = brandRank;
        add(EXCLUSION_PROFILE, { kind: 'exclusion', brandId: brand.id, matched: phrase, priority }, phrase);
      }
      if (rank === brandRank) rank++;
    }
    this.channels = [...groups.values()]
      .filter((group) => group.patterns.length > 0)
      .map((group) => ({
        normalizer: group.normalizer,
        automaton: new AliasAutomaton(group.symbols),
        patterns: group.patterns,
      }));
  }
}
