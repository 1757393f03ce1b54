import { Injectable } from '@nestjs/common';
import { type Prisma, type RunStatus } from '../../generated/prisma/client';
import { afterCursor, type Cursor } from '../../infra/http/pagination';
import { PrismaService } from '../../infra/prisma/prisma.service';

export interface RunFilter {
  projectId?: string;
  promptId?: string;
  /** The prompt revision the run asked (its provenance). */
  promptRevision?: number;
  engineId?: string;
  promptIds?: string[];
  engineIds?: string[];
  /** Prompts carrying any of these tags. */
  tags?: string[];
  status?: RunStatus;
  synthetic?: boolean;
  /** On createdAt. */
  from?: Date;
  to?: Date;
  /** On the score rows' observedAt (the report time axis): only scored runs. */
  observedFrom?: Date;
  observedTo?: Date;
  /** One brand's score row: present, and as these conditions say. */
  brand?: {
    brandId: string;
    mentioned?: boolean;
    fold?: 'above' | 'below';
    reachedWithinUs?: number;
    reachedBeforeToken?: number;
  };
  firstBrandId?: string;
  alsoMentionedBrandId?: string;
  citedDomain?: string;
}

/** The score-row and citation conditions of a filter, as Prisma relation filters (all must hold). */
function scoreConditions(f: RunFilter): Prisma.RunWhereInput[] {
  const and: Prisma.RunWhereInput[] = [];
  const b = f.brand;
  if (b) {
    and.push({
      scores: {
        some: {
          brandId: b.brandId,
          ...(b.mentioned === undefined ? {} : { mentioned: b.mentioned }),
          ...(b.fold === 'above' ? { aboveFold: true } : {}),
          ...(b.fold === 'below' ? { mentioned: true, aboveFold: false } : {}),
          ...(b.reachedWithinUs === undefined ? {} : { sinceFirstTokenUs: { lte: b.reachedWithinUs } }),
          ...(b.reachedBeforeToken === undefined ? {} : { firstTokenIndex: { lt: b.reachedBeforeToken } }),
        },
      },
    });
  }
  if (f.firstBrandId) and.push({ scores: { some: { brandId: f.firstBrandId, order: 1 } } });
  if (f.alsoMentionedBrandId) {
    and.push({ scores: { some: { brandId: f.alsoMentionedBrandId, mentioned: true } } });
  }
  if (f.observedFrom || f.observedTo) {
    const observedAt = {
      ...(f.observedFrom ? { gte: f.observedFrom } : {}),
      ...(f.observedTo ? { lt: f.observedTo } : {}),
    };
    and.push({ scores: { some: { observedAt } } });
  }
  if (f.citedDomain) and.push({ citations: { some: { domain: f.citedDomain } } });
  if (f.engineIds?.length) and.push({ engineId: { in: f.engineIds } });
  if (f.promptIds?.length) and.push({ promptId: { in: f.promptIds } });
  return and;
}

const listSelect = {
  id: true,
  projectId: true,
  promptId: true,
  promptRevision: true,
  engineId: true,
  slotAt: true,
  sample: true,
  trigger: true,
  status: true,
  synthetic: true,
  attempts: true,
  failureReason: true,
  skipReason: true,
  createdAt: true,
  startedAt: true,
  finishedAt: true,
  // The ledger's columns: time to first token, and which brands the answer named (in arrival order).
  result: { select: { ttftUs: true } },
  scores: {
    where: { mentioned: true },
    select: { brandId: true, mentioned: true, firstVisibleAtUs: true },
  },
} satisfies Prisma.RunSelect;

export type RunListRow = Prisma.RunGetPayload<{ select: typeof listSelect }>;

const detailInclude = {
  result: {
    omit: { tokenEnds: true, tokenArrivalsUs: true },
  },
  mentions: { orderBy: { charStart: 'asc' } },
  scores: true,
  citations: { orderBy: { position: 'asc' } },
  attemptsLog: { orderBy: { attempt: 'asc' } },
} satisfies Prisma.RunInclude;

export type RunDetailRow = Prisma.RunGetPayload<{ include: typeof detailInclude }>;

/** Read side of the run ledger, always scoped by workspace. */
@Injectable()
export class RunQueryRepository {
  constructor(private readonly prisma: PrismaService) {}

  async list(workspaceId: string, f: RunFilter, take: number, cursor?: Cursor): Promise<RunListRow[]> {
    const and = scoreConditions(f);
    if (f.tags?.length) {
      const prompts = await this.prisma.trackedPrompt.findMany({
        where: { workspaceId, ...(f.projectId ? { projectId: f.projectId } : {}), tags: { hasSome: f.tags } },
        select: { id: true },
      });
      and.push({ promptId: { in: prompts.map((p) => p.id) } });
    }
    return this.prisma.run.findMany({
      where: {
        workspaceId,
        ...(and.length > 0 ? { AND: and } : {}),
        ...(f.synthetic === undefined ? {} : { synthetic: f.synthetic }),
        ...(f.projectId ? { projectId: f.projectId } : {}),
        ...(f.promptId ? { promptId: f.promptId } : {}),
        ...(f.promptRevision === undefined ? {} : { promptRevision: f.promptRevision }),
        ...(f.engineId ? { engineId: f.engineId } : {}),
        ...(f.status ? { status: f.status } : {}),
        ...(f.from || f.to
          ? { createdAt: { ...(f.from ? { gte: f.from } : {}), ...(f.to ? { lt: f.to } : {}) } }
          : {}),
        ...afterCursor(cursor),
      },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take,
      select: listSelect,
    });
  }

  detail(workspaceId: string, id: string): Promise<RunDetailRow | null> {
    return this.prisma.run.findFirst({ where: { id, workspaceId }, include: detailInclude });
  }

  async timeline(
    workspaceId: string,
    id: string,
  ): Promise<{ answerText: string; tokenEnds: number[]; tokenArrivalsUs: number[] } | null | 'no-result'> {
    const run = await this.prisma.run.findFirst({
      where: { id, workspaceId },
      select: { result: { select: { answerText: true, tokenEnds: true, tokenArrivalsUs: true } } },
    });
    if (!run) return null;
    return run.result ?? 'no-result';
  }
}
