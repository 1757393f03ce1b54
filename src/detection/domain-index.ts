import { BrandWatchlist, type BrandSpec } from './brand-watchlist';

export interface DomainOwner {
  brandId: string;
  /** The domain as configured by the user. */
  domain: string;
}

/**
 * Which brand owns a host seen in an answer. A host matches a brand domain when it equals it or is a
 * subdomain of it ("docs.acme.com" is Acme's); when several brands' domains match, the longest (most
 * specific) domain wins, so "cloud.google.com" can belong to a different tracked brand than "google.com".
 */
export class DomainIndex {
  private readonly owners = new Map<string, DomainOwner>();

  /** Brands in priority order: when two brands list the very same domain, the first one owns it. */
  constructor(brands: readonly Pick<BrandSpec, 'id' | 'domains'>[]) {
    for (const brand of brands) {
      for (const domain of brand.domains) {
        const canonical = BrandWatchlist.canonicalDomain(domain);
        if (canonical !== null && !this.owners.has(canonical)) {
          this.owners.set(canonical, { brandId: brand.id, domain });
        }
      }
    }
  }

  get isEmpty(): boolean {
    return this.owners.size === 0;
  }

  ownerOf(host: string): DomainOwner | null {
    let suffix = host.replace(/^www\./, '');
    for (;;) {
      const owner = this.owners.get(suffix);
      if (owner !== undefined) return owner;
      const dot = suffix.indexOf('.');
      if (dot < 0) return null;
      suffix = suffix.slice(dot + 1);
    }
  }
}
