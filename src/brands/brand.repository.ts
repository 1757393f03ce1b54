import { Injectable } from '@nestjs/common';
import { z } from 'zod';
import { PrismaService } from '../infra/prisma/prisma.service';
import { afterCursor, type Cursor } from '../infra/http/pagination';
import { type AliasInput, type CreateBrandInput, type UpdateBrandInput } from './dto/brand.dto';

export interface BrandRecord {
  id: string;
  workspaceId: string;
  projectId: string;
  name: string;
  kind: 'own' | 'competitor';
  aliases: AliasInput[];
  exclusions: string[];
  domains: string[];
  ambiguous: boolean;
  createdAt: Date;
  updatedAt: Date;
}

/** A rule absent from a stored alias takes its default, so changing a default applies to every brand. */
const storedAliases = z.array(
  z.object({
    text: z.string(),
    caseSensitive: z.boolean().optional(),
    foldDiacritics: z.boolean().optional(),
    optionalPunctuation: z.boolean().optional(),
    inCompounds: z.boolean().optional(),
  }),
);

type Row = Omit<BrandRecord, 'aliases'> & { aliases: unknown };

function toRecord(row: Row): BrandRecord {
  return { ...row, aliases: storedAliases.parse(row.aliases) };
}

/** A brand row as Postgres renders it with `to_jsonb(b)`. */
const brandJson = z.object({
  id: z.string(),
  workspaceId: z.string(),
  projectId: z.string(),
  name: z.string(),
  kind: z.enum(['own', 'competitor']),
  aliases: storedAliases,
  exclusions: z.array(z.string()),
  domains: z.array(z.string()),
  ambiguous: z.boolean().default(false),
  createdAt: z.coerce.date(),
  updatedAt: z.coerce.date(),
});

/**
 * The records of brands read in raw SQL as a JSON array of `to_jsonb(b)`: for statements that load a
 * project's brands along with other rows in one round trip (RunAttemptRepository.startAttempt).
 */
export function brandsFromJson(json: unknown): BrandRecord[] {
  return z.array(brandJson).parse(json);
}

@Injectable()
export class BrandRepository {
  constructor(private readonly prisma: PrismaService) {}

  async create(workspaceId: string, projectId: string, input: CreateBrandInput): Promise<BrandRecord> {
    return toRecord(await this.prisma.brand.create({ data: { workspaceId, projectId, ...input } }));
  }

  async find(workspaceId: string, id: string): Promise<BrandRecord | null> {
    const row = await this.prisma.brand.findFirst({ where: { id, workspaceId } });
    return row ? toRecord(row) : null;
  }

  async list(workspaceId: string, projectId: string, take: number, cursor?: Cursor): Promise<BrandRecord[]> {
    const rows = await this.prisma.brand.findMany({
      where: { workspaceId, projectId, ...afterCursor(cursor) },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take,
    });
    return rows.map(toRecord);
  }

  /** All brands of a project, for detection. Bounded by the per-project brand cap. */
  async listForProject(projectId: string): Promise<BrandRecord[]> {
    const rows = await this.prisma.brand.findMany({
      where: { projectId },
      orderBy: { createdAt: 'asc' },
      take: 500,
    });
    return rows.map(toRecord);
  }

  countForProject(projectId: string): Promise<number> {
    return this.prisma.brand.count({ where: { projectId } });
  }

  async update(workspaceId: string, id: string, input: UpdateBrandInput): Promise<BrandRecord | null> {
    const { count } = await this.prisma.brand.updateMany({ where: { id, workspaceId }, data: input });
    return count === 0 ? null : this.find(workspaceId, id);
  }

  async delete(workspaceId: string, id: string): Promise<boolean> {
    const { count } = await this.prisma.brand.deleteMany({ where: { id, workspaceId } });
    return count > 0;
  }
}
