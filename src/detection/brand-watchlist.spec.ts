import { BrandWatchlist, type BrandSpec } from './brand-watchlist';

const brand = (name: string, aliases: BrandSpec['aliases'] = []): BrandSpec => ({
  id: 'b',
  name,
  aliases,
  exclusions: [],
  domains: [],
});

describe('BrandWatchlist.effectiveAliases', () => {
  it('adds the name as an alias with the default rules', () => {
    expect(BrandWatchlist.effectiveAliases(brand('Acme'))).toEqual([
      {
        text: 'Acme',
        casePolicy: 'capitalised',
        foldDiacritics: true,
        optionalPunctuation: false,
        inCompounds: true,
      },
    ]);
  });

  it('lets an explicit alias with the same text decide how the name matches', () => {
    const aliases = [{ text: 'Apple', caseSensitive: true, foldDiacritics: false }];
    expect(BrandWatchlist.effectiveAliases(brand('Apple', aliases))).toEqual([
      {
        text: 'Apple',
        casePolicy: 'exact',
        foldDiacritics: false,
        optionalPunctuation: false,
        inCompounds: true,
      },
    ]);
  });

  it.each([
    // text, ambiguous, case policy, punctuation optional, counts in compounds
    ['X', false, 'exact', false, false],
    ['IBM', false, 'exact', false, false],
    ['Notion', false, 'capitalised', false, true],
    ['Notion', true, 'exact', false, false],
    ['monday.com', false, 'any', true, true],
    ['Yahoo!', false, 'capitalised', true, true],
    ['AT&T', false, 'exact', false, false],
    ["McDonald's", false, 'capitalised', true, true],
  ] as const)('defaults for %s (ambiguous: %s)', (text, ambiguous, casePolicy, punctuation, compounds) => {
    expect(BrandWatchlist.resolveAlias({ text }, ambiguous)).toEqual({
      text,
      casePolicy,
      foldDiacritics: true,
      optionalPunctuation: punctuation,
      inCompounds: compounds,
    });
  });

  it('lets every field of an alias override its default', () => {
    const alias = {
      text: 'X',
      caseSensitive: false,
      foldDiacritics: false,
      optionalPunctuation: true,
      inCompounds: true,
    };
    // "X" has no punctuation, so there is nothing to make optional.
    expect(BrandWatchlist.resolveAlias(alias, true)).toEqual({
      text: 'X',
      casePolicy: 'any',
      foldDiacritics: false,
      optionalPunctuation: false,
      inCompounds: true,
    });
  });

  it.each([
    ['Yahoo!', 'Yahoo'],
    ["McDonald's", 'McDonalds'],
    ['Coca-Cola', 'Coca Cola'],
    ['Acme Cloud', null],
    ['!!', null],
  ])('punctuation-free form of %s is %s', (text, free) => {
    expect(BrandWatchlist.punctuationFree(text)).toBe(free);
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
