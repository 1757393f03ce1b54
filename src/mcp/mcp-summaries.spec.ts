import {
  arrivalSummary,
  citationsSummary,
  formatRate,
  gapsSummary,
  headToHeadSummary,
  listed,
  mentionsSummary,
  trendSummary,
} from './mcp-summaries';

// The summaries read a few fields of each report; the fixtures hold those fields only (hence the casts).
type Arg<F extends (r: never) => string> = Parameters<F>[0];
const as = <F extends (r: never) => string>(v: unknown) => v as Arg<F>;

const range = { projectId: 'p', from: '2026-11-01T00:00:00.000Z', to: '2026-12-01T00:00:00.000Z' };
const rate = (r: number | null, n: number, low = 0.1, high = 0.9) => ({ rate: r, low, high, n });

describe('summaries', () => {
  it('formats a rate with its interval and n, and says when there is none', () => {
    expect(formatRate({ rate: 0.4167, low: 0.1933, high: 0.6805 }, 12)).toBe(
      '41.7% (95% CI 19.3%–68.1%, n=12)',
    );
    expect(formatRate({ rate: null, low: null, high: null }, 0)).toBe('no data (n=0)');
  });

  it('lists the first items and counts the rest', () => {
    expect(listed(['a', 'b', 'c'], 2)).toBe('a; b; +1 more');
    expect(listed([])).toBe('none');
  });

  it('mentions: every brand with n and interval; synthetic runs labelled apart', () => {
    const r = {
      ...range,
      measured: {
        successfulRuns: 10,
        brands: [{ brandId: 'b1', name: 'Acme', n: 10, mentionRate: rate(0.5, 10) }],
      },
      synthetic: { successfulRuns: 3, brands: [] },
    };
    expect(mentionsSummary(as<typeof mentionsSummary>(r))).toBe(
      'Mention rate 2026-11-01..2026-12-01, 10 measured runs: Acme 50% (95% CI 10%–90%, n=10). ' +
        'Synthetic (demo engine) runs, reported apart: 3.',
    );
    const none = {
      ...r,
      synthetic: { successfulRuns: 0, brands: [] },
      groupBy: ['engine'],
      groups: { measured: [{}, {}], synthetic: [] },
    };
    expect(mentionsSummary(as<typeof mentionsSummary>(none))).toBe(
      'Mention rate 2026-11-01..2026-12-01, 10 measured runs: Acme 50% (95% CI 10%–90%, n=10). 2 measured groups by engine.',
    );
  });

  it('head to head, trend, citations, gaps and arrival keep n and the interval', () => {
    const pair = {
      brandA: { id: 'a', name: 'Acme' },
      brandB: { id: 'g', name: 'Globex' },
      runs: 4,
      aFirstRate: rate(0.75, 4),
    };
    expect(
      headToHeadSummary(as<typeof headToHeadSummary>({ ...range, measured: [pair], synthetic: [] })),
    ).toBe('Head to head 2026-11-01..2026-12-01, measured: Acme before Globex 75% (95% CI 10%–90%, n=4).');
    const row = (bucket: string, n: number) => ({
      bucket,
      brandId: 'a',
      name: 'Acme',
      n,
      mentionRate: rate(0.5, n),
    });
    const trend = {
      ...range,
      bucket: 'day',
      measured: [row('2026-11-02T00:00:00.000Z', 2), row('2026-11-03T00:00:00.000Z', 4)],
      synthetic: [],
    };
    expect(trendSummary(as<typeof trendSummary>(trend))).toBe(
      'Trend by day 2026-11-01..2026-12-01: 2 measured buckets; latest (2026-11-03): Acme 50% (95% CI 10%–90%, n=4).',
    );
    const citations = {
      ...range,
      measured: { successfulRuns: 8, domains: [{ domain: 'g2.com', citingRate: rate(0.25, 8) }] },
      synthetic: { successfulRuns: 0 },
    };
    expect(citationsSummary(as<typeof citationsSummary>(citations))).toBe(
      'Citations 2026-11-01..2026-12-01, 8 measured runs; most cited: g2.com 25% (95% CI 10%–90%, n=8).',
    );
    const gap = {
      promptId: 'p1',
      promptText: 'best crm',
      engineId: 'e',
      engineName: 'GPT',
      ownBrand: { id: 'a', name: 'Acme' },
      n: 5,
      gapRate: rate(0.4, 5),
    };
    expect(
      gapsSummary(
        as<typeof gapsSummary>({ ...range, measured: { gaps: [gap] }, synthetic: { gaps: [{ n: 2 }] } }),
      ),
    ).toBe(
      'Gaps 2026-11-01..2026-12-01 (answers naming a competitor, not the own brand): best crm on GPT: ' +
        '40% (95% CI 10%–90%, n=5) without Acme. Synthetic (demo engine) runs, reported apart: 2.',
    );
    const arrival = {
      ...range,
      measured: {
        successfulRuns: 6,
        brands: [
          { brandId: 'a', name: 'Acme', n: 6, byTime: [{ tMs: 5000, share: 0.5, lower: 0.2, upper: 0.8 }] },
        ],
      },
      synthetic: { successfulRuns: 0 },
    };
    expect(arrivalSummary(as<typeof arrivalSummary>(arrival))).toBe(
      'Arrival 2026-11-01..2026-12-01, 6 measured answers: Acme by 5000 ms 50% (95% CI 20%–80%, n=6).',
    );
  });
});
