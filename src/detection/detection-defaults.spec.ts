import { type AliasSpec, type BrandSpec } from './brand-watchlist';
import { IncrementalMatcher } from './incremental-matcher';
import { MatchExplainer } from './match-explainer';

const brand = (id: string, name: string, extra: Partial<BrandSpec> = {}): BrandSpec => ({
  id,
  name,
  aliases: [],
  exclusions: [],
  domains: [],
  ...extra,
});

/** Mentions as `brandId:covered text`, fed whole and one code unit at a time (the same either way). */
function found(text: string, brands: BrandSpec[]): string[] {
  const whole = new IncrementalMatcher(brands);
  const result = [...whole.push(text, 0), ...whole.end()].map(
    (m) => `${m.brandId}:${text.slice(m.charStart, m.charEnd)}`,
  );
  const split = new IncrementalMatcher(brands);
  const pieces = [...text].flatMap((ch) => split.push(ch, 0));
  pieces.push(...split.end());
  expect(pieces.map((m) => `${m.brandId}:${text.slice(m.charStart, m.charEnd)}`)).toEqual(result);
  return result;
}

describe('detection defaults', () => {
  it('folds diacritics', () => {
    const brands = [brand('cafe', 'Café Rouge'), brand('skoda', 'Škoda')];
    expect(found('Cafe Rouge, CAFÉ ROUGE and Skoda.', brands)).toEqual([
      'cafe:Cafe Rouge',
      'cafe:CAFÉ ROUGE',
      'skoda:Skoda',
    ]);
  });

  it('makes the punctuation of a distinctive name optional', () => {
    const brands = [brand('yahoo', 'Yahoo!'), brand('mcd', "McDonald's"), brand('att', 'AT&T')];
    expect(found('Yahoo Finance, Yahoo! Mail, McDonalds and ATT vs AT&T.', brands)).toEqual([
      'yahoo:Yahoo',
      'yahoo:Yahoo!',
      'mcd:McDonalds',
      'att:AT&T',
    ]);
  });

  it('matches a short name in its case, never inside a hyphenated compound', () => {
    const brands = [brand('x', 'X')];
    expect(found('X-ray, pre-X, x, X - the app, X. And X-', brands)).toEqual(['x:X', 'x:X', 'x:X']);
  });

  it('does not count a capitalised name written all in lower case, except as a host', () => {
    const brands = [brand('notion', 'Notion')];
    expect(found('a notion; Notion, NOTION and notion.so/pricing', brands)).toEqual([
      'notion:Notion',
      'notion:NOTION',
      'notion:notion',
    ]);
  });

  it('matches an ambiguous brand in the exact case only', () => {
    const brands = [brand('apple', 'Apple', { ambiguous: true })];
    expect(found('APPLE, apple and Apple; Apple-like', brands)).toEqual(['apple:Apple']);
  });

  it('excludes the plural and possessive forms of an exclusion', () => {
    const brands = [brand('apple', 'Apple', { exclusions: ['apple pie'] })];
    expect(found("Apple pies, Apple pie's crust, Apple pie. Apple", brands)).toEqual(['apple:Apple']);
  });

  it('lets every alias override the defaults', () => {
    const loose: AliasSpec = {
      text: 'X',
      caseSensitive: false,
      foldDiacritics: false,
      optionalPunctuation: false,
      inCompounds: true,
    };
    expect(found('x-ray', [brand('x', 'X', { aliases: [loose] })])).toEqual(['x:x']);
    const strict: AliasSpec = { text: 'Café Rouge', foldDiacritics: false };
    expect(found('Cafe Rouge', [brand('cafe', 'Café Rouge', { aliases: [strict] })])).toEqual([]);
    const asWritten: AliasSpec = { text: 'Yahoo!', optionalPunctuation: false };
    expect(found('Yahoo Finance', [brand('yahoo', 'Yahoo!', { aliases: [asWritten] })])).toEqual([]);
  });
});

describe('MatchExplainer', () => {
  const at = (text: string, start: number, end: number) => text.slice(start, end);

  it('reports mentions, exclusions and near misses with the rule that rejected them', () => {
    const brands = [
      brand('notion', 'Notion'),
      brand('x', 'X'),
      brand('apple', 'Apple', { exclusions: ['apple pie'] }),
      brand('cafe', 'Café', { aliases: [{ text: 'Café', foldDiacritics: false }] }),
      brand('acme', 'Acme'),
    ];
    const text = 'Notion or a notion? X-ray. Apple pies. Cafe. Acmes at example.com/acme.';
    const { mentions, excluded, nearMisses } = MatchExplainer.explain(text, brands);
    expect(mentions.map((m) => `${m.brandId}:${at(text, m.charStart, m.charEnd)}`)).toEqual([
      'notion:Notion',
    ]);
    expect(excluded.map((e) => [e.brandId, at(text, e.start, e.end), e.exclusion])).toEqual([
      ['apple', 'Apple', 'apple pie'],
    ]);
    expect(nearMisses.map((n) => [n.brandId, at(text, n.start, n.end), n.rule])).toEqual([
      ['notion', 'notion', 'lowercase'],
      ['x', 'X', 'hyphen-compound'],
      ['cafe', 'Cafe', 'diacritics'],
      ['acme', 'Acme', 'word-boundary'],
      ['acme', 'acme', 'url'],
    ]);
  });

  it('reports a case mismatch and the longer mention that won an overlap', () => {
    const brands = [brand('ibm', 'IBM'), brand('a', 'Delta'), brand('b', 'Delta Air')];
    const text = 'Ibm and Delta Air.';
    const { mentions, nearMisses } = MatchExplainer.explain(text, brands);
    expect(mentions.map((m) => m.brandId)).toEqual(['b']);
    expect(nearMisses.map((n) => [n.brandId, at(text, n.start, n.end), n.rule, n.by])).toEqual([
      ['ibm', 'Ibm', 'case', null],
      ['a', 'Delta', 'overlap', 'Delta Air'],
    ]);
  });
});
