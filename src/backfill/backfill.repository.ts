import { Injectable } from '@nestjs/common';
import { type BackfillStatus } from '../generated/prisma/client';
import { PrismaService } from '../infra/prisma/prisma.service';
import { type MentionRow, type ScoreRow, type StoredAnswer } from '../capture/analysis/run-analysis';

export interface BackfillRecord {
  id: string;
  workspaceId: string;
  projectId: string;
  status: BackfillStatus;
  reason: string;
  totalRuns: number;
  processedRuns: number;
  error: string | null;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
}

export interface StoredRun extends StoredAnswer {
  runId: string;
  /** The scoring settings the run was scored with (its provenance); null when it has none recorded. */
  settings: { foldTokens: number; halfLifeMs: number } | null;
  /** The domains of its citations, in citation order (position 0, 1, ...). */
  citationDomains: string[];
}

export interface RecomputedRun {
  runId: string;
  mentions: MentionRow[];
  scores: ScoreRow[];
  /** The owning brand of each citation, by position (citationOwners, the rule of the live write). */
  citationBrandIds: (string | null)[];
}

@Injectable()
export class BackfillRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** A queued backfill of the project absorbs new requests: brand edits in a burst cost one recompute. */
  async createOrReuseQueued(
    workspaceId: string,
    projectId: string,
    reason: string,
  ): Promise<{ backfill: BackfillRecord; created: boolean }> {
    return this.prisma.$transaction(async (tx) => {
      // Serialise requests per project so two concurrent edits cannot both create a queued backfill.
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`backfill:${projectId}`}))`;
      const queued = await tx.backfill.findFirst({ where: { projectId, status: 'queued' } });
      if (queued) return { backfill: queued, created: false };
      const backfill = await tx.backfill.create({ data: { workspaceId, projectId, reason } });
      return { backfill, created: true };
    });
  }

  find(workspaceId: string, id: string): Promise<BackfillRecord | null> {
    return this.prisma.backfill.findFirst({ where: { id, workspaceId } });
  }

  findById(id: string): Promise<BackfillRecord | null> {
    return this.prisma.backfill.findUnique({ where: { id } });
  }

  listForProject(workspaceId: string, projectId: string, take: number): Promise<BackfillRecord[]> {
    return this.prisma.backfill.findMany({
      where: { workspaceId, projectId },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take,
    });
  }

  /** Marks the backfill running (from queued, or again after a crash) and counts the runs it covers. */
  async start(id: string, projectId: string, now: Date): Promise<BackfillRecord | null> {
    const totalRuns = await this.prisma.run.count({ where: { projectId, status: 'succeeded' } });
    const { count } = await this.prisma.backfill.updateMany({
      where: { id, status: { in: ['queued', 'running'] } },
      data: { status: 'running', startedAt: now, totalRuns, processedRuns: 0 },
    });
    return count === 0 ? null : this.findById(id);
  }

  /** True when a newer backfill of the same project exists: this one's brand snapshot is outdated. */
  async isSuperseded(backfill: BackfillRecord): Promise<boolean> {
    const newer = await this.prisma.backfill.count({
      where: {
        projectId: backfill.projectId,
        createdAt: { gt: backfill.createdAt },
        status: { in: ['queued', 'running'] },
      },
    });
    return newer > 0;
  }

  /** Succeeded runs of the project after `afterRunId`, in id order (keyset paging, stable under inserts). */
  async nextRuns(projectId: string, afterRunId: string | null, take: number): Promise<StoredRun[]> {
    const runs = await this.prisma.run.findMany({
      where: { projectId, status: 'succeeded', ...(afterRunId ? { id: { gt: afterRunId } } : {}) },
      orderBy: { id: 'asc' },
      take,
      select: {
        id: true,
        foldTokens: true,
        halfLifeMs: true,
        result: { select: { answerText: true, chunkEnds: true, chunkArrivalsUs: true, ttftUs: true } },
        citations: { select: { domain: true }, orderBy: { position: 'asc' } },
      },
    });
    return runs.flatMap(({ id, foldTokens, halfLifeMs, result, citations }) =>
      result
        ? [
            {
              runId: id,
              settings: foldTokens === null || halfLifeMs === null ? null : { foldTokens, halfLifeMs },
              citationDomains: citations.map((c) => c.domain),
              ...result,
            },
          ]
        : [],
    );
  }

  /** Replaces the mentions and scores of a batch of runs in one transaction: rerunning gives the same rows. */
  async replaceRunScores(
    projectId: string,
    runs: RecomputedRun[],
    backfillId: string,
    processed: number,
  ): Promise<void> {
    const runIds = runs.map((r) => r.runId);
    await this.prisma.$transaction(async (tx) => {
      const meta = await tx.run.findMany({
        where: { id: { in: runIds } },
        select: {
          id: true,
          promptId: true,
          engineId: true,
          synthetic: true,
          result: { select: { requestSentAt: true } },
        },
      });
      const byId = new Map(meta.map((m) => [m.id, m]));
      await tx.mention.deleteMany({ where: { runId: { in: runIds } } });
      await tx.runBrandScore.deleteMany({ where: { runId: { in: runIds } } });
      const mentions = runs.flatMap((r) => r.mentions.map((m) => ({ ...m, runId: r.runId, projectId })));
      if (mentions.length > 0) await tx.mention.createMany({ data: mentions });
      const scores = runs.flatMap((r) => {
        const m = byId.get(r.runId);
        if (!m?.result) return [];
        return r.scores.map((s) => ({
          ...s,
          runId: r.runId,
          projectId,
          promptId: m.promptId,
          engineId: m.engineId,
          observedAt: m.result!.requestSentAt,
          synthetic: m.synthetic,
        }));
      });
      if (scores.length > 0) await tx.runBrandScore.createMany({ data: scores });
      // Citations keep their rows; only an owner that changed is rewritten (its update marks the digest hour).
      const owned = runs.flatMap((r) =>
        r.citationBrandIds.map((brandId, position) => ({ runId: r.runId, position, brandId })),
      );
      if (owned.length > 0) {
        await tx.$executeRaw`
          UPDATE citations c SET "brandId" = u."brandId"
          FROM unnest(${owned.map((o) => o.runId)}::uuid[], ${owned.map((o) => o.position)}::int[],
            ${owned.map((o) => o.brandId)}::uuid[]) AS u("runId", position, "brandId")
          WHERE c."runId" = u."runId" AND c.position = u.position AND c."brandId" IS DISTINCT FROM u."brandId"`;
      }
      await tx.backfill.update({ where: { id: backfillId }, data: { processedRuns: processed } });
    });
  }

  async finish(
    id: string,
    status: Extract<BackfillStatus, 'succeeded' | 'failed' | 'superseded'>,
    now: Date,
    error?: string,
  ): Promise<void> {
    await this.prisma.backfill.update({
      where: { id },
      data: { status, finishedAt: now, error: error ?? null },
    });
  }
}
