import { Injectable } from '@nestjs/common';
import { type Prisma, type RunStatus } from '../generated/prisma/client';
import { afterCursor, type Cursor } from '../infra/http/pagination';
import { PrismaService } from '../infra/prisma/prisma.service';

export interface RunFilter {
  projectId?: string;
  promptId?: string;
  engineId?: string;
  status?: RunStatus;
  from?: Date;
  to?: Date;
}

const listSelect = {
  id: true,
  projectId: true,
  promptId: true,
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

  list(workspaceId: string, f: RunFilter, take: number, cursor?: Cursor): Promise<RunListRow[]> {
    return this.prisma.run.findMany({
      where: {
        workspaceId,
        ...(f.projectId ? { projectId: f.projectId } : {}),
        ...(f.promptId ? { promptId: f.promptId } : {}),
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
