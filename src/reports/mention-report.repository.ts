import { Injectable } from '@nestjs/common';
import { PrismaService } from '../infra/prisma/prisma.service';
import { brandFilter, runFilter, type ReportFilter } from './report-filter';

export { type ReportFilter } from './report-filter';

export interface BrandAggregateRow {
  brandId: string;
  synthetic: boolean;
  n: number;
  mentioned: number;
  aboveFold: number;
  ttfmP50Us: number | null;
  ttfmP90Us: number | null;
  visibleP50Us: number | null;
  visibleP90Us: number | null;
  tokenIndexP50: number | null;
  tokenIndexP90: number | null;
  meanOrder: number | null;
  meanStreamScore: number | null;
  mentionCount: number;
  attentionSum: number;
  bandTop: number;
  bandMiddle: number;
  bandBottom: number;
  meanTrakkrPoints: number | null;
}

export interface PairAggregateRow {
  brandA: string;
  brandB: string;
  synthetic: boolean;
  runs: number;
  both: number;
  onlyA: number;
  onlyB: number;
  aFirst: number;
  medianLeadUs: number | null;
  medianLeadTokens: number | null;
}

/**
 * Mention-position aggregates straight from run_brand_scores, one pass, using the
 * (projectId, observedAt, brandId) index. Percentiles are percentile_cont (linear interpolation),
 * the same definition as src/scoring's percentile(). NULLs (brand absent) are ignored by percentiles/means.
 */
@Injectable()
export class MentionReportRepository {
  constructor(private readonly prisma: PrismaService) {}

  async brandAggregates(f: ReportFilter): Promise<BrandAggregateRow[]> {
    return this.prisma.$queryRaw<BrandAggregateRow[]>`
      WITH s AS (
        SELECT sc.*, count(*) FILTER (WHERE sc.mentioned) OVER (PARTITION BY sc."runId") AS named
        FROM run_brand_scores sc
        WHERE ${runFilter('sc', f)}
      )
      SELECT s."brandId", s.synthetic,
        count(*)::int AS n,
        count(*) FILTER (WHERE s.mentioned)::int AS mentioned,
        count(*) FILTER (WHERE s."aboveFold")::int AS "aboveFold",
        coalesce(sum(s."mentionCount"), 0)::int AS "mentionCount",
        percentile_cont(0.5) WITHIN GROUP (ORDER BY s."sinceFirstTokenUs")::float8 AS "ttfmP50Us",
        percentile_cont(0.9) WITHIN GROUP (ORDER BY s."sinceFirstTokenUs")::float8 AS "ttfmP90Us",
        percentile_cont(0.5) WITHIN GROUP (ORDER BY s."firstVisibleAtUs")::float8 AS "visibleP50Us",
        percentile_cont(0.9) WITHIN GROUP (ORDER BY s."firstVisibleAtUs")::float8 AS "visibleP90Us",
        percentile_cont(0.5) WITHIN GROUP (ORDER BY s."firstTokenIndex")::float8 AS "tokenIndexP50",
        percentile_cont(0.9) WITHIN GROUP (ORDER BY s."firstTokenIndex")::float8 AS "tokenIndexP90",
        avg(s."order")::float8 AS "meanOrder",
        avg(s."streamScore")::float8 AS "meanStreamScore",
        coalesce(sum(s.attention), 0)::float8 AS "attentionSum",
        count(*) FILTER (WHERE s."relPosition" < 0.25)::int AS "bandTop",
        count(*) FILTER (WHERE s."relPosition" >= 0.25 AND s."relPosition" < 0.75)::int AS "bandMiddle",
        count(*) FILTER (WHERE s."relPosition" >= 0.75)::int AS "bandBottom",
        avg(CASE
              WHEN NOT s.mentioned THEN 0
              WHEN s.named = 1 THEN 10
              ELSE greatest(1, round((10 - 9 * sqrt((s."order" - 1)::float8 / (s.named - 1)))::numeric))
            END)::float8 AS "meanTrakkrPoints"
      FROM s
      WHERE ${brandFilter('s."brandId"', f)}
      GROUP BY s."brandId", s.synthetic`;
  }

  /**
   * Head to head for every pair of brands: runs where both appear, who came first (by order, i.e. the first
   * mention's position in the text), and the median lead (B minus A) in microseconds and tokens.
   */
  async pairAggregates(f: ReportFilter): Promise<PairAggregateRow[]> {
    return this.prisma.$queryRaw<PairAggregateRow[]>`
      SELECT a."brandId" AS "brandA", b."brandId" AS "brandB", a.synthetic,
        count(*)::int AS runs,
        count(*) FILTER (WHERE a.mentioned AND b.mentioned)::int AS both,
        count(*) FILTER (WHERE a.mentioned AND NOT b.mentioned)::int AS "onlyA",
        count(*) FILTER (WHERE b.mentioned AND NOT a.mentioned)::int AS "onlyB",
        count(*) FILTER (WHERE a.mentioned AND b.mentioned AND a."order" < b."order")::int AS "aFirst",
        (percentile_cont(0.5) WITHIN GROUP (ORDER BY b."firstVisibleAtUs" - a."firstVisibleAtUs")
          FILTER (WHERE a.mentioned AND b.mentioned))::float8 AS "medianLeadUs",
        (percentile_cont(0.5) WITHIN GROUP (ORDER BY b."firstTokenIndex" - a."firstTokenIndex")
          FILTER (WHERE a.mentioned AND b.mentioned))::float8 AS "medianLeadTokens"
      FROM run_brand_scores a
      JOIN run_brand_scores b ON b."runId" = a."runId" AND b."brandId" <> a."brandId"
      WHERE ${runFilter('a', f)} AND ${brandFilter('a."brandId"', f)} AND ${brandFilter('b."brandId"', f)}
      GROUP BY a."brandId", b."brandId", a.synthetic`;
  }

  /** Failed runs in the range (by slot time), with the same engine/prompt/tag filters. */
  async failedRuns(f: ReportFilter): Promise<{ synthetic: boolean; failed: number }[]> {
    return this.prisma.$queryRaw<{ synthetic: boolean; failed: number }[]>`
      SELECT synthetic, count(*)::int AS failed FROM runs r
      WHERE r."projectId" = ${f.projectId}::uuid AND r.status = 'failed' AND r."slotAt" >= ${f.from} AND r."slotAt" < ${f.to}
        AND (cardinality(${f.engineIds}::uuid[]) = 0 OR r."engineId" = ANY(${f.engineIds}::uuid[]))
        AND (cardinality(${f.promptIds}::uuid[]) = 0 OR r."promptId" = ANY(${f.promptIds}::uuid[]))
        AND (cardinality(${f.tags}::text[]) = 0 OR r."promptId" IN (SELECT id FROM tracked_prompts WHERE tags && ${f.tags}::text[]))
      GROUP BY synthetic`;
  }

  /** Per time bucket (UTC day or ISO week) and brand: n, mentioned runs, mentions, mean stream score. */
  async trend(f: ReportFilter, bucket: 'day' | 'week'): Promise<TrendRow[]> {
    return this.prisma.$queryRaw<TrendRow[]>`
      SELECT date_trunc(${bucket}, s."observedAt" AT TIME ZONE 'UTC') AS bucket, s."brandId", s.synthetic,
        count(*)::int AS n,
        count(*) FILTER (WHERE s.mentioned)::int AS mentioned,
        coalesce(sum(s."mentionCount"), 0)::int AS "mentionCount",
        avg(s."streamScore")::float8 AS "meanStreamScore"
      FROM run_brand_scores s
      WHERE ${runFilter('s', f)} AND ${brandFilter('s."brandId"', f)}
      GROUP BY 1, s."brandId", s.synthetic
      ORDER BY 1`;
  }
}

export interface TrendRow {
  bucket: Date;
  brandId: string;
  synthetic: boolean;
  n: number;
  mentioned: number;
  mentionCount: number;
  meanStreamScore: number | null;
}
