// What every report shares: the query it takes, the range rules and the way rates and numbers are presented.
// One definition, so every report counts the same runs the same way (the SQL form of the filter is in
// report-filter.repository.ts).
import { ApiError } from '../infra/http/api-error';
import { wilsonInterval } from '../scoring/statistics';

export interface ReportQuery {
  projectId: string;
  from?: string;
  to?: string;
  brandIds?: string[];
  engineIds?: string[];
  promptIds?: string[];
  tags?: string[];
  promptRevision?: number;
}

export interface ReportFilter {
  projectId: string;
  from: Date;
  to: Date;
  brandIds: string[];
  engineIds: string[];
  promptIds: string[];
  tags: string[];
  /**
   * Runs that asked this revision of their prompt (run provenance). Neither rollups nor digest blocks or
   * slices carry it: a report with it reads raw rows.
   */
  promptRevision?: number;
}

/**
 * Filters that whole digest blocks cannot answer: reports merge the blocks' (engine, prompt) slices instead
 * (docs/reports.md "Slices"), and read raw rows for a prompt revision.
 */
export const hasRunFilters = (f: ReportFilter): boolean =>
  f.engineIds.length > 0 || f.promptIds.length > 0 || f.tags.length > 0 || f.promptRevision !== undefined;

const DEFAULT_RANGE_MS = 30 * 24 * 3600_000;
const MAX_RANGE_MS = 400 * 24 * 3600_000;

/** Range rules: default the last 30 days up to `now`; `from` before `to`; at most 400 days. */
export function reportFilter(q: ReportQuery, now: Date): ReportFilter {
  const to = q.to ? new Date(q.to) : now;
  const from = q.from ? new Date(q.from) : new Date(to.getTime() - DEFAULT_RANGE_MS);
  if (from >= to) throw ApiError.validation('from must be before to');
  if (to.getTime() - from.getTime() > MAX_RANGE_MS) {
    throw ApiError.validation('the range may span at most 400 days');
  }
  return {
    projectId: q.projectId,
    from,
    to,
    brandIds: q.brandIds ?? [],
    engineIds: q.engineIds ?? [],
    promptIds: q.promptIds ?? [],
    tags: q.tags ?? [],
    ...(q.promptRevision === undefined ? {} : { promptRevision: q.promptRevision }),
  };
}

export const round = (v: number | null, digits: number): number | null =>
  v === null ? null : Number(v.toFixed(digits));

/** Microseconds as aggregated → milliseconds as presented. */
export const ms = (us: number | null): number | null => (us === null ? null : Math.round(us) / 1000);

/** A rate with its 95% Wilson interval and its n. */
export function rate(successes: number, n: number) {
  const i = wilsonInterval(successes, n);
  return {
    rate: round(i?.rate ?? null, 6),
    low: round(i?.low ?? null, 6),
    high: round(i?.high ?? null, 6),
    n,
  };
}
