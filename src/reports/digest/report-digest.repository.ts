import { Injectable } from '@nestjs/common';
import { Prisma } from '../../generated/prisma/client';
import { PrismaService } from '../../infra/prisma/prisma.service';
import { type ReportFilter } from '../report-filter';
import { runFilter } from '../report-filter.repository';
import { blockEnd, blockKey, type DigestBlock, type TimeRange } from './digest-plan';
import { type CitationFacts, type MentionSpan, type RunFacts, type ScoreFacts } from './report-digest';

export type Db = Prisma.TransactionClient;

export interface StoredBlock {
  level: number;
  start: Date;
  digest: string;
}

type ScoreFactRow = ScoreFacts & {
  runId: string;
  synthetic: boolean;
  observedAt: Date;
  engineId: string;
  promptId: string;
};

/** A run's facts with the engine and prompt it ran on (what report groups split by). */
export type RunFactsWithDims = RunFacts & { engineId: string; promptId: string };
type CitationFactRow = Omit<CitationFacts, 'createdAtMs'> & { runId: string; createdAt: Date };
type MentionSpanRow = MentionSpan & { runId: string };

/** Longest interactive transaction a report read or a digest build may hold. */
const TRANSACTION_TIMEOUT_MS = 300_000;

/** Storage of report digests (report_digests), their dirty hours, and the raw run facts digests are built from. */
@Injectable()
export class ReportDigestRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** One consistent snapshot (repeatable read, read only) for a report: dirty hours, blocks and raw rows agree. */
  snapshot<T>(fn: (db: Db) => Promise<T>): Promise<T> {
    return this.prisma.$transaction(
      async (tx) => {
        await tx.$executeRaw`SET TRANSACTION READ ONLY`;
        return fn(tx);
      },
      { isolationLevel: Prisma.TransactionIsolationLevel.RepeatableRead, timeout: TRANSACTION_TIMEOUT_MS },
    );
  }

  /**
   * Runs `fn` in a transaction holding the project's digest lock, or returns null when another builder holds it
   * (builders on every replica skip each other instead of waiting).
   */
  withProjectLock<T>(projectId: string, fn: (db: Db) => Promise<T>): Promise<T | null> {
    return this.prisma.$transaction(
      async (tx) => {
        const [row] = await tx.$queryRaw<{ locked: boolean }[]>`
          SELECT pg_try_advisory_xact_lock(hashtext(${`report-digest:${projectId}`})) AS locked`;
        return row?.locked ? fn(tx) : null;
      },
      { timeout: TRANSACTION_TIMEOUT_MS },
    );
  }

  /** Projects with dirty hours, the longest-waiting first. */
  async dirtyProjects(limit: number): Promise<string[]> {
    const rows = await this.prisma.$queryRaw<{ projectId: string }[]>`
      SELECT "projectId" FROM report_dirty_hours GROUP BY "projectId" ORDER BY min(hour) LIMIT ${limit}`;
    return rows.map((r) => r.projectId);
  }

  /**
   * Removes the marks of the project's `limit` oldest dirty hours, within the caller's transaction, and returns
   * those hours. A mark whose writer has not committed is not visible here, so it survives and the hour is
   * digested again later (see the migration 20261124122101_report_digests).
   */
  async claimDirtyHours(db: Db, projectId: string, limit: number): Promise<Date[]> {
    const rows = await db.$queryRaw<{ hour: Date }[]>`
      DELETE FROM report_dirty_hours d
      WHERE d."projectId" = ${projectId}::uuid AND d.hour IN (
        SELECT DISTINCT hour FROM report_dirty_hours WHERE "projectId" = ${projectId}::uuid ORDER BY hour LIMIT ${limit}
      )
      RETURNING d.hour`;
    const hours = new Map(rows.map((r) => [r.hour.getTime(), r.hour]));
    return [...hours.values()].sort((a, b) => a.getTime() - b.getTime());
  }

  async dirtyHours(db: Db, projectId: string, from: Date, to: Date): Promise<number[]> {
    const rows = await db.$queryRaw<{ hour: Date }[]>`
      SELECT DISTINCT hour FROM report_dirty_hours
      WHERE "projectId" = ${projectId}::uuid AND hour > ${new Date(from.getTime() - 3600_000)} AND hour < ${to}`;
    return rows.map((r) => r.hour.getTime());
  }

  /** Keys (blockKey) of the project's stale blocks overlapping [from, to). */
  async staleBlocks(db: Db, projectId: string, from: Date, to: Date): Promise<Set<string>> {
    const rows = await db.$queryRaw<DigestBlock[]>`
      SELECT level, start FROM report_stale_blocks WHERE "projectId" = ${projectId}::uuid AND start < ${to}`;
    return new Set(rows.filter((b) => blockEnd(b) > from).map(blockKey));
  }

  /** Marks blocks stale (keeping the earliest mark time), within the builder's transaction. */
  async markStale(db: Db, projectId: string, blocks: readonly DigestBlock[]): Promise<void> {
    if (blocks.length === 0) return;
    await db.$executeRaw`
      INSERT INTO report_stale_blocks ("projectId", level, start)
      SELECT ${projectId}::uuid, k.level, k.start
      FROM unnest(${blocks.map((b) => b.level)}::int[], ${blocks.map((b) => b.start)}::timestamptz[]) AS k(level, start)
      ON CONFLICT DO NOTHING`;
  }

  /** Projects whose oldest stale mark is more than `delayMs` old (database clock), the longest-waiting first. */
  async staleProjects(delayMs: number, limit: number): Promise<string[]> {
    const rows = await this.prisma.$queryRaw<{ projectId: string }[]>`
      SELECT "projectId" FROM report_stale_blocks GROUP BY "projectId"
      HAVING min("markedAt") < now() - ${delayMs} * interval '1 millisecond' ORDER BY min("markedAt") LIMIT ${limit}`;
    return rows.map((r) => r.projectId);
  }

  /**
   * Removes and returns up to `limit` stale marks of the project, the lowest levels first, within the builder's
   * transaction: a block is claimed no earlier than its stale children (a lower level sorts first).
   */
  async claimStaleBlocks(db: Db, projectId: string, limit: number): Promise<DigestBlock[]> {
    return db.$queryRaw<DigestBlock[]>`
      DELETE FROM report_stale_blocks b
      WHERE b."projectId" = ${projectId}::uuid AND (b.level, b.start) IN (
        SELECT level, start FROM report_stale_blocks WHERE "projectId" = ${projectId}::uuid
        ORDER BY level, start LIMIT ${limit}
      )
      RETURNING b.level, b.start`;
  }

  async readBlocks(db: Db, projectId: string, blocks: readonly DigestBlock[]): Promise<StoredBlock[]> {
    if (blocks.length === 0) return [];
    return db.$queryRaw<StoredBlock[]>`
      SELECT d.level, d.start, d.digest FROM report_digests d
      JOIN unnest(${blocks.map((b) => b.level)}::int[], ${blocks.map((b) => b.start)}::timestamptz[]) AS k(level, start)
        ON d.level = k.level AND d.start = k.start
      WHERE d."projectId" = ${projectId}::uuid`;
  }

  /** Stores a block's digest, or removes the block when it holds no run. */
  async writeBlock(
    db: Db,
    projectId: string,
    block: DigestBlock,
    runs: number,
    digest: string,
  ): Promise<void> {
    if (runs === 0) {
      await db.$executeRaw`
        DELETE FROM report_digests
        WHERE "projectId" = ${projectId}::uuid AND level = ${block.level} AND start = ${block.start}`;
      return;
    }
    await db.$executeRaw`
      INSERT INTO report_digests ("projectId", level, start, runs, digest, "builtAt")
      VALUES (${projectId}::uuid, ${block.level}, ${block.start}, ${runs}, ${digest}, now())
      ON CONFLICT ("projectId", level, start) DO UPDATE
        SET runs = EXCLUDED.runs, digest = EXCLUDED.digest, "builtAt" = EXCLUDED."builtAt"`;
  }

  /**
   * The facts of the successful runs observed in `range` that pass the report's run filters (engines,
   * prompts, tags): score rows, citations, and the mention spans of runs with a positioned citation.
   */
  async runFacts(db: Db, f: ReportFilter, range: TimeRange): Promise<RunFactsWithDims[]> {
    const where = runFilter('s', { ...f, from: range.from, to: range.to });
    const scores = await db.$queryRaw<ScoreFactRow[]>`
      SELECT s."runId", s.synthetic, s."observedAt", s."engineId", s."promptId", s."brandId", s.mentioned, s."order", s."firstVisibleAtUs",
        s."sinceFirstTokenUs", s."firstTokenIndex"
      FROM run_brand_scores s WHERE ${where}`;
    // Citations and mention spans by explicit run ids (their (runId, ...) indexes), not by a subquery the planner
    // may misjudge under tag filters and answer with a scan of the project's citations.
    const runIds = [...new Set(scores.map((s) => s.runId))];
    if (runIds.length === 0) return [];
    const citations = await db.$queryRaw<CitationFactRow[]>`
      SELECT c."runId", c.domain, c."brandId", c."createdAt", c."charStart", c."charEnd" FROM citations c
      WHERE c."runId" = ANY(${runIds}::uuid[])`;
    const positioned = [
      ...new Set(citations.filter((c) => c.charStart !== null && c.charEnd !== null).map((c) => c.runId)),
    ];
    const mentions =
      positioned.length === 0
        ? []
        : await db.$queryRaw<MentionSpanRow[]>`
            SELECT m."runId", m."brandId", m."charStart", m."charEnd" FROM mentions m
            WHERE m."runId" = ANY(${positioned}::uuid[])`;
    const byRun = new Map<string, RunFactsWithDims>();
    for (const s of scores) {
      let run = byRun.get(s.runId);
      if (!run) {
        run = {
          runId: s.runId,
          synthetic: s.synthetic,
          observedAtMs: s.observedAt.getTime(),
          engineId: s.engineId,
          promptId: s.promptId,
          scores: [],
          citations: [],
          mentions: [],
        };
        byRun.set(s.runId, run);
      }
      run.scores.push({
        brandId: s.brandId,
        mentioned: s.mentioned,
        order: s.order,
        firstVisibleAtUs: s.firstVisibleAtUs,
        sinceFirstTokenUs: s.sinceFirstTokenUs,
        firstTokenIndex: s.firstTokenIndex,
      });
    }
    for (const c of citations) {
      byRun.get(c.runId)?.citations.push({
        domain: c.domain,
        brandId: c.brandId,
        createdAtMs: c.createdAt.getTime(),
        charStart: c.charStart,
        charEnd: c.charEnd,
      });
    }
    for (const m of mentions) {
      byRun.get(m.runId)?.mentions.push({ brandId: m.brandId, charStart: m.charStart, charEnd: m.charEnd });
    }
    return [...byRun.values()];
  }
}
