import { Injectable } from '@nestjs/common';
import { Prisma } from '../generated/prisma/client';
import { PrismaService } from '../infra/prisma/prisma.service';
import { brandFilter, runFilter, type ReportFilter } from './report-filter';

/** How far after a mention's end (UTF-16 characters) a citation's span may start and still count as "next to" it. */
export const NEAR_MENTION_CHARS = 200;

/** At most this many domains per section, by citing runs. */
export const TOP_DOMAINS = 100;

/**
 * The successful runs a report covers: one row per run from run_brand_scores (the mentions report's time axis,
 * `observedAt`), with the same engine/prompt/tag filters. Brand filters never change which runs count.
 */
function scoredRuns(f: ReportFilter): Prisma.Sql {
  return Prisma.sql`SELECT DISTINCT sc."runId", sc.synthetic FROM run_brand_scores sc WHERE ${runFilter('sc', f)}`;
}

export interface RunCountRow {
  synthetic: boolean;
  runs: number;
}

export interface DomainRow {
  domain: string;
  synthetic: boolean;
  citingRuns: number;
  citations: number;
  brandId: string | null;
}

export interface BrandCitationRow {
  brandId: string;
  synthetic: boolean;
  n: number;
  ownCited: number;
  mentioned: number;
  citedNearMention: number;
}

/** Citation aggregates over successful runs; definitions in docs/metrics.md ("Citations"). */
@Injectable()
export class CitationReportRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Successful runs per section (the denominator of domain shares). */
  async runCounts(f: ReportFilter): Promise<RunCountRow[]> {
    return this.prisma.$queryRaw<RunCountRow[]>`
      SELECT r.synthetic, count(*)::int AS runs FROM (${scoredRuns(f)}) r GROUP BY r.synthetic`;
  }

  /**
   * Per section and cited domain: runs citing it, citations, and the tracked brand it was matched to (the most
   * recent match when a domain matched several over time). Top TOP_DOMAINS per section by citing runs, then
   * citations, then domain.
   */
  async domains(f: ReportFilter): Promise<DomainRow[]> {
    return this.prisma.$queryRaw<DomainRow[]>`
      WITH r AS (${scoredRuns(f)}),
      d AS (
        SELECT c.domain, r.synthetic,
          count(DISTINCT c."runId")::int AS "citingRuns",
          count(*)::int AS citations,
          (array_agg(c."brandId" ORDER BY c."createdAt" DESC) FILTER (WHERE c."brandId" IS NOT NULL))[1] AS "brandId"
        FROM citations c JOIN r ON r."runId" = c."runId"
        WHERE c."projectId" = ${f.projectId}::uuid
        GROUP BY c.domain, r.synthetic
      )
      SELECT domain, synthetic, "citingRuns", citations, "brandId" FROM (
        SELECT d.*, row_number() OVER (PARTITION BY d.synthetic ORDER BY d."citingRuns" DESC, d.citations DESC, d.domain) AS rank
        FROM d
      ) ranked
      WHERE rank <= ${TOP_DOMAINS}
      ORDER BY synthetic, rank`;
  }

  /**
   * Per section and brand: n (successful runs), runs citing one of the brand's domains (citations.brandId), runs
   * mentioning it, and of those the runs where a citation's span lies next to one of its mentions: citation
   * [s, e) and mention [ms, me) with max(e, s + 1) > ms and s <= me + NEAR_MENTION_CHARS.
   */
  async brands(f: ReportFilter): Promise<BrandCitationRow[]> {
    // Hash joins over the range's runs instead of one probe per score row: the (run, brand) pairs citing the
    // brand's domains, and those with a citation next to one of the brand's mentions.
    return this.prisma.$queryRaw<BrandCitationRow[]>`
      WITH sc AS MATERIALIZED (
        SELECT sc."runId", sc."brandId", sc.synthetic, sc.mentioned FROM run_brand_scores sc
        WHERE ${runFilter('sc', f)} AND ${brandFilter('sc."brandId"', f)}
      ),
      own AS (
        SELECT DISTINCT c."runId", c."brandId" FROM citations c
        WHERE c."projectId" = ${f.projectId}::uuid AND c."brandId" IS NOT NULL
          AND c."runId" IN (SELECT "runId" FROM sc)
      ),
      near AS (
        SELECT DISTINCT m."runId", m."brandId" FROM mentions m
        JOIN citations c ON c."runId" = m."runId"
        WHERE m."projectId" = ${f.projectId}::uuid AND c."projectId" = ${f.projectId}::uuid
          AND m."runId" IN (SELECT "runId" FROM sc WHERE mentioned)
          AND c."charStart" IS NOT NULL AND c."charEnd" IS NOT NULL
          AND greatest(c."charEnd", c."charStart" + 1) > m."charStart"
          AND c."charStart" <= m."charEnd" + ${NEAR_MENTION_CHARS}
      )
      SELECT sc."brandId", sc.synthetic,
        count(*)::int AS n,
        count(own."runId")::int AS "ownCited",
        count(*) FILTER (WHERE sc.mentioned)::int AS mentioned,
        count(near."runId") FILTER (WHERE sc.mentioned)::int AS "citedNearMention"
      FROM sc
      LEFT JOIN own ON own."runId" = sc."runId" AND own."brandId" = sc."brandId"
      LEFT JOIN near ON near."runId" = sc."runId" AND near."brandId" = sc."brandId"
      GROUP BY sc."brandId", sc.synthetic`;
  }
}
