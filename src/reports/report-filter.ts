// What every report shares: the query it takes, the range rules, the SQL filter fragments and the way rates
// and numbers are presented. One definition, so every report counts the same runs the same way.
import { Prisma } from '../generated/prisma/client';
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
   * Runs that asked this revision of their prompt (run provenance). Neither rollups nor digest blocks carry
   * it: a report with it reads raw rows (`hasRunFilters`).
   */
  promptRevision?: number;
}

/** Filters that stored rollups and digest blocks cannot answer: reports read raw rows for them. */
export const hasRunFilters = (f: ReportFilter): boolean =>
  f.engineIds.length > 0 || f.promptIds.length > 0 || f.tags.length > 0 || f.promptRevision !== undefined;

const DEFAULT_RANGE_MS = 30 * 24 * 3600_000;
const MAX_RANGE_MS = 400 * 24 * 3600_000;

/** Range rules: default the last 30 days up to `now`; `from` before `to`; at most 400 days. */
export function reportFilter(q: ReportQuery, now: Date): ReportFilter {
  const to = q.to ? new Date(q.to) : now;
  const from = q.from ? new Date(q.from) : new Date(to.getTime() - DEFAULT_RANGE_MS);
  if (from >= to) throw ApiError.validation('from must be before to');
  if (to.getTime() - from.getTime() > MAX_RANGE_MS)
    throw ApiError.validation('the range may span at most 400 days');
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

/**
 * Run-level filters on score rows aliased `alias`: project, time range (observedAt), engines, prompts, and
 * prompts carrying any of the tags. An empty list means no filter. Brand filters are applied separately, after
 * per-run figures (order, brands named), so they never change what a run measured.
 */
export function runFilter(alias: string, f: ReportFilter): Prisma.Sql {
  const a = Prisma.raw(alias);
  return Prisma.sql`${a}."projectId" = ${f.projectId}::uuid AND ${a}."observedAt" >= ${f.from} AND ${a}."observedAt" < ${f.to}
    AND (cardinality(${f.engineIds}::uuid[]) = 0 OR ${a}."engineId" = ANY(${f.engineIds}::uuid[]))
    AND (cardinality(${f.promptIds}::uuid[]) = 0 OR ${a}."promptId" = ANY(${f.promptIds}::uuid[]))
    AND (cardinality(${f.tags}::text[]) = 0 OR ${a}."promptId" IN (SELECT id FROM tracked_prompts WHERE tags && ${f.tags}::text[]))
    AND (${f.promptRevision ?? null}::int IS NULL OR ${a}."runId" IN (SELECT r.id FROM runs r
      WHERE r."projectId" = ${f.projectId}::uuid AND r."promptRevision" = ${f.promptRevision ?? null}::int))`;
}

/** The same run-level filters on brand_day_rollups aliased `s`, for whole UTC days [fromDay, toDay). */
export function rollupFilter(f: ReportFilter, fromDay: Date, toDay: Date): Prisma.Sql {
  return Prisma.sql`s."projectId" = ${f.projectId}::uuid AND s.day >= ${isoDay(fromDay)}::date AND s.day < ${isoDay(toDay)}::date
    AND (cardinality(${f.engineIds}::uuid[]) = 0 OR s."engineId" = ANY(${f.engineIds}::uuid[]))
    AND (cardinality(${f.promptIds}::uuid[]) = 0 OR s."promptId" = ANY(${f.promptIds}::uuid[]))
    AND (cardinality(${f.tags}::text[]) = 0 OR s."promptId" IN (SELECT id FROM tracked_prompts WHERE tags && ${f.tags}::text[]))`;
}

const isoDay = (d: Date) => d.toISOString().slice(0, 10);

export function brandFilter(column: string, f: ReportFilter): Prisma.Sql {
  return Prisma.sql`(cardinality(${f.brandIds}::uuid[]) = 0 OR ${Prisma.raw(column)} = ANY(${f.brandIds}::uuid[]))`;
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
