import { Injectable } from '@nestjs/common';
import { PrismaService } from '../infra/prisma/prisma.service';

export interface PromptLabel {
  id: string;
  text: string;
  tags: string[];
}

/** Names of the prompts and engines report rows refer to (rows of deleted ones show ids only). */
@Injectable()
export class ReportLabelsRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Every prompt of the project, with its current text and tags. */
  async prompts(projectId: string): Promise<Map<string, PromptLabel>> {
    const rows = await this.prisma.trackedPrompt.findMany({
      where: { projectId },
      select: { id: true, text: true, tags: true },
    });
    return new Map(rows.map((r) => [r.id, r]));
  }

  /** Engine names by id, within the workspace. */
  async engineNames(workspaceId: string, ids: readonly string[]): Promise<Map<string, string>> {
    if (ids.length === 0) return new Map();
    const rows = await this.prisma.engine.findMany({
      where: { workspaceId, id: { in: [...ids] } },
      select: { id: true, name: true },
    });
    return new Map(rows.map((r) => [r.id, r.name]));
  }
}
