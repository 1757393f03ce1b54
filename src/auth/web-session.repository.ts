import { Injectable } from '@nestjs/common';
import { PrismaService } from '../infra/prisma/prisma.service';
import { type ApiKeyRole } from './auth-context';

export interface WebSessionRecord {
  id: string;
  workspaceId: string;
  apiKeyId: string;
  csrfToken: string;
  createdAt: Date;
  expiresAt: Date;
  lastSeenAt: Date;
  revokedAt: Date | null;
  apiKey: { name: string; prefix: string; role: ApiKeyRole; revokedAt: Date | null };
}

const keySelect = { name: true, prefix: true, role: true, revokedAt: true } as const;

/** How often a session's lastSeenAt is written at most: authentication must not cost a write per request. */
const TOUCH_INTERVAL_MS = 60_000;

@Injectable()
export class WebSessionRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** The session with its key (one read): validity depends on both, checked on every request. */
  findByTokenHash(tokenHash: Uint8Array<ArrayBuffer>): Promise<WebSessionRecord | null> {
    return this.prisma.webSession.findUnique({
      where: { tokenHash },
      include: { apiKey: { select: keySelect } },
    });
  }

  create(input: {
    workspaceId: string;
    apiKeyId: string;
    tokenHash: Uint8Array<ArrayBuffer>;
    csrfToken: string;
    createdAt: Date;
    expiresAt: Date;
  }): Promise<WebSessionRecord> {
    return this.prisma.webSession.create({
      data: { ...input, lastSeenAt: input.createdAt },
      include: { apiKey: { select: keySelect } },
    });
  }

  /** Records use of the session, at most once a minute; true when it wrote. */
  async touch(id: string, at: Date): Promise<boolean> {
    const { count } = await this.prisma.webSession.updateMany({
      where: { id, lastSeenAt: { lt: new Date(at.getTime() - TOUCH_INTERVAL_MS) } },
      data: { lastSeenAt: at },
    });
    return count > 0;
  }

  async revoke(id: string, at: Date): Promise<void> {
    await this.prisma.webSession.updateMany({ where: { id, revokedAt: null }, data: { revokedAt: at } });
  }

  async createLink(input: {
    workspaceId: string;
    apiKeyId: string;
    tokenHash: Uint8Array<ArrayBuffer>;
    createdAt: Date;
    expiresAt: Date;
  }): Promise<void> {
    await this.prisma.signInLink.create({ data: input });
  }

  /**
   * Marks the link used and returns its key, in one statement: of two concurrent clicks exactly one gets a row
   * back. Unknown, used, expired links and links whose key was revoked return null.
   */
  async consumeLink(
    tokenHash: Uint8Array<ArrayBuffer>,
    at: Date,
  ): Promise<{ workspaceId: string; apiKeyId: string } | null> {
    const rows = await this.prisma.$queryRaw<{ workspaceId: string; apiKeyId: string }[]>`
      UPDATE "sign_in_links" AS l
         SET "usedAt" = ${at}
       WHERE l."tokenHash" = ${tokenHash}
         AND l."usedAt" IS NULL
         AND l."expiresAt" > ${at}
         AND EXISTS (SELECT 1 FROM "api_keys" AS k WHERE k."id" = l."apiKeyId" AND k."revokedAt" IS NULL)
   RETURNING l."workspaceId"::text AS "workspaceId", l."apiKeyId"::text AS "apiKeyId"`;
    return rows[0] ?? null;
  }
}
