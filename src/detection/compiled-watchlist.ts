import { AliasAutomaton } from './alias-automaton';
import { BrandWatchlist, type BrandSpec, type ResolvedAlias } from './brand-watchlist';
import { DomainIndex } from './domain-index';
import { type ChannelPattern, NEEDS_CAPITAL, NO_COMPOUND } from './channel-patterns';
import { TextNormalizer, type FoldProfile } from './text-normalizer';

export interface CompiledChannel {
  normalizer: TextNormalizer;
  automaton: AliasAutomaton;
  patterns: readonly ChannelPattern[];
}

export interface CompileOptions {
  /**
   * Also look for every alias with case and diacritics folded, as `near` candidates: what the explain
   * endpoint reports as near misses ("notion" for the exact-case "Notion"). Off in the pipeline, where it
   * would only cost time.
   */
  nearMisses?: boolean;
}

/** Exclusions fold as much as possible: excluding too little is the failure users notice. */
const EXCLUSION_PROFILE: FoldProfile = { caseFold: true, diacriticFold: true };
const LOOSEST_PROFILE = EXCLUSION_PROFILE;

/**
 * The brands of a project compiled into one automaton per fold profile plus a domain index. Immutable, so
 * a worker can compile a project's watchlist once and start a cheap IncrementalMatcher per run from it
 * (compiling thousands of aliases costs far more than matching one answer).
 */
export class CompiledWatchlist {
  readonly channels: readonly CompiledChannel[];
  readonly domains: DomainIndex;

  constructor(brands: readonly BrandSpec[], options: CompileOptions = {}) {
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
      const identity = `${key}|${pattern.kind}|${pattern.brandId}|${pattern.flags}|${symbols.join(',')}`;
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
        const profile = { caseFold: alias.casePolicy !== 'exact', diacriticFold: alias.foldDiacritics };
        const pattern = { kind: 'alias', brandId: brand.id, matched: alias.text, priority: rank++ } as const;
        const flags = CompiledWatchlist.flagsOf(alias);
        add(profile, { ...pattern, flags }, alias.text);
        const free = alias.optionalPunctuation ? BrandWatchlist.punctuationFree(alias.text) : null;
        if (free !== null) add(profile, { ...pattern, flags }, free);
        if (options.nearMisses === true) {
          add(LOOSEST_PROFILE, { ...pattern, kind: 'near', flags: 0 }, alias.text);
        }
      }
      for (const phrase of brand.exclusions) {
        const pattern = {
          kind: 'exclusion',
          brandId: brand.id,
          matched: phrase,
          priority: brandRank,
        } as const;
        for (const form of CompiledWatchlist.inflections(phrase)) {
          add(EXCLUSION_PROFILE, { ...pattern, flags: 0 }, form);
        }
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

  private static flagsOf(alias: ResolvedAlias): number {
    return (alias.casePolicy === 'capitalised' ? NEEDS_CAPITAL : 0) | (alias.inCompounds ? 0 : NO_COMPOUND);
  }

  /**
   * The phrase and its plural and possessive forms, on its last word: "apple pie" also excludes "apple pies",
   * "apple pie's" and "apple pies'" (English inflection; "-es" after s, x, z, ch, sh; "y" → "ies" after a
   * consonant). Exclusions are phrases about other things, so excluding a little more is the safe side.
   */
  static inflections(phrase: string): string[] {
    const base = phrase.trim();
    if (!/\p{L}$/u.test(base)) return [base];
    let plural = `${base}s`;
    if (/(s|x|z|ch|sh)$/iu.test(base)) plural = `${base}es`;
    else if (/[^aeiou]y$/iu.test(base)) plural = `${base.slice(0, -1)}ies`;
    return [base, plural, `${base}'s`, `${plural}'`];
  }
}
