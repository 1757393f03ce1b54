// Arrival distribution ("seen by t"): for each brand, the share of answers in which the brand had reached the
// reader by t ms after the first token, and within the first k tokens, on fixed grids. Computed from a report
// digest's per-brand histograms (./digest/), so it merges from stored blocks like the other reports. Pure.
// Definition and worked example: docs/metrics.md "Arrival distribution".
import { type BrandDigest } from './digest/report-digest';
import { histogramCountsAtMost } from './digest/histogram';
import { round } from './report-filter';
import { wilsonInterval } from '../scoring/statistics';

/** t = 0, 500, …, 30 000 ms after the first token. */
export const ARRIVAL_TIME_GRID_MS: readonly number[] = Array.from({ length: 61 }, (_, i) => i * 500);
/** k = 0, 10, …, 500 tokens. */
export const ARRIVAL_TOKEN_GRID: readonly number[] = Array.from({ length: 51 }, (_, i) => i * 10);

export interface ArrivalPoint {
  count: number;
  share: number | null;
  lower: number | null;
  upper: number | null;
}

export interface ArrivalCurves {
  n: number;
  mentionedRuns: number;
  byTime: (ArrivalPoint & { tMs: number })[];
  byToken: (ArrivalPoint & { k: number })[];
}

function point(count: number, n: number): ArrivalPoint {
  const i = wilsonInterval(count, n);
  return {
    count,
    share: round(i?.rate ?? null, 6),
    lower: round(i?.low ?? null, 6),
    upper: round(i?.high ?? null, 6),
  };
}

/**
 * One brand's curves. n = the brand's runs in scope (absent = not reached). By time: runs whose first mention
 * became visible at most t ms after the first token (sinceFirstToken ≤ t). By token: runs whose first mention
 * starts within the first k tokens (firstTokenIndex < k; at k = foldTokens, the above-the-fold runs).
 */
export function arrivalCurves(
  b: Pick<BrandDigest, 'n' | 'mentioned' | 'sinceFirstTokenUs' | 'firstTokenIndex'>,
  timeGridMs: readonly number[] = ARRIVAL_TIME_GRID_MS,
  tokenGrid: readonly number[] = ARRIVAL_TOKEN_GRID,
): ArrivalCurves {
  const byTime = histogramCountsAtMost(
    b.sinceFirstTokenUs,
    timeGridMs.map((t) => t * 1000),
  );
  // Token indexes are integers: "< k" is "≤ k − 0.5" for bin means that may be fractional.
  const byToken = histogramCountsAtMost(
    b.firstTokenIndex,
    tokenGrid.map((k) => k - 0.5),
  );
  return {
    n: b.n,
    mentionedRuns: b.mentioned,
    byTime: timeGridMs.map((tMs, i) => ({ tMs, ...point(byTime[i]!, b.n) })),
    byToken: tokenGrid.map((k, i) => ({ k, ...point(byToken[i]!, b.n) })),
  };
}
