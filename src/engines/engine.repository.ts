import { Injectable } from '@nestjs/common';
import { z } from 'zod';
import { type ProviderKind } from '../generated/prisma/client';
import { PrismaService } from '../infra/prisma/prisma.service';
import { afterCursor, type Cursor } from '../infra/http/pagination';
import {
  engineParametersSchema,
  PROVIDER_KINDS,
  type EngineParameters,
  type ProviderKindName,
} from './dto/engine.dto';

export interface EngineRecord {
  id: string;
  workspaceId: string;
  name: string;
  provider: ProviderKindName;
  model: string;
  parameters: EngineParameters;
  baseUrl: string | null;
  credentialCiphertext: Uint8Array | null;
  credentialLast4: string | null;
  disabledReason: string | null;
  maxConcurrency: number | null;
  maxRequestsPerMinute: number | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface EngineWrite {
  name?: string;
  model?: string;
  parameters?: EngineParameters;
  baseUrl?: string | null;
  credentialCiphertext?: Uint8Array<ArrayBuffer> | null;
  credentialLast4?: string | null;
  disabledReason?: string | null;
  maxConcurrency?: number | null;
  maxRequestsPerMinute?: number | null;
}

export interface EnginePromptRow {
  id: string;
  projectId: string;
  projectName: string;
  text: string;
  engineCount: number;
}

const toDb = (p: ProviderKindName): ProviderKind => (p === 'openai-compatible' ? 'openai_compatible' : p);
const fromDb = (p: ProviderKind): ProviderKindName => (p === 'openai_compatible' ? 'openai-compatible' : p);

type Row = Omit<EngineRecord, 'provider' | 'parameters'> & { provider: ProviderKind; parameters: unknown };

function toRecord(row: Row): EngineRecord {
  return { ...row, provider: fromDb(row.provider), parameters: engineParametersSchema.parse(row.parameters) };
}

/** An engine row as Postgres renders it with `to_jsonb(e) - 'credentialCiphertext'` (stored enum labels). */
const engineJson = z.object({
  id: z.string(),
  workspaceId: z.string(),
  name: z.string(),
  provider: z.enum(PROVIDER_KINDS),
  model: z.string(),
  parameters: z.unknown(),
  baseUrl: z.string().nullable(),
  credentialLast4: z.string().nullable(),
  disabledReason: z.string().nullable(),
  maxConcurrency: z.number().int().nullable(),
  maxRequestsPerMinute: z.number().int().nullable(),
  createdAt: z.coerce.date(),
  updatedAt: z.coerce.date(),
});

/**
 * The record of an engine read in raw SQL as `to_jsonb(e) - 'credentialCiphertext'` plus the ciphertext as its
 * own bytea column (JSON would render it as hex text): for statements that load an engine along with other
 * rows in one round trip (RunAttemptRepository.startAttempt).
 */
export function engineFromJson(json: unknown, credentialCiphertext: Uint8Array | null): EngineRecord {
  const row = engineJson.parse(json);
  return { ...row, credentialCiphertext, parameters: engineParametersSchema.parse(row.parameters) };
}

@Injectable()
export class EngineRepository {
  constructor(private readonly prisma: PrismaService) {}

  async create(
    id: string,
    workspaceId: string,
    input: EngineWrite & { name: string; model: string; provider: ProviderKindName },
  ): Promise<EngineRecord> {
    const { provider, parameters, ...rest } = input;
    return toRecord(
      await this.prisma.engine.create({
        data: { id, workspaceId, provider: toDb(provider), parameters: parameters ?? {}, ...rest },
      }),
    );
  }

  async find(workspaceId: string, id: string): Promise<EngineRecord | null> {
    const row = await this.prisma.engine.findFirst({ where: { id, workspaceId } });
    return row ? toRecord(row) : null;
  }

  async list(workspaceId: string, take: number, cursor?: Cursor): Promise<EngineRecord[]> {
    const rows = await this.prisma.engine.findMany({
      where: { workspaceId, ...afterCursor(cursor) },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take,
    });
    return rows.map(toRecord);
  }

  /** Ids among `ids` that exist in the workspace. */
  async existing(workspaceId: string, ids: string[]): Promise<string[]> {
    const rows = await this.prisma.engine.findMany({
      where: { workspaceId, id: { in: ids } },
      select: { id: true },
    });
    return rows.map((r) => r.id);
  }

  async update(workspaceId: string, id: string, data: EngineWrite): Promise<EngineRecord | null> {
    const { count } = await this.prisma.engine.updateMany({ where: { id, workspaceId }, data });
    return count === 0 ? null : this.find(workspaceId, id);
  }

  async markDisabled(id: string, reason: string): Promise<void> {
    await this.prisma.engine.updateMany({ where: { id }, data: { disabledReason: reason } });
  }

  /** The prompts that ask the engine, newest first, at most `take` of them, and how many there are. */
  async promptsUsing(
    workspaceId: string,
    engineId: string,
    take: number,
  ): Promise<{ rows: EnginePromptRow[]; total: number }> {
    const where = { engineId, prompt: { workspaceId } };
    const [links, total] = await Promise.all([
      this.prisma.promptEngine.findMany({
        where,
        orderBy: [{ prompt: { createdAt: 'desc' } }, { promptId: 'desc' }],
        take,
        select: {
          prompt: {
            select: {
              id: true,
              projectId: true,
              text: true,
              project: { select: { name: true } },
              _count: { select: { engines: true } },
            },
          },
        },
      }),
      this.prisma.promptEngine.count({ where }),
    ]);
    const rows = links.map(({ prompt: p }) => ({
      id: p.id,
      projectId: p.projectId,
      projectName: p.project.name,
      text: p.text,
      engineCount: p._count.engines,
    }));
    return { rows, total };
  }

  async delete(workspaceId: string, id: string): Promise<boolean> {
    const { count } = await this.prisma.engine.deleteMany({ where: { id, workspaceId } });
    return count > 0;
  }
}
