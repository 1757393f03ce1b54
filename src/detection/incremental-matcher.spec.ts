import { type BrandSpec } from './brand-watchlist';
import { CompiledWatchlist } from './compiled-watchlist';
import { IncrementalMatcher, type DetectedMention } from './incremental-matcher';
import { alias, brand, BRANDS } from '../../test/support/watchlist-fixtures';

function detect(text: string, brands: BrandSpec[] = BRANDS): DetectedMention[] {
  const matcher = new IncrementalMatcher(brands);
  return [...matcher.push(text, 1000), ...matcher.end()];
}

/** Mentions as `brandId:covered text`, the readable form the fixtures below are written in. */
function found(text: string, brands: BrandSpec[] = BRANDS): string[] {
  return detect(text, brands).map((m) => `${m.brandId}:${text.slice(m.charStart, m.charEnd)}`);
}

describe('IncrementalMatcher fixtures', () => {
  const cases: [string, string, string[]][] = [
    [
      'numbered list with bold names',
      '## Best CRMs\n\n1. **HubSpot** – free tier\n2. **Zoho CRM** — cheap\n3. Acme Cloud, by Acme.\n',
      ['hubspot:HubSpot', 'zoho:Zoho CRM', 'acme:Acme Cloud', 'acme:Acme'],
    ],
    [
      'emphasis inside a multiword name',
      'Try **Acme** or *Acme* Cloud or **Acme Cloud**.',
      ['acme:Acme', 'acme:Acme* Cloud', 'acme:Acme Cloud'],
    ],
    ['emphasis inside a word', 'We rate *Ac*me highly.', ['acme:Ac*me']],
    ['markdown link with brand domain is one mention', 'See [Acme](https://acme.com) today.', ['acme:Acme']],
    [
      'markdown link whose text does not name the brand',
      'See [the docs](https://docs.acme.com/start).',
      ['acme:docs.acme.com'],
    ],
    [
      'bare and www domains',
      'Visit acme.com, www.acme.com/pricing or https://ACME.com.',
      ['acme:acme.com', 'acme:www.acme.com', 'acme:ACME.com'],
    ],
    [
      'name inside another site URL does not count',
      'Read https://example.com/acme-review and example.org/acme.',
      [],
    ],
    ['name as subdomain of another site does not count', 'Hosted at acme.example.com now.', []],
    [
      'name as host of an unlisted domain counts',
      'Try acme.io or www.acme.co.uk.',
      ['acme:acme', 'acme:acme'],
    ],
    [
      'own URL counts once even with the name in the path',
      'https://acme.com/acme-pricing',
      ['acme:acme.com'],
    ],
    ['missing space after a full stop is not a host', 'I like Acme.The rest is noise.', ['acme:Acme']],
    [
      'punctuation inside aliases',
      'Compare Monday.com, C3.ai and monday.com/pricing.',
      ['monday:Monday.com', 'c3:C3.ai', 'monday:monday.com'],
    ],
    [
      'HubSpot vs Hub Spot',
      'HubSpot is not Hub Spot nor Hubspots but is HUBSPOT.',
      ['hubspot:HubSpot', 'hubspot:HUBSPOT'],
    ],
    [
      'possessives',
      "Acme's pricing and Acme’s support; McDonald’s fries.",
      ['acme:Acme', 'acme:Acme', 'mcd:McDonald’s'],
    ],
    ['case-sensitive alias', 'Apple ships; an apple a day; APPLE shouts.', ['apple:Apple']],
    ['exclusion phrases', 'Apple pie, apple pie, the Big Apple, and Apple Music.', ['apple:Apple']],
    [
      'exclusions cover plural and possessive forms, with their own boundaries',
      'Apple pies, Apple pie\u2019s crust and Apple pieces by Apple.',
      ['apple:Apple', 'apple:Apple'],
    ],
    [
      'diacritics kept by default, folded per alias',
      'NESTLÉ, Nestle, Nestlè and Nestlé.',
      ['nestle:NESTLÉ', 'nestle:Nestle', 'nestle:Nestlè', 'nestle:Nestlé'],
    ],
    ['decomposed accents are the same letter', 'Nestle\u0301 again.', ['nestle:Nestle\u0301']],
    ['accents are folded by default', 'Acmé is Acme.', ['acme:Acmé', 'acme:Acme']],
    ['word boundaries in any script', 'Acme2 and Мегаacme and ÄAcme are not Acme.', ['acme:Acme']],
    ['Cyrillic brand', 'Лучший поиск — Яндекс, а не Яндексы.', ['yandex:Яндекс']],
    ['Chinese without spaces', '我用小米手机，也用Xiaomi。', ['xiaomi:小米', 'xiaomi:Xiaomi']],
    ['Japanese katakana', 'ソニーのテレビとSonyのカメラ', ['sony:ソニー', 'sony:Sony']],
    [
      'whitespace runs and no-break spaces',
      'Acme\u00a0\u00a0Cloud and Acme\n  Cloud and Zoho\tCRM',
      ['acme:Acme\u00a0\u00a0Cloud', 'acme:Acme\n  Cloud', 'zoho:Zoho\tCRM'],
    ],
    ['fullwidth letters (NFKC)', 'ＡＣＭＥ leads.', ['acme:ＡＣＭＥ']],
    ['longest alias wins, never counted twice', 'Acme Cloud Acme', ['acme:Acme Cloud', 'acme:Acme']],
    [
      'markdown table',
      '| Tool | Price |\n|---|---|\n| HubSpot | $0 |\n| Zoho CRM | $14 |\n| [Acme](https://acme.com) | $9 |',
      ['hubspot:HubSpot', 'zoho:Zoho CRM', 'acme:Acme'],
    ],
    ['email address on a brand domain', 'Write to sales@acme.com.', ['acme:acme.com']],
    ['emoji and astral characters around a name', '😀Acme😀 and 𝐀𝐜𝐦𝐞', ['acme:Acme', 'acme:𝐀𝐜𝐦𝐞']],
  ];

  it.each(cases)('%s', (_name, text, expected) => {
    expect(found(text)).toEqual(expected);
  });

  it('reports the configured alias or domain as matched', () => {
    const mentions = detect('acme cloud, docs.acme.com and HUBSPOT');
    expect(mentions.map((m) => m.matched)).toEqual(['Acme Cloud', 'https://www.acme.com/', 'HubSpot']);
  });

  it('the brand name alias follows an explicit alias with the same text', () => {
    expect(found('apple and Apple')).toEqual(['apple:Apple']);
    const loose = [brand('apple', 'Apple', { aliases: [alias('Apple', false)] })];
    expect(found('apple and Apple', loose)).toEqual(['apple:apple', 'apple:Apple']);
  });

  it('without diacritic folding, an accent after a name makes another word', () => {
    const strict = [brand('acme', 'Acme', { aliases: [alias('Acme', false, false)] })];
    expect(found('Acmé is not Acme.', strict)).toEqual(['acme:Acme']);
  });

  it('two brands sharing an alias count the span once, for the first brand', () => {
    const brands = [brand('a', 'Delta'), brand('b', 'Delta Air', { aliases: [alias('Delta')] })];
    expect(found('Delta and Delta Air', brands)).toEqual(['a:Delta', 'b:Delta Air']);
  });
});

describe('CompiledWatchlist reuse', () => {
  it('matchers started from one compiled watchlist do not share state', () => {
    const compiled = new CompiledWatchlist(BRANDS);
    const first = new IncrementalMatcher(compiled);
    const second = new IncrementalMatcher(compiled);
    expect(first.push('Best: Ac', 1)).toEqual([]);
    expect(second.push('Zoho CRM and HubSpot ', 2).map((m) => m.brandId)).toEqual(['zoho', 'hubspot']);
    expect([...first.push('me Cloud.', 3), ...first.end()].map((m) => m.matched)).toEqual(['Acme Cloud']);
  });
});
