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
const PRIORITY_STRIDE = 1_000_000;

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
    brands.forEach((brand, brandIndex) => {
      BrandWatchlist.effectiveAliases(brand).forEach((alias, aliasIndex) => {
        const profile = { caseFold: !alias.caseSensitive, diacriticFold: alias.foldDiacritics };
        const priority = brandIndex * PRIORITY_STRIDE + aliasIndex;
        add(profile, { kind: 'alias', brandId: brand.id, matched: alias.text, priority }, alias.text);
      });
      for (const phrase of brand.exclusions) {
        const priority = brandIndex * PRIORITY_STRIDE;
        add(EXCLUSION_PROFILE, { kind: 'exclusion', brandId: brand.id, matched: phrase, priority }, phrase);
      }
    });
    this.channels = [...groups.values()]
      .filter((group) => group.patterns.length > 0)
      .map((group) => ({
        normalizer: group.normalizer,
        automaton: new AliasAutomaton(group.symbols),
        patterns: group.patterns,
      }));
  }
}
