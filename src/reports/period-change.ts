// Period over period for the mentions report's headline figures (docs/metrics.md "Period over period"). Pure.
import { brandPercentiles, type BrandPercentiles } from './digest/digest-views';
import { type ReportDigest } from './digest/report-digest';
import { type BrandTotalsRow } from './mention-report.repository';
import { ms, round } from './report-filter';

/** Summed mentions, attention and GEO words of all tracked brands of a section. */
export type Totals = { mentions: number; attention: number; geoWeighted: number };

export interface Headline {
  n: number;
  mentionRate: number | null;
  meanStreamScore: number | null;
  shareOfVoice: number | null;
  aboveFoldRate: number | null;
  /** Median time to first mention, µs (from the digest histogram). */
  ttfmP50Us: number | null;
}

export function headline(r: BrandTotalsRow, totals: Totals, p: BrandPercentiles | undefined): Headline {
  return {
    n: r.n,
    mentionRate: r.n === 0 ? null : r.mentioned / r.n,
    meanStreamScore: r.n === 0 ? null : r.streamScoreSum / r.n,
    shareOfVoice: totals.mentions === 0 ? null : r.mentionCount / totals.mentions,
    aboveFoldRate: r.n === 0 ? null : r.aboveFold / r.n,
    ttfmP50Us: p?.ttfmP50Us ?? null,
  };
}

/**
 * Period-over-period for the headline figures: the previous period's values and the change (this minus
 * previous; rates and shares in percentage points, the median time to first mention in ms). Null where either
 * side has no data.
 */
export function periodChange(current: Headline, p: Headline | null) {
  const diff = (a: number | null, b: number | null | undefined, scale: number, digits: number) =>
    a === null || b === null || b === undefined ? null : round((a - b) * scale, digits);
  return {
    previous: p
      ? {
          n: p.n,
          mentionRate: round(p.mentionRate, 6),
          meanStreamScore: round(p.meanStreamScore, 4),
          shareOfVoice: round(p.shareOfVoice, 6),
          aboveFoldRate: round(p.aboveFoldRate, 6),
          timeToFirstMentionP50Ms: ms(p.ttfmP50Us),
        }
      : null,
    change: {
      mentionRatePoints: diff(current.mentionRate, p?.mentionRate, 100, 4),
      meanStreamScore: diff(current.meanStreamScore, p?.meanStreamScore, 1, 4),
      shareOfVoicePoints: diff(current.shareOfVoice, p?.shareOfVoice, 100, 4),
      aboveFoldRatePoints: diff(current.aboveFoldRate, p?.aboveFoldRate, 100, 4),
      timeToFirstMentionP50Ms: diff(current.ttfmP50Us, p?.ttfmP50Us, 0.001, 3),
    },
  };
}

export function percentilesBySection(digest: ReportDigest): Map<string, BrandPercentiles> {
  const out = new Map<string, BrandPercentiles>();
  for (const p of brandPercentiles(digest.measured)) out.set(`${p.brandId}:false`, p);
  for (const p of brandPercentiles(digest.synthetic)) out.set(`${p.brandId}:true`, p);
  return out;
}
