import { Injectable } from '@nestjs/common';
import { Prisma, type WebhookDeliveryStatus, type WebhookFormat } from '../generated/prisma/client';
import { PrismaService } from '../infra/prisma/prisma.service';
import { afterCursor, type Cursor } from '../infra/http/pagination';

export interface WebhookRecord {
  id: string;
  workspaceId: string;
  url: string;
  events: string[];
  active: boolean;
  format: WebhookFormat;
  secretCiphertext: Uint8Array;
  createdAt: Date;
  updatedAt: Date;
}

export interface WebhookDeliveryRecord {
  id: string;
  webhookId: string;
  workspaceId: string;
  event: string;
  payload: unknown;
  status: WebhookDeliveryStatus;
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  nextAttemptAt: Date | null;
  createdAt: Date;
  deliveredAt: Date | null;
}

export interface NewDelivery {
  id: string;
  webhookId: string;
  workspaceId: string;
  event: string;
  /** The JSON body sent to the webhook's URL. */
  payload: Record<string, unknown>;
  createdAt: Date;
}

export interface AttemptOutcome {
  status: WebhookDeliveryStatus;
  lastStatusCode: number | null;
  lastError: string | null;
  nextAttemptAt: Date | null;
  deliveredAt: Date | null;
}

/** Every lookup is scoped by workspace, except the worker's by-id reads of a delivery it was handed. */
@Injectable()
export class WebhookRepository {
  constructor(private readonly prisma: PrismaService) {}

  create(
    id: string,
    workspaceId: string,
    data: {
      url: string;
      events: string[];
      active: boolean;
      format: WebhookFormat;
      secretCiphertext: Uint8Array<ArrayBuffer>;
    },
  ): Promise<WebhookRecord> {
    return this.prisma.webhook.create({ data: { id, workspaceId, ...data } });
  }

  find(workspaceId: string, id: string): Promise<WebhookRecord | null> {
    return this.prisma.webhook.findFirst({ where: { id, workspaceId } });
  }

  list(workspaceId: string, take: number, cursor?: Cursor): Promise<WebhookRecord[]> {
    return this.prisma.webhook.findMany({
      where: { workspaceId, ...afterCursor(cursor) },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take,
    });
  }

  async update(
    workspaceId: string,
    id: string,
    data: { url?: string; events?: string[]; active?: boolean; format?: WebhookFormat },
  ): Promise<WebhookRecord | null> {
    const { count } = await this.prisma.webhook.updateMany({ where: { id, workspaceId }, data });
    return count === 0 ? null : this.find(workspaceId, id);
  }

  async updateSecret(
    workspaceId: string,
    id: string,
    secretCiphertext: Uint8Array<ArrayBuffer>,
  ): Promise<WebhookRecord | null> {
    const { count } = await this.prisma.webhook.updateMany({
      where: { id, workspaceId },
      data: { secretCiphertext },
    });
    return count === 0 ? null : this.find(workspaceId, id);
  }

  async delete(workspaceId: string, id: string): Promise<boolean> {
    const { count } = await this.prisma.webhook.deleteMany({ where: { id, workspaceId } });
    return count > 0;
  }

  /**
   * Active webhooks of the workspace subscribed to the event. Raw SQL rather than a model query: this runs once
   * per landed run on the worker's main thread, where Prisma's model-query handling was a visible share of the
   * CPU profile under load (not measured apart for this query).
   */
  subscribers(workspaceId: string, event: string): Promise<WebhookRecord[]> {
    return this.prisma.$queryRaw<WebhookRecord[]>`
      SELECT id::text, "workspaceId"::text, url, events, active, format::text, "secretCiphertext", "createdAt",
        "updatedAt"
      FROM webhooks
      WHERE "workspaceId" = ${workspaceId}::uuid AND active AND ${event} = ANY(events)`;
  }

  /** The project's name and the names of those of `brandIds` that are its brands (a Slack message's labels). */
  async alertLabels(
    projectId: string,
    brandIds: string[],
  ): Promise<{ projectName: string | null; brandNames: Map<string, string> }> {
    const project = await this.prisma.project.findUnique({
      where: { id: projectId },
      select: { name: true, brands: { where: { id: { in: brandIds } }, select: { id: true, name: true } } },
    });
    return {
      projectName: project?.name ?? null,
      brandNames: new Map((project?.brands ?? []).map((b) => [b.id, b.name])),
    };
  }

  /** Whether the run is synthetic (demo engine); false when the run is unknown. */
  async runSynthetic(runId: string): Promise<boolean> {
    const run = await this.prisma.run.findUnique({ where: { id: runId }, select: { synthetic: true } });
    return run?.synthetic ?? false;
  }

  /** Inserts the deliveries; ids already present are skipped (notifying twice is a no-op). */
  async createDeliveries(rows: NewDelivery[]): Promise<void> {
    if (rows.length === 0) return;
    await this.prisma.webhookDelivery.createMany({
      data: rows.map((r) => ({ ...r, payload: r.payload as Prisma.InputJsonObject })),
      skipDuplicates: true,
    });
  }

  /**
   * Pending deliveries that should have been attempted by now: never attempted and older than `before`
   * (their enqueue failed), or whose next attempt is overdue since `before` (their job was lost).
   */
  async overduePending(before: Date, take: number): Promise<string[]> {
    const rows = await this.prisma.webhookDelivery.findMany({
      where: {
        status: 'pending',
        OR: [{ attempts: 0, createdAt: { lt: before } }, { nextAttemptAt: { lt: before } }],
      },
      select: { id: true },
      orderBy: { createdAt: 'asc' },
      take,
    });
    return rows.map((r) => r.id);
  }

  findDelivery(id: string): Promise<WebhookDeliveryRecord | null> {
    return this.prisma.webhookDelivery.findUnique({ where: { id } });
  }

  /** Counts one attempt and records its outcome; a delivery already terminal is left alone. */
  async recordAttempt(id: string, outcome: AttemptOutcome): Promise<void> {
    await this.prisma.webhookDelivery.updateMany({
      where: { id, status: 'pending' },
      data: { ...outcome, attempts: { increment: 1 } },
    });
  }

  /** Ends a pending delivery without an attempt (webhook disabled). */
  async abandon(id: string, reason: string): Promise<void> {
    await this.prisma.webhookDelivery.updateMany({
      where: { id, status: 'pending' },
      data: { status: 'failed', lastError: reason, nextAttemptAt: null },
    });
  }

  listDeliveries(
    workspaceId: string,
    webhookId: string,
    take: number,
    cursor?: Cursor,
  ): Promise<WebhookDeliveryRecord[]> {
    return this.prisma.webhookDelivery.findMany({
      where: { workspaceId, webhookId, ...afterCursor(cursor) },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take,
    });
  }
}
