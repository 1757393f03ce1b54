import { Injectable } from '@nestjs/common';
import { PrismaService } from '../infra/prisma/prisma.service';
import { afterCursor, type Cursor } from '../infra/http/pagination';

export interface PromptRecord {
  id: string;
  workspaceId: string;
  projectId: string;
  text: string;
  /** 1 at creation, +1 each time the text changes (kept by a database trigger; runs copy it). */
  revision: number;
  tags: string[];
  engineIds: string[];
  cron: string;
  timezone: string;
  samplesPerSlot: number;
  active: boolean;
  nextSlotAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface PromptWrite {
  text?: string;
  tags?: string[];
  engineIds?: string[];
  cron?: string;
  timezone?: string;
  samplesPerSlot?: number;
  active?: boolean;
  nextSlotAt?: Date | null;
}

const include = { engines: { select: { engineId: true }, orderBy: { engineId: 'asc' as const } } };

type Row = Omit<PromptRecord, 'engineIds'> & { engines: { engineId: string }[] };

function toRecord({ engines, ...row }: Row): PromptRecord {
  return { ...row, engineIds: engines.map((e) => e.engineId) };
}

@Injectable()
export class PromptRepository {
  constructor(private readonly prisma: PrismaService) {}

  async create(
    workspaceId: string,
    projectId: string,
    input: Required<Omit<PromptWrite, 'nextSlotAt'>> & { nextSlotAt: Date | null },
  ): Promise<PromptRecord> {
    const { engineIds, ...data } = input;
    const row = await this.prisma.trackedPrompt.create({
      data: {
        workspaceId,
        projectId,
        ...data,
        engines: { create: engineIds.map((engineId) => ({ engineId })) },
      },
      include,
    });
    return toRecord(row);
  }

  async find(workspaceId: string, id: string): Promise<PromptRecord | null> {
    const row = await this.prisma.trackedPrompt.findFirst({ where: { id, workspaceId }, include });
    return row ? toRecord(row) : null;
  }

  async list(workspaceId: string, projectId: string, take: number, cursor?: Cursor): Promise<PromptRecord[]> {
    const rows = await this.prisma.trackedPrompt.findMany({
      where: { workspaceId, projectId, ...afterCursor(cursor) },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take,
      include,
    });
    return rows.map(toRecord);
  }

  async update(workspaceId: string, id: string, input: PromptWrite): Promise<PromptRecord | null> {
    const { engineIds, ...data } = input;
    const updated = await this.prisma.$transaction(async (tx) => {
      const { count } = await tx.trackedPrompt.updateMany({ where: { id, workspaceId }, data });
      if (count === 0) return false;
      if (engineIds) {
        await tx.promptEngine.deleteMany({ where: { promptId: id } });
        await tx.promptEngine.createMany({ data: engineIds.map((engineId) => ({ promptId: id, engineId })) });
      }
      return true;
    });
    return updated ? this.find(workspaceId, id) : null;
  }

  async delete(workspaceId: string, id: string): Promise<boolean> {
    const { count } = await this.prisma.trackedPrompt.deleteMany({ where: { id, workspaceId } });
    return count > 0;
  }
}
