/**
 * What the matcher is asked to find: brands with literal aliases (never user regex), exclusion phrases for
 * ambiguous names and the brand's own web domains. Pure data plus the few rules that turn a stored brand into
 * the exact list of terms to look for, so the API, the matcher and the tests agree on them.
 */
export interface AliasSpec {
  text: string;
  caseSensitive: boolean;
  foldDiacritics: boolean;
}

export interface BrandSpec {
  id: string;
  name: string;
  aliases: AliasSpec[];
  /** Phrases such as "apple pie": a mention of this brand lying inside one of them is not counted. */
  exclusions: string[];
  /** Bare domains ("acme.com"); scheme, "www." and paths are tolerated and stripped. */
  domains: string[];
}

export class BrandWatchlist {
  /**
   * The brand name always counts as an alias. It is case-insensitive by default because that is what users
   * expect from "track Acme"; an explicit alias with the same text wins so "Apple" can be made case-sensitive
   * without also listing a looser copy of it.
   */
  static effectiveAliases(brand: BrandSpec): AliasSpec[] {
    const key = (text: string): string => text.normalize('NFKC').trim();
    const seen = new Set<string>();
    const result: AliasSpec[] = [];
    const nameKey = key(brand.name);
    const explicitName = brand.aliases.find((alias) => key(alias.text) === nameKey);
    const candidates: AliasSpec[] = [
      explicitName ?? { text: brand.name, caseSensitive: false, foldDiacritics: false },
      ...brand.aliases,
    ];
    for (const alias of candidates) {
      const k = `${key(alias.text)}\u0000${alias.caseSensitive}\u0000${alias.foldDiacritics}`;
      if (key(alias.text).length === 0 || seen.has(k)) continue;
      seen.add(k);
      result.push(alias);
    }
    return result;
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
