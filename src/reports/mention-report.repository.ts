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
        avg(s."streamScore")::float8 AS "meanStreamScore"
      FROM run_brand_scores s
      WHERE s."projectId" = ${projectId}::uuid AND s."observedAt" >= ${from} AND s."observedAt" < ${to}
      GROUP BY s."brandId", s.synthetic`;
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
