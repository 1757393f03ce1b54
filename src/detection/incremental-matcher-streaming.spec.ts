import fc from 'fast-check';
import { type BrandSpec } from './brand-watchlist';
import { IncrementalMatcher, type DetectedMention } from './incremental-matcher';
import { alias, brand, BRANDS } from '../../test/support/watchlist-fixtures';

function detect(text: string, brands: BrandSpec[] = BRANDS): DetectedMention[] {
  const matcher = new IncrementalMatcher(brands);
  return [...matcher.push(text, 1000), ...matcher.end()];
}

describe('IncrementalMatcher streaming', () => {
  it('confirms a mention when the next character arrives, timed by its last character', () => {
    const matcher = new IncrementalMatcher(BRANDS);
    expect(matcher.push('We use Ac', 100)).toEqual([]);
    expect(matcher.push('me', 200)).toEqual([]);
    expect(matcher.push(' daily', 300)).toEqual([
      { brandId: 'acme', matched: 'Acme', charStart: 7, charEnd: 11, visibleAtUs: 200 },
    ]);
    expect(matcher.end()).toEqual([]);
  });

  it('waits for a possible longer alias or exclusion, then keeps the original time', () => {
    const matcher = new IncrementalMatcher(BRANDS);
    expect(matcher.push('Apple', 10)).toEqual([]);
    expect(matcher.push(' p', 20)).toEqual([]);
    expect(matcher.push('hone', 30)).toEqual([
      { brandId: 'apple', matched: 'Apple', charStart: 0, charEnd: 5, visibleAtUs: 10 },
    ]);
  });

  it('drops a candidate once the exclusion around it completes', () => {
    const matcher = new IncrementalMatcher(BRANDS);
    expect(matcher.push('Apple', 10)).toEqual([]);
    expect(matcher.push(' pi', 20)).toEqual([]);
    expect(matcher.push('e and Apple', 30)).toEqual([]);
    expect(matcher.end()).toEqual([
      { brandId: 'apple', matched: 'Apple', charStart: 14, charEnd: 19, visibleAtUs: 30 },
    ]);
  });

  it('confirms a trailing mention at end()', () => {
    const matcher = new IncrementalMatcher(BRANDS);
    expect(matcher.push('Best: Acme', 5)).toEqual([]);
    expect(matcher.end()).toEqual([
      { brandId: 'acme', matched: 'Acme', charStart: 6, charEnd: 10, visibleAtUs: 5 },
    ]);
    expect(matcher.end()).toEqual([]);
    expect(() => matcher.push('x', 6)).toThrow();
  });

  it('keeps offsets right when a surrogate pair is split across chunks', () => {
    const matcher = new IncrementalMatcher(BRANDS);
    const text = 'x😀Acme';
    const out = [...matcher.push(text.slice(0, 2), 1), ...matcher.push(text.slice(2), 2), ...matcher.end()];
    expect(out).toEqual([{ brandId: 'acme', matched: 'Acme', charStart: 3, charEnd: 7, visibleAtUs: 2 }]);
  });

  it('a mention ending in a split astral character is visible when its low surrogate arrives', () => {
    const brands = [brand('math', '𝐀𝐜𝐦𝐞')];
    const matcher = new IncrementalMatcher(brands);
    const text = 'go 𝐀𝐜𝐦𝐞 now';
    const cut = text.indexOf(' now') - 1;
    const out = [
      ...matcher.push(text.slice(0, cut), 1),
      ...matcher.push(text.slice(cut), 2),
      ...matcher.end(),
    ];
    expect(out).toEqual([{ brandId: 'math', matched: '𝐀𝐜𝐦𝐞', charStart: 3, charEnd: 11, visibleAtUs: 2 }]);
  });

  it('handles thousands of aliases on long answers fed in small chunks', () => {
    const many: BrandSpec[] = [];
    for (let i = 0; i < 5000; i++) {
      many.push(brand(`b${i}`, `Brand${i} Labs`, { aliases: [alias(`B${i}X`)] }));
    }
    many.push(brand('acme', 'Acme'));
    const paragraph = 'Brand42 Labs beats Brand4242 Labs and B7X; Acme is fine. '.repeat(2000);
    const matcher = new IncrementalMatcher(many);
    const out: DetectedMention[] = [];
    for (let i = 0; i < paragraph.length; i += 7) out.push(...matcher.push(paragraph.slice(i, i + 7), i));
    out.push(...matcher.end());
    expect(out).toHaveLength(4 * 2000);
    expect(out.slice(0, 4).map((m) => m.brandId)).toEqual(['b42', 'b4242', 'b7', 'acme']);
  });

  it('times every mention of a long answer by the chunk of its last character', () => {
    // Thousands of chunks: the matcher keeps only the chunks a future mention can still end in, so this
    // checks the ones it drops never are (mentions spanning chunks, long URL runs, pending longer aliases).
    const piece =
      'Acme Cloud and Acme, see https://www.acme.com/pricing/acme-plans and apple pie; Monday.com, ' +
      'Zoho then Zoho CRM, HubSpot (hubspot.com), Nestlé, Яндекс, 小米 and Sony. Plain filler text here. ';
    const text = piece.repeat(60) + 'x'.repeat(3000) + ' Acme';
    const whole = detect(text).map(({ brandId, charStart, charEnd }) => ({ brandId, charStart, charEnd }));
    const random = fc.sample(fc.integer({ min: 1, max: 9 }), { numRuns: text.length, seed: 7 });
    const matcher = new IncrementalMatcher(BRANDS);
    const chunkEnds: number[] = [];
    const streamed: DetectedMention[] = [];
    for (let at = 0, i = 0; at < text.length; i++) {
      const end = Math.min(text.length, at + (random[i] as number));
      chunkEnds.push(end);
      streamed.push(...matcher.push(text.slice(at, end), 1_000 + i));
      at = end;
    }
    streamed.push(...matcher.end());
    expect(streamed.map(({ brandId, charStart, charEnd }) => ({ brandId, charStart, charEnd }))).toEqual(
      whole,
    );
    expect(streamed.length).toBeGreaterThan(600);
    for (const mention of streamed) {
      expect(mention.visibleAtUs).toBe(1_000 + chunkEnds.findIndex((end) => end > mention.charEnd - 1));
    }
  });
});

describe('IncrementalMatcher chunking invariance (property)', () => {
  const fragments = [
    'Acme',
    'acme',
    'Acme Cloud',
    'Cloud',
    ' ',
    '  ',
    '\n',
    '\n\n',
    '**',
    '*',
    '_',
    '.',
    ',',
    "'s",
    '’s',
    'com',
    'acme.com',
    'https://',
    'example.com/',
    'www.',
    '[',
    '](',
    ')',
    'Apple',
    'apple',
    ' pie',
    'Big ',
    'Hub',
    'Spot',
    'HubSpot',
    'Monday',
    'C3.ai',
    'é',
    'e\u0301',
    'Nestl',
    '😀',
    '𝐀',
    '小米',
    '手机',
    'Яндекс',
    '-',
    '–',
    '1. ',
    '- ',
  ];
  const textArb = fc
    .array(
      fc.oneof(
        { weight: 5, arbitrary: fc.constantFrom(...fragments) },
        {
          weight: 1,
          arbitrary: fc.oneof(
            fc.string({ unit: 'binary', maxLength: 3 }),
            fc.constantFrom('\ud83d', '\ude00', '\u00a0', '\u200b'),
          ),
        },
      ),
      {
        maxLength: 40,
      },
    )
    .map((parts) => parts.join(''));
  const splitArb = (length: number) =>
    fc.uniqueArray(fc.integer({ min: 1, max: Math.max(1, length - 1) }), { maxLength: 12 });

  it('finds the same mentions for any chunking, timed by the chunk of the last character', () => {
    fc.assert(
      fc.property(
        textArb.chain((text) => fc.tuple(fc.constant(text), splitArb(text.length))),
        ([text, rawCuts]) => {
          const whole = detect(text).map(({ brandId, matched, charStart, charEnd }) => ({
            brandId,
            matched,
            charStart,
            charEnd,
          }));
          const cuts = [...new Set(rawCuts.filter((cut) => cut > 0 && cut < text.length))].sort(
            (a, b) => a - b,
          );
          const bounds = [0, ...cuts, text.length];
          const matcher = new IncrementalMatcher(BRANDS);
          const streamed: DetectedMention[] = [];
          const chunkEnds: number[] = [];
          for (let i = 0; i + 1 < bounds.length; i++) {
            chunkEnds.push(bounds[i + 1] as number);
            streamed.push(...matcher.push(text.slice(bounds[i], bounds[i + 1]), (i + 1) * 10));
          }
          streamed.push(...matcher.end());
          expect(
            streamed.map(({ brandId, matched, charStart, charEnd }) => ({
              brandId,
              matched,
              charStart,
              charEnd,
            })),
          ).toEqual(whole);
          for (const mention of streamed) {
            const chunk = chunkEnds.findIndex((end) => end > mention.charEnd - 1);
            expect(mention.visibleAtUs).toBe((chunk + 1) * 10);
          }
          for (let i = 1; i < streamed.length; i++) {
            expect((streamed[i] as DetectedMention).charStart).toBeGreaterThanOrEqual(
              (streamed[i - 1] as DetectedMention).charEnd,
            );
          }
        },
      ),
      { numRuns: 1500 },
    );
  });

  it('one-character chunks give the same result as the whole text', () => {
    fc.assert(
      fc.property(textArb, (text) => {
        const matcher = new IncrementalMatcher(BRANDS);
        const streamed: DetectedMention[] = [];
        for (let i = 0; i < text.length; i++) streamed.push(...matcher.push(text[i] as string, i));
        streamed.push(...matcher.end());
        expect(streamed.map((m) => [m.brandId, m.charStart, m.charEnd])).toEqual(
          detect(text).map((m) => [m.brandId, m.charStart, m.charEnd]),
        );
        for (const m of streamed) expect(m.visibleAtUs).toBe(m.charEnd - 1);
      }),
      { numRuns: 500 },
    );
  });
});
