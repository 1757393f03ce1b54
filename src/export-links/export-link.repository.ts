import { Injectable } from '@nestjs/common';
import { type Prisma } from '../generated/prisma/client';
import { PrismaService } from '../infra/prisma/prisma.service';

export interface ExportLinkRecord {
  id: string;
  workspaceId: string;
  projectId: string;
  name: string;
  report: string;
  filters: unknown;
  windowDays: number;
  prefix: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  expiresAt: Date | null;
  revokedAt: Date | null;
}

export interface NewExportLink {
  workspaceId: string;
  projectId: string;
  name: string;
  report: string;
  filters: Record<string, unknown>;
  windowDays: number;
  prefix: string;
  tokenHash: Uint8Array<ArrayBuffer>;
  expiresAt: Date | null;
}

/** The ids a link's filters name, and which of them exist where they must (brands and prompts in the project). */
export interface FilterIds {
  brandIds: string[];
  engineIds: string[];
  promptIds: string[];
}

const SELECT = {
  id: true,
  workspaceId: true,
  projectId: true,
  name: true,
  report: true,
  filters: true,
  windowDays: true,
  prefix: true,
  createdAt: true,
  lastUsedAt: true,
  expiresAt: true,
  revokedAt: true,
} satisfies Prisma.ExportLinkSelect;

/** Every method but the token lookup takes the workspace id: another workspace's link is no link. */
@Injectable()
export class ExportLinkRepository {
  constructor(private readonly prisma: PrismaService) {}

  create(input: NewExportLink): Promise<ExportLinkRecord> {
    return this.prisma.exportLink.create({
      data: { ...input, filters: input.filters as Prisma.InputJsonObject },
      select: SELECT,
    });
  }

  /** Live (not revoked, not expired) links of the project. */
  countLive(projectId: string, now: Date): Promise<number> {
    return this.prisma.exportLink.count({
      where: { projectId, revokedAt: null, OR: [{ expiresAt: null }, { expiresAt: { gt: now } }] },
    });
  }

  listForProject(workspaceId: string, projectId: string): Promise<ExportLinkRecord[]> {
    return this.prisma.exportLink.findMany({
      where: { workspaceId, projectId },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: 1000,
      select: SELECT,
    });
  }

  findByTokenHash(tokenHash: Uint8Array<ArrayBuffer>): Promise<ExportLinkRecord | null> {
    return this.prisma.exportLink.findUnique({ where: { tokenHash }, select: SELECT });
  }

  async touchLastUsed(id: string, at: Date): Promise<void> {
    // At most one write per link per minute, as for API keys: a sheet refreshing often costs no write per read.
    await this.prisma.exportLink.updateMany({
      where: { id, OR: [{ lastUsedAt: null }, { lastUsedAt: { lt: new Date(at.getTime() - 60_000) } }] },
      data: { lastUsedAt: at },
    });
  }

  /** Revokes the link (a no-op when already revoked); null when the project holds no such link. */
  async revoke(
    workspaceId: string,
    projectId: string,
    id: string,
    at: Date,
  ): Promise<ExportLinkRecord | null> {
    await this.prisma.exportLink.updateMany({
      where: { id, workspaceId, projectId, revokedAt: null },
      data: { revokedAt: at },
    });
    return this.prisma.exportLink.findFirst({ where: { id, workspaceId, projectId }, select: SELECT });
  }

  /** The ids among `ids` that do not name a brand or prompt of the project, or an engine of the workspace. */
  async unknownIds(workspaceId: string, projectId: string, ids: FilterIds): Promise<FilterIds> {
    const [brands, engines, prompts] = await Promise.all([
      this.prisma.brand.findMany({ where: { projectId, id: { in: ids.brandIds } }, select: { id: true } }),
      this.prisma.engine.findMany({
        where: { workspaceId, id: { in: ids.engineIds } },
        select: { id: true },
      }),
      this.prisma.trackedPrompt.findMany({
        where: { workspaceId, projectId, id: { in: ids.promptIds } },
        select: { id: true },
      }),
    ]);
    const missing = (wanted: string[], found: { id: string }[]) => {
      const have = new Set(found.map((r) => r.id));
      return wanted.filter((id) => !have.has(id));
    };
    return {
      brandIds: missing(ids.brandIds, brands),
      engineIds: missing(ids.engineIds, engines),
      promptIds: missing(ids.promptIds, prompts),
    };
  }
}
