import fc from 'fast-check';
import { type BrandSpec } from '../../detection/brand-watchlist';
import { IncrementalMatcher } from '../../detection/incremental-matcher';
import { type CapturedCitation } from '../recording/captured-stream';
import { citationRows } from './run-analysis';

const brand = (id: string, domains: string[]): BrandSpec => ({
  id,
  name: id,
  aliases: [],
  exclusions: [],
  domains,
});

const citation = (domain: string): CapturedCitation => ({
  url: `https://${domain}/page`,
  domain,
  title: null,
  charStart: null,
  charEnd: null,
  atUs: 0,
});

/** The brand the matcher credits with a bare URL on `host` in the answer text. */
function mentionOwner(brands: BrandSpec[], host: string): string | null {
  const matcher = new IncrementalMatcher(brands);
  const found = [...matcher.push(`See https://${host}/page for more. `, 0), ...matcher.end()];
  return found[0]?.brandId ?? null;
}

describe('citationRows: citation ownership is mention ownership', () => {
  // Listed broad-first on purpose: the first suffix match would give cloud.google.com to google.
  const brands = [brand('google', ['google.com']), brand('gcloud', ['cloud.google.com'])];

  it('gives a subdomain to the most specific brand domain, whatever the brand order', () => {
    for (const order of [brands, [...brands].reverse()]) {
      const rows = citationRows(
        ['cloud.google.com', 'console.cloud.google.com', 'google.com', 'maps.google.com', 'example.org'].map(
          citation,
        ),
        order,
      );
      expect(rows.map((r) => r.brandId)).toEqual(['gcloud', 'gcloud', 'google', 'google', null]);
    }
  });

  it('compares canonical domains: configured URLs and www. prefixes match like mentions do', () => {
    const rows = citationRows(
      [citation('acme.com'), citation('Docs.Acme.com')],
      [brand('acme', ['https://www.Acme.com/'])],
    );
    expect(rows.map((r) => r.brandId)).toEqual(['acme', 'acme']);
  });

  it('agrees with the matcher for any host and any overlapping brand domains', () => {
    const label = fc.constantFrom('a', 'b', 'cloud', 'docs');
    const domain = fc
      .array(label, { minLength: 1, maxLength: 3 })
      .map((labels) => [...labels, 'example', 'com'].join('.'));
    fc.assert(
      fc.property(
        fc.array(fc.array(domain, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 4 }),
        domain,
        (domainLists, host) => {
          const specs = domainLists.map((domains, i) => brand(`b${i}`, domains));
          const [row] = citationRows([citation(host)], specs);
          expect(row?.brandId ?? null).toBe(mentionOwner(specs, host));
        },
      ),
      { numRuns: 300 },
    );
  });
});
