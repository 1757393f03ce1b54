import { Injectable } from '@nestjs/common';
import { type ReportFilter } from '../report-filter';
import { type DigestBlock } from './digest-plan';
import { type Db } from './report-digest.repository';

/** One (engine, prompt) slice of a stored block, as the builder writes it. */
export interface SliceWrite {
  engineId: string;
  promptId: string;
  runs: number;
  digest: string;
}

export interface StoredSlice {
  engineId: string;
  promptId: string;
  digest: string;
}

/** Storage of report digest slices (report_digest_slices): blocks above the hour split by engine and prompt. */
@Injectable()
export class DigestSlicesRepository {
  /**
   * The slices of `blocks` whose (engine, prompt) passes the report's engine, prompt and tag filters (tags as
   * the prompts carry them now, like every report filter).
   */
  async read(db: Db, f: ReportFilter, blocks: readonly DigestBlock[]): Promise<StoredSlice[]> {
    if (blocks.length === 0) return [];
    return db.$queryRaw<StoredSlice[]>`
      SELECT s."engineId", s."promptId", s.digest FROM report_digest_slices s
      JOIN unnest(${blocks.map((b) => b.level)}::int[], ${blocks.map((b) => b.start)}::timestamptz[]) AS k(level, start)
        ON s.level = k.level AND s.start = k.start
      WHERE s."projectId" = ${f.projectId}::uuid
        AND (cardinality(${f.engineIds}::uuid[]) = 0 OR s."engineId" = ANY(${f.engineIds}::uuid[]))
        AND (cardinality(${f.promptIds}::uuid[]) = 0 OR s."promptId" = ANY(${f.promptIds}::uuid[]))
        AND (cardinality(${f.tags}::text[]) = 0 OR s."promptId" IN (
          SELECT id FROM tracked_prompts WHERE "projectId" = ${f.projectId}::uuid AND tags && ${f.tags}::text[]))`;
  }

  /** Every slice of `blocks`, with its run count (the builder merging a parent's children). */
  async readBlocks(db: Db, projectId: string, blocks: readonly DigestBlock[]): Promise<SliceWrite[]> {
    if (blocks.length === 0) return [];
    return db.$queryRaw<SliceWrite[]>`
      SELECT s."engineId", s."promptId", s.runs, s.digest FROM report_digest_slices s
      JOIN unnest(${blocks.map((b) => b.level)}::int[], ${blocks.map((b) => b.start)}::timestamptz[]) AS k(level, start)
        ON s.level = k.level AND s.start = k.start
      WHERE s."projectId" = ${projectId}::uuid`;
  }

  /** Replaces every slice of `block` with `slices` (none: the block holds no run), in the builder's transaction. */
  async replace(db: Db, projectId: string, block: DigestBlock, slices: readonly SliceWrite[]): Promise<void> {
    await db.$executeRaw`
      DELETE FROM report_digest_slices
      WHERE "projectId" = ${projectId}::uuid AND level = ${block.level} AND start = ${block.start}`;
    if (slices.length === 0) return;
    await db.$executeRaw`
      INSERT INTO report_digest_slices ("projectId", level, start, "engineId", "promptId", runs, digest)
      SELECT ${projectId}::uuid, ${block.level}, ${block.start}, k."engineId", k."promptId", k.runs, k.digest
      FROM unnest(${slices.map((s) => s.engineId)}::uuid[], ${slices.map((s) => s.promptId)}::uuid[],
        ${slices.map((s) => s.runs)}::int[], ${slices.map((s) => s.digest)}::text[]) AS k("engineId", "promptId", runs, digest)`;
  }
}
