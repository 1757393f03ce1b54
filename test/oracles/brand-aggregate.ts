/**
 * Aggregates of one brand over a set of successful runs, in TypeScript, with the same definitions as the
 * SQL in src/reports/mention-report.repository.ts (docs/metrics.md is the reference for both):
 * - n counts every successful run (the brand has one row per run, present or not);
 * - percentiles are percentile_cont over the runs where the brand is mentioned (absent runs are NULL); reports
 *   take them from digest histograms, exact for small samples and within 2 % otherwise (docs/reports.md);
 * - meanOrder is over mentioned runs; aboveFoldRate and meanStreamScore are over all n runs (an absent
 *   brand is not above the fold and scores 0).
 * Plus share of voice, which needs every tracked brand's counts.
 */
import { mean, percentile, wilsonInterval, type RateInterval } from '../../src/scoring/statistics';

export interface BrandRunRow {
  mentioned: boolean;
  mentionCount: number;
  sinceFirstTokenUs: number | null;
  firstVisibleAtUs: number | null;
  firstTokenIndex: number | null;
  order: number | null;
  aboveFold: boolean;
  /** 0 when absent. */
  attention: number;
  streamScore: number;
}

export interface BrandAggregate {
  n: number;
  mentionedRuns: number;
  mentionCount: number;
  mentionRate: RateInterval | null;
  ttfmP50Us: number | null;
  ttfmP90Us: number | null;
  visibleP50Us: number | null;
  visibleP90Us: number | null;
  tokenIndexP50: number | null;
  tokenIndexP90: number | null;
  meanOrder: number | null;
  aboveFoldRate: number | null;
  meanStreamScore: number | null;
}

const present = (values: (number | null)[]): number[] => values.filter((v): v is number => v !== null);

export function aggregateBrandRuns(rows: readonly BrandRunRow[]): BrandAggregate {
  const n = rows.length;
  const mentionedRuns = rows.filter((row) => row.mentioned).length;
  const ttfm = present(rows.map((row) => row.sinceFirstTokenUs));
  const visible = present(rows.map((row) => row.firstVisibleAtUs));
  const tokens = present(rows.map((row) => row.firstTokenIndex));
  return {
    n,
    mentionedRuns,
    mentionCount: rows.reduce((sum, row) => sum + row.mentionCount, 0),
    mentionRate: wilsonInterval(mentionedRuns, n),
    ttfmP50Us: percentile(ttfm, 0.5),
    ttfmP90Us: percentile(ttfm, 0.9),
    visibleP50Us: percentile(visible, 0.5),
    visibleP90Us: percentile(visible, 0.9),
    tokenIndexP50: percentile(tokens, 0.5),
    tokenIndexP90: percentile(tokens, 0.9),
    meanOrder: mean(present(rows.map((row) => row.order))),
    aboveFoldRate: n === 0 ? null : rows.filter((row) => row.aboveFold).length / n,
    meanStreamScore: mean(rows.map((row) => row.streamScore)),
  };
}

export interface ShareOfVoice {
  brandId: string;
  /** The brand's mentions over all tracked brands' mentions (null when no brand was mentioned). */
  share: number | null;
  /** The brand's summed attention over all tracked brands' summed attention (null when all are 0). */
  attentionShare: number | null;
}

/** Share of voice over a set of runs, from each brand's summed mentionCount and attention. */
export function shareOfVoice(
  totals: readonly { brandId: string; mentionCount: number; attention: number }[],
): ShareOfVoice[] {
  const mentions = totals.reduce((sum, t) => sum + t.mentionCount, 0);
  const attention = totals.reduce((sum, t) => sum + t.attention, 0);
  return totals.map((t) => ({
    brandId: t.brandId,
    share: mentions > 0 ? t.mentionCount / mentions : null,
    attentionShare: attention > 0 ? t.attention / attention : null,
  }));
}

/** µs as presented by the API: milliseconds with 3 decimals (`Math.round(us) / 1000`). */
export function presentMs(us: number | null): number | null {
  return us === null ? null : Math.round(us) / 1000;
}
