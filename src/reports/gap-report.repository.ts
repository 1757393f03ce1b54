import { Injectable } from '@nestjs/common';
import { Prisma } from '../generated/prisma/client';
import { PrismaService } from '../infra/prisma/prisma.service';
import { type ReportFilter } from './report-filter';
import { runFilter } from './report-filter.repository';

/** One (own brand, prompt, engine, section): its runs, and how many name a competitor but not the own brand. */
export interface GapCellRow {
  ownBrandId: string;
  promptId: string;
  engineId: string;
  synthetic: boolean;
  n: number;
  gapRuns: number;
}

/** A competitor named in a cell's gap runs, with the number of those runs naming it. */
export interface GapCompetitorRow {
  ownBrandId: string;
  promptId: string;
  engineId: string;
  synthetic: boolean;
  competitorId: string;
  runs: number;
}

/** A domain cited in an own brand's gap runs (all cells of the section). */
export interface GapDomainRow {
  ownBrandId: string;
  synthetic: boolean;
  domain: string;
  citingRuns: number;
  citations: number;
  /** The tracked brand of the domain's newest brand-matched citation, if any (the citations report's rule). */
  brandId: string | null;
}

/**
 * Gap queries, from raw score rows (a gap is a per-run fact, "competitor named and own brand not", which the
 * rollups cannot express). Every query reads the same CTE: the run-filtered score rows with their brand kind,
 * restricted to the selected brands of each kind (none selected: every brand of that kind).
 */
@Injectable()
export class GapReportRepository {
  constructor(private readonly prisma: PrismaService) {}

  private scope(f: ReportFilter): Prisma.Sql {
    return Prisma.sql`
      sc AS (
        SELECT s."runId", s."promptId", s."engineId", s.synthetic, s."brandId", s.mentioned, b.kind
        FROM run_brand_scores s JOIN brands b ON b.id = s."brandId"
        WHERE ${runFilter('s', f)}
          AND (cardinality(${f.brandIds}::uuid[]) = 0
            OR s."brandId" = ANY(${f.brandIds}::uuid[])
            OR NOT EXISTS (SELECT 1 FROM brands x WHERE x.id = ANY(${f.brandIds}::uuid[]) AND x."projectId" = ${f.projectId}::uuid AND x.kind = b.kind))
      ),
      own AS (SELECT * FROM sc WHERE kind = 'own'),
      gap AS (
        SELECT o."runId", o."brandId" AS "ownBrandId", o."promptId", o."engineId", o.synthetic, c."brandId" AS "competitorId"
        FROM own o JOIN sc c ON c."runId" = o."runId" AND c.kind = 'competitor' AND c.mentioned
        WHERE NOT o.mentioned
      )`;
  }

  /** Cells with at least one gap run. */
  async cells(f: ReportFilter): Promise<GapCellRow[]> {
    return this.prisma.$queryRaw<GapCellRow[]>`
      WITH ${this.scope(f)},
      gaps AS (
        SELECT "ownBrandId", "promptId", "engineId", synthetic, count(DISTINCT "runId")::int AS "gapRuns"
        FROM gap GROUP BY 1, 2, 3, 4
      )
      SELECT g."ownBrandId", g."promptId", g."engineId", g.synthetic, count(*)::int AS n, g."gapRuns"
      FROM gaps g JOIN own o ON o."brandId" = g."ownBrandId" AND o."promptId" = g."promptId"
        AND o."engineId" = g."engineId" AND o.synthetic = g.synthetic
      GROUP BY g."ownBrandId", g."promptId", g."engineId", g.synthetic, g."gapRuns"`;
  }

  async competitors(f: ReportFilter): Promise<GapCompetitorRow[]> {
    return this.prisma.$queryRaw<GapCompetitorRow[]>`
      WITH ${this.scope(f)}
      SELECT "ownBrandId", "promptId", "engineId", synthetic, "competitorId", count(*)::int AS runs
      FROM gap GROUP BY 1, 2, 3, 4, 5`;
  }

  /** Per own brand and section: the domains cited in its gap runs, the most citing runs first (at most `limit`). */
  async domains(f: ReportFilter, limit: number): Promise<GapDomainRow[]> {
    return this.prisma.$queryRaw<GapDomainRow[]>`
      WITH ${this.scope(f)},
      runs AS (SELECT DISTINCT "runId", "ownBrandId", synthetic FROM gap),
      ranked AS (
        SELECT r."ownBrandId", r.synthetic, c.domain, count(DISTINCT c."runId")::int AS "citingRuns",
          count(*)::int AS citations,
          (array_agg(c."brandId" ORDER BY c."createdAt" DESC, c."brandId" DESC) FILTER (WHERE c."brandId" IS NOT NULL))[1] AS "brandId",
          row_number() OVER (PARTITION BY r."ownBrandId", r.synthetic
            ORDER BY count(DISTINCT c."runId") DESC, count(*) DESC, c.domain) AS rank
        FROM runs r JOIN citations c ON c."runId" = r."runId"
        GROUP BY r."ownBrandId", r.synthetic, c.domain
      )
      SELECT "ownBrandId", synthetic, domain, "citingRuns", citations, "brandId"
      FROM ranked WHERE rank <= ${limit} ORDER BY "ownBrandId", synthetic, rank`;
  }
}
