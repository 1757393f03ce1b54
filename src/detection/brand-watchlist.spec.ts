import { BrandWatchlist, type BrandSpec } from './brand-watchlist';

const brand = (name: string, aliases: BrandSpec['aliases'] = []): BrandSpec => ({
  id: 'b',
  name,
  aliases,
  exclusions: [],
  domains: [],
});

describe('BrandWatchlist.effectiveAliases', () => {
  it('adds the name as a case-insensitive alias', () => {
    expect(BrandWatchlist.effectiveAliases(brand('Acme'))).toEqual([
      { text: 'Acme', caseSensitive: false, foldDiacritics: false },
    ]);
  });

  it('lets an explicit alias with the same text decide how the name matches', () => {
    const aliases = [{ text: 'Apple', caseSensitive: true, foldDiacritics: false }];
    expect(BrandWatchlist.effectiveAliases(brand('Apple', aliases))).toEqual(aliases);
  });

  it('drops empty and duplicate aliases', () => {
    const aliases = [
      { text: '  ', caseSensitive: false, foldDiacritics: false },
      { text: 'Acme', caseSensitive: false, foldDiacritics: false },
      { text: 'Acme Cloud', caseSensitive: false, foldDiacritics: false },
    ];
    expect(BrandWatchlist.effectiveAliases(brand('Acme', aliases)).map((a) => a.text)).toEqual([
      'Acme',
      'Acme Cloud',
    ]);
  });
});

describe('BrandWatchlist.canonicalDomain', () => {
  it.each([
    ['acme.com', 'acme.com'],
    ['https://www.Acme.com/pricing?x=1', 'acme.com'],
    ['ACME.com.', 'acme.com'],
    ['user@docs.acme.com:8080', 'docs.acme.com'],
    ['localhost', null],
    ['not a domain', null],
  ])('%s -> %s', (input, expected) => {
    expect(BrandWatchlist.canonicalDomain(input)).toBe(expected);
  });
});
