// The SQL fragments of a report filter, shared by the report repositories (and the alert evaluation): the one
// place the filter of report-filter.ts becomes SQL, so every report counts the same runs the same way.
import { Prisma } from '../generated/prisma/client';
import { type ReportFilter } from './report-filter';

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
