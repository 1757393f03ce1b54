import { Injectable } from '@nestjs/common';
import { PrismaService } from '../infra/prisma/prisma.service';

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

  async brandAggregates(projectId: string, from: Date, to: Date): Promise<BrandAggregateRow[]> {
    return this.prisma.$queryRaw<BrandAggregateRow[]>`
      WITH s AS (
        SELECT sc.*, count(*) FILTER (WHERE sc.mentioned) OVER (PARTITION BY sc."runId") AS named
        FROM run_brand_scores sc
        WHERE sc."projectId" = ${projectId}::uuid AND sc."observedAt" >= ${from} AND sc."observedAt" < ${to}
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
      GROUP BY s."brandId", s.synthetic`;
  }

  /**
   * Head to head for every pair of brands: runs where both appear, who came first (by order, i.e. the first
   * mention's position in the text), and the median lead (B minus A) in microseconds and tokens.
   */
  async pairAggregates(projectId: string, from: Date, to: Date): Promise<PairAggregateRow[]> {
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
      WHERE a."projectId" = ${projectId}::uuid AND a."observedAt" >= ${from} AND a."observedAt" < ${to}
      GROUP BY a."brandId", b."brandId", a.synthetic`;
  }

  async failedRuns(
    projectId: string,
    from: Date,
    to: Date,
  ): Promise<{ synthetic: boolean; failed: number }[]> {
    return this.prisma.$queryRaw<{ synthetic: boolean; failed: number }[]>`
      SELECT synthetic, count(*)::int AS failed FROM runs
      WHERE "projectId" = ${projectId}::uuid AND status = 'failed' AND "slotAt" >= ${from} AND "slotAt" < ${to}
      GROUP BY synthetic`;
  }
}
