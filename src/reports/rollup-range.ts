// How a report range splits between the daily rollup (whole UTC days) and raw score rows (the partial days at
// either edge). Pure, so the split is tested on its own; the SQL in mention-report.repository.ts follows it.

const DAY_MS = 24 * 3600_000;

export interface RangeSplit {
  /** Whole UTC days [fromDay, toDay) read from brand_day_rollups; null when the range holds no whole day. */
  days: { fromDay: Date; toDay: Date } | null;
  /** Time ranges [from, to) read from run_brand_scores (at most two: the head and the tail). */
  raw: { from: Date; to: Date }[];
}

/** Reports read rollups (`rollup`) or only raw rows (`raw`, the reference the rollup path is tested against). */
export type ReportSource = 'rollup' | 'raw';

export function splitRange(from: Date, to: Date, source: ReportSource): RangeSplit {
  if (source === 'raw') return { days: null, raw: [{ from, to }] };
  const fromDay = new Date(Math.ceil(from.getTime() / DAY_MS) * DAY_MS);
  const toDay = new Date(Math.floor(to.getTime() / DAY_MS) * DAY_MS);
  if (fromDay >= toDay) return { days: null, raw: [{ from, to }] };
  const raw = [
    { from, to: fromDay },
    { from: toDay, to },
  ].filter((r) => r.from < r.to);
  return { days: { fromDay, toDay }, raw };
}
