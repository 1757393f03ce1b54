/**
 * What the matcher is asked to find: brands with literal aliases (never user regex), exclusion phrases for
 * ambiguous names and the brand's own web domains. Pure data plus the few rules that turn a stored brand into
 * the exact list of terms to look for, so the API, the matcher and the tests agree on them.
 */
export interface AliasSpec {
  text: string;
  /** true: the case as written; false: any case; absent: the default rule (see resolveAlias). */
  caseSensitive?: boolean | undefined;
  /** Absent: folded ("Cafe" matches "Café"). */
  foldDiacritics?: boolean | undefined;
  /** Absent: the alias's punctuation is optional when the rest is distinctive ("Yahoo" for "Yahoo!"). */
  optionalPunctuation?: boolean | undefined;
  /** Absent: short aliases and those of ambiguous brands never count inside a hyphenated compound. */
  inCompounds?: boolean | undefined;
}

export interface BrandSpec {
  id: string;
  name: string;
  aliases: AliasSpec[];
  /** Phrases such as "apple pie": a mention of this brand lying inside one of them is not counted. */
  exclusions: string[];
  /** Bare domains ("acme.com"); scheme, "www." and paths are tolerated and stripped. */
  domains: string[];
  /** A common word or very short name ("Notion", "Apple"): its aliases default to the exact case. */
  ambiguous?: boolean | undefined;
}

/**
 * How an alias matches its case: `exact` as written; `capitalised` in any case except all lower case (a name
 * written with a capital letter, "Notion", is not the common word "notion"); `any`.
 */
export type CasePolicy = 'exact' | 'capitalised' | 'any';

/** An alias with every default decided. */
export interface ResolvedAlias {
  text: string;
  casePolicy: CasePolicy;
  foldDiacritics: boolean;
  /** The alias without its punctuation is matched too (see punctuationFree). */
  optionalPunctuation: boolean;
  inCompounds: boolean;
}

/**
 * An alias with at most this many letters and digits is short ("X", "HP", "IBM"): its case is the case as
 * written and it never counts inside a hyphenated compound. Punctuation is optional only when what remains
 * is longer than this ("Yahoo" for "Yahoo!"; "ATT" is not "AT&T").
 */
export const SHORT_ALIAS_MAX = 3;

const WORD_CHAR = /[\p{L}\p{N}]/gu;
const UPPER = /[\p{Lu}\p{Lt}]/u;
/** Punctuation and symbols (not letters, digits, marks or whitespace). */
const PUNCTUATION = /[^\p{L}\p{N}\p{M}\s]/gu;
const DASH = /[-\u2010-\u2015\u2212]/gu;

function wordCharCount(text: string): number {
  return text.match(WORD_CHAR)?.length ?? 0;
}

export class BrandWatchlist {
  /**
   * The brand name always counts as an alias, with the default rules; an explicit alias with the same text
   * wins so "Apple" can be given other rules without also listing a looser copy of it.
   */
  static effectiveAliases(brand: BrandSpec): ResolvedAlias[] {
    const key = (text: string): string => text.normalize('NFKC').trim();
    const seen = new Set<string>();
    const result: ResolvedAlias[] = [];
    const nameKey = key(brand.name);
    const explicitName = brand.aliases.find((alias) => key(alias.text) === nameKey);
    const candidates: AliasSpec[] = [explicitName ?? { text: brand.name }, ...brand.aliases];
    for (const alias of candidates) {
      const resolved = BrandWatchlist.resolveAlias(alias, brand.ambiguous === true);
      const k = [key(alias.text), resolved.casePolicy, resolved.foldDiacritics, resolved.optionalPunctuation];
      const id = `${k.join('\u0000')}\u0000${resolved.inCompounds}`;
      if (key(alias.text).length === 0 || seen.has(id)) continue;
      seen.add(id);
      result.push(resolved);
    }
    return result;
  }

  /**
   * The defaults a marketer expects (docs/metrics.md, "Detection rules"): diacritics folded; short aliases
   * and every alias of an ambiguous brand in the exact case and never inside a hyphenated compound; other
   * aliases written with a capital letter in any case but all lower case; punctuation optional when what
   * remains is distinctive. Every field set on the alias overrides its default.
   */
  static resolveAlias(alias: AliasSpec, ambiguous: boolean): ResolvedAlias {
    const letters = wordCharCount(alias.text);
    const strict = ambiguous || letters <= SHORT_ALIAS_MAX;
    let casePolicy: CasePolicy;
    if (alias.caseSensitive !== undefined) casePolicy = alias.caseSensitive ? 'exact' : 'any';
    else if (strict) casePolicy = 'exact';
    else casePolicy = UPPER.test(alias.text) ? 'capitalised' : 'any';
    const free = BrandWatchlist.punctuationFree(alias.text);
    const distinctive = free !== null && wordCharCount(free) > SHORT_ALIAS_MAX;
    return {
      text: alias.text,
      casePolicy,
      foldDiacritics: alias.foldDiacritics ?? true,
      optionalPunctuation: free !== null && (alias.optionalPunctuation ?? distinctive),
      inCompounds: alias.inCompounds ?? !strict,
    };
  }

  /**
   * The alias without its punctuation ("Yahoo!" → "Yahoo", "McDonald's" → "McDonalds"; a dash between words
   * becomes a space: "Coca-Cola" → "Coca Cola"), or null when it has none or nothing else.
   */
  static punctuationFree(text: string): string | null {
    const free = text.replace(DASH, ' ').replace(PUNCTUATION, '').replace(/\s+/gu, ' ').trim();
    return free === text.trim().replace(/\s+/gu, ' ') || wordCharCount(free) === 0 ? null : free;
  }

  /**
   * Users paste domains in every shape ("https://www.Acme.com/", "acme.com."); hosts in answers are compared
   * against this canonical form. Returns null for input that cannot be a host name.
   */
  static canonicalDomain(domain: string): string | null {
    let host = domain.trim().toLowerCase();
    host = host.replace(/^[a-z][a-z0-9+.-]*:\/\//, '');
    host = host.replace(/^[^/?#@]*@/, '');
    host = host.replace(/[/?#].*$/, '');
    host = host.replace(/:\d+$/, '');
    host = host.replace(/\.+$/, '');
    host = host.replace(/^www\./, '');
    return /^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(host) ? host : null;
  }
}
