import { Injectable } from '@nestjs/common';
import { PrismaService } from '../infra/prisma/prisma.service';
import { type ApiKeyRole } from './auth-context';

export interface ApiKeyRecord {
  id: string;
  workspaceId: string;
  name: string;
  role: ApiKeyRole;
  prefix: string;
  hash: Uint8Array;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

@Injectable()
export class ApiKeyRepository {
  constructor(private readonly prisma: PrismaService) {}

  findByHash(hash: Uint8Array<ArrayBuffer>): Promise<ApiKeyRecord | null> {
    return this.prisma.apiKey.findUnique({ where: { hash } });
  }

  async touchLastUsed(id: string, at: Date): Promise<void> {
    // Throttled to one write per key per minute: authentication must not cost a write per request.
    await this.prisma.apiKey.updateMany({
      where: { id, OR: [{ lastUsedAt: null }, { lastUsedAt: { lt: new Date(at.getTime() - 60_000) } }] },
      data: { lastUsedAt: at },
    });
  }

  create(input: {
    workspaceId: string;
    name: string;
    role: ApiKeyRole;
    prefix: string;
    hash: Uint8Array<ArrayBuffer>;
  }): Promise<ApiKeyRecord> {
    return this.prisma.apiKey.create({ data: input });
  }

  listForWorkspace(workspaceId: string): Promise<ApiKeyRecord[]> {
    return this.prisma.apiKey.findMany({
      where: { workspaceId },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: 1000,
    });
  }

  findInWorkspace(workspaceId: string, id: string): Promise<ApiKeyRecord | null> {
    return this.prisma.apiKey.findFirst({ where: { id, workspaceId } });
  }

  /** Revokes the key and, in the same transaction, its web sessions (they act with the key). */
  /**
   * Revokes a key and its web sessions. The workspace's last live admin key is kept ('last_admin'): without
   * one nobody could manage the workspace again. The live admin keys are locked first, so two revokes racing
   * for the last two cannot both pass.
   */
  async revoke(workspaceId: string, id: string, at: Date): Promise<ApiKeyRecord | 'last_admin' | null> {
    return this.prisma.$transaction(async (tx) => {
      const liveAdmins = await tx.$queryRaw<{ id: string }[]>`
        SELECT id FROM api_keys
        WHERE "workspaceId" = ${workspaceId}::uuid AND role = 'admin' AND "revokedAt" IS NULL
        ORDER BY id FOR UPDATE`;
      const existing = await tx.apiKey.findFirst({ where: { id, workspaceId } });
      if (!existing) return null;
      if (existing.revokedAt) return existing;
      if (liveAdmins.length === 1 && liveAdmins[0]?.id === id) return 'last_admin';
      const key = await tx.apiKey.update({ where: { id }, data: { revokedAt: at } });
      await tx.webSession.updateMany({ where: { apiKeyId: id, revokedAt: null }, data: { revokedAt: at } });
      return key;
    });
  }

  async createWorkspaceWithAdminKey(input: {
    workspaceId?: string;
    workspaceName: string;
    keyName: string;
    prefix: string;
    hash: Uint8Array<ArrayBuffer>;
  }): Promise<{ workspaceId: string; key: ApiKeyRecord }> {
    return this.prisma.$transaction(async (tx) => {
      const ws = await tx.workspace.create({
        data: { ...(input.workspaceId ? { id: input.workspaceId } : {}), name: input.workspaceName },
      });
      const key = await tx.apiKey.create({
        data: {
          workspaceId: ws.id,
          name: input.keyName,
          role: 'admin',
          prefix: input.prefix,
          hash: input.hash,
        },
      });
      return { workspaceId: ws.id, key };
    });
  }

  workspaceExists(id: string): Promise<boolean> {
    return this.prisma.workspace.count({ where: { id } }).then((n) => n > 0);
  }

  listWorkspaces(): Promise<{ id: string; name: string; createdAt: Date }[]> {
    return this.prisma.workspace.findMany({ orderBy: { createdAt: 'asc' }, take: 1000 });
  }
}
