import { Injectable } from '@nestjs/common';
import { Prisma } from '../generated/prisma/client';
import { PrismaService } from '../infra/prisma/prisma.service';
import { type ReportFilter } from './report-filter';
import { brandFilter, rollupFilter, runFilter } from './report-filter.repository';
import { type GroupDimension } from './report-groups';
import { splitRange, type ReportSource } from './rollup-range';

export { type ReportFilter } from './report-filter';

/** Counts and exact sums per brand and section; the same from rollups and from raw rows. */
export interface BrandTotalsRow {
  brandId: string;
  synthetic: boolean;
  n: number;
  mentioned: number;
  aboveFold: number;
  mentionCount: number;
  orderSum: number;
  bandTop: number;
  bandMiddle: number;
  bandBottom: number;
  trakkrSum: number;
  attentionSum: number;
  streamScoreSum: number;
  geoN: number;
  geoWeightedSum: number;
  geoShareSum: number;
}

/** The sums of run_brand_scores columns that brand_day_rollups keeps (same names as the rollup columns). */
const RAW_SUMS = Prisma.sql`
  count(*) AS n, count(*) FILTER (WHERE s.mentioned) AS mentioned, count(*) FILTER (WHERE s."aboveFold") AS "aboveFold",
  coalesce(sum(s."mentionCount"), 0) AS "mentionCount", coalesce(sum(s."order"), 0) AS "orderSum",
  count(*) FILTER (WHERE s."relPosition" < 0.25) AS "bandTop",
  count(*) FILTER (WHERE s."relPosition" >= 0.25 AND s."relPosition" < 0.75) AS "bandMiddle",
  count(*) FILTER (WHERE s."relPosition" >= 0.75) AS "bandBottom",
  coalesce(sum(s."trakkrPoints"), 0) AS "trakkrSum", coalesce(sum(s.attention), 0) AS "attentionSum",
  coalesce(sum(s."streamScore"), 0) AS "streamScoreSum", count(s."geoWeightedWords") AS "geoN",
  coalesce(sum(s."geoWeightedWords"), 0) AS "geoWeightedSum", coalesce(sum(s."geoShareOfAnswer"), 0) AS "geoShareSum"`;

const ROLLUP_SUMS = Prisma.sql`
  sum(s.n) AS n, sum(s.mentioned) AS mentioned, sum(s."aboveFold") AS "aboveFold",
  sum(s."mentionCount") AS "mentionCount", sum(s."orderSum") AS "orderSum", sum(s."bandTop") AS "bandTop",
  sum(s."bandMiddle") AS "bandMiddle", sum(s."bandBottom") AS "bandBottom", sum(s."trakkrSum") AS "trakkrSum",
  sum(s."attentionSum") AS "attentionSum", sum(s."streamScoreSum") AS "streamScoreSum", sum(s."geoN") AS "geoN",
  sum(s."geoWeightedSum") AS "geoWeightedSum", sum(s."geoShareSum") AS "geoShareSum"`;

/** Exact numeric sums become numbers only at the very end, identically on both paths. */
const FINAL_SUMS = Prisma.sql`
  sum(n)::int AS n, sum(mentioned)::int AS mentioned, sum("aboveFold")::int AS "aboveFold",
  sum("mentionCount")::int AS "mentionCount", sum("orderSum")::int AS "orderSum", sum("bandTop")::int AS "bandTop",
  sum("bandMiddle")::int AS "bandMiddle", sum("bandBottom")::int AS "bandBottom", sum("trakkrSum")::int AS "trakkrSum",
  sum("attentionSum")::float8 AS "attentionSum", sum("streamScoreSum")::float8 AS "streamScoreSum",
  sum("geoN")::int AS "geoN", sum("geoWeightedSum")::float8 AS "geoWeightedSum",
  sum("geoShareSum")::float8 AS "geoShareSum"`;

/**
 * Mention aggregates. Counts and sums come from brand_day_rollups for the whole UTC days of the range and from
 * run_brand_scores for the partial days at its edges (source `rollup`), or from run_brand_scores alone (`raw`):
 * both give identical numbers (test/e2e/report-rollups.e2e-spec.ts). Percentiles and head to head come from
 * report digests (./digest/), not from here.
 */
@Injectable()
export class MentionReportRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Union of the rollup part and the raw parts of a range, each yielding `keys` plus the rollup columns. */
  private parts(
    f: ReportFilter,
    source: ReportSource,
    keys: { raw: Prisma.Sql; rollup: Prisma.Sql },
    keyCount = 1,
  ) {
    // Rollups carry no prompt revision: a revision filter reads raw rows only.
    const split = splitRange(f.from, f.to, f.promptRevision === undefined ? source : 'raw');
    const groupBy = Prisma.raw(Array.from({ length: keyCount + 2 }, (_, i) => i + 1).join(', '));
    const parts = split.raw.map(
      (r) => Prisma.sql`
        SELECT ${keys.raw}, s."brandId", s.synthetic, ${RAW_SUMS}
        FROM run_brand_scores s
        WHERE ${runFilter('s', { ...f, ...r })} AND ${brandFilter('s."brandId"', f)}
        GROUP BY ${groupBy}`,
    );
    if (split.days) {
      parts.push(Prisma.sql`
        SELECT ${keys.rollup}, s."brandId", s.synthetic, ${ROLLUP_SUMS}
        FROM brand_day_rollups s
        WHERE ${rollupFilter(f, split.days.fromDay, split.days.toDay)} AND ${brandFilter('s."brandId"', f)}
        GROUP BY ${groupBy}`);
    }
    return Prisma.join(parts, ' UNION ALL ');
  }

  async brandTotals(f: ReportFilter, source: ReportSource = 'rollup'): Promise<BrandTotalsRow[]> {
    const parts = this.parts(f, source, { raw: Prisma.sql`1 AS k`, rollup: Prisma.sql`1 AS k` });
    return this.prisma.$queryRaw<BrandTotalsRow[]>`
      SELECT "brandId", synthetic, ${FINAL_SUMS}
      FROM (${parts}) p
      GROUP BY "brandId", synthetic
      HAVING sum(n) > 0`;
  }

  /**
   * brandTotals per group of the run dimensions `dims` (engine, prompt, tag, day, week): the rollup's cells
   * (day, engine, prompt) mapped to groups, a run counting in the group of each tag of its prompt (with a tag
   * filter, of each filtered tag).
   */
  async brandTotalsByGroup(
    f: ReportFilter,
    dims: readonly GroupDimension[],
    source: ReportSource = 'rollup',
  ) {
    const parts = this.parts(
      f,
      source,
      {
        raw: Prisma.sql`date_trunc('day', s."observedAt" AT TIME ZONE 'UTC') AS day, s."engineId", s."promptId"`,
        rollup: Prisma.sql`s.day::timestamp AS day, s."engineId", s."promptId"`,
      },
      3,
    );
    const column: Record<Exclude<GroupDimension, 'brand'>, Prisma.Sql> = {
      engine: Prisma.sql`p."engineId"::text`,
      prompt: Prisma.sql`p."promptId"::text`,
      tag: Prisma.sql`t.tag`,
      day: Prisma.sql`p.day`,
      week: Prisma.sql`date_trunc('week', p.day)`,
    };
    const runDims = dims.filter((d) => d !== 'brand');
    const keys = runDims.map((d) => Prisma.sql`${column[d]} AS ${Prisma.raw(`"${d}"`)}`);
    const tags = runDims.includes('tag')
      ? Prisma.sql`JOIN tracked_prompts tp ON tp.id = p."promptId" CROSS JOIN LATERAL (SELECT DISTINCT unnest(tp.tags) AS tag) t
          WHERE cardinality(${f.tags}::text[]) = 0 OR t.tag = ANY(${f.tags}::text[])`
      : Prisma.empty;
    const groupBy = Prisma.raw(Array.from({ length: runDims.length + 2 }, (_, i) => i + 1).join(', '));
    return this.prisma.$queryRaw<(BrandTotalsRow & GroupColumns)[]>`
      SELECT ${Prisma.join([...keys, Prisma.sql`"brandId"`], ', ')}, synthetic, ${FINAL_SUMS}
      FROM (${parts}) p ${tags}
      GROUP BY ${groupBy}
      HAVING sum(n) > 0`;
  }

  /** Failed runs in the range (by slot time), with the same engine/prompt/tag filters. */
  async failedRuns(f: ReportFilter): Promise<{ synthetic: boolean; failed: number }[]> {
    return this.prisma.$queryRaw<{ synthetic: boolean; failed: number }[]>`
      SELECT synthetic, count(*)::int AS failed FROM runs r
      WHERE r."projectId" = ${f.projectId}::uuid AND r.status = 'failed' AND r."slotAt" >= ${f.from} AND r."slotAt" < ${f.to}
        AND (cardinality(${f.engineIds}::uuid[]) = 0 OR r."engineId" = ANY(${f.engineIds}::uuid[]))
        AND (cardinality(${f.promptIds}::uuid[]) = 0 OR r."promptId" = ANY(${f.promptIds}::uuid[]))
        AND (cardinality(${f.tags}::text[]) = 0 OR r."promptId" IN (SELECT id FROM tracked_prompts WHERE tags && ${f.tags}::text[]))
        AND (${f.promptRevision ?? null}::int IS NULL OR r."promptRevision" = ${f.promptRevision ?? null}::int)
      GROUP BY synthetic`;
  }

  /** Per time bucket (UTC day or ISO week) and brand: n, mentioned runs, mentions, stream score sum. */
  async trend(f: ReportFilter, bucket: 'day' | 'week', source: ReportSource = 'rollup'): Promise<TrendRow[]> {
    const parts = this.parts(f, source, {
      raw: Prisma.sql`date_trunc(${bucket}, s."observedAt" AT TIME ZONE 'UTC') AS bucket`,
      rollup: Prisma.sql`date_trunc(${bucket}, s.day::timestamp) AS bucket`,
    });
    return this.prisma.$queryRaw<TrendRow[]>`
      SELECT bucket, "brandId", synthetic, sum(n)::int AS n, sum(mentioned)::int AS mentioned,
        sum("aboveFold")::int AS "aboveFold", sum("mentionCount")::int AS "mentionCount",
        sum("streamScoreSum")::float8 AS "streamScoreSum"
      FROM (${parts}) p
      GROUP BY bucket, "brandId", synthetic
      HAVING sum(n) > 0
      ORDER BY bucket, "brandId", synthetic`;
  }
}

/** The group columns of brandTotalsByGroup (only the requested ones are present). */
export interface GroupColumns {
  engine?: string;
  prompt?: string;
  tag?: string;
  day?: Date;
  week?: Date;
}

export interface TrendRow {
  bucket: Date;
  brandId: string;
  synthetic: boolean;
  n: number;
  mentioned: number;
  aboveFold: number;
  mentionCount: number;
  streamScoreSum: number;
}
