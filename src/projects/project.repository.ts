import { Injectable } from '@nestjs/common';
import { Prisma } from '../generated/prisma/client';
import { PrismaService } from '../infra/prisma/prisma.service';
import { afterCursor, type Cursor } from '../infra/http/pagination';
import { type CreateProjectInput, type UpdateProjectInput } from './dto/project.dto';

export interface ProjectRecord {
  id: string;
  workspaceId: string;
  name: string;
  foldTokens: number;
  halfLifeMs: number;
  createdAt: Date;
  updatedAt: Date;
}

/** A create or rename refused because the workspace already has a project of that name. */
export const NAME_TAKEN = 'name_taken';

const isNameTaken = (e: unknown): boolean =>
  e instanceof Prisma.PrismaClientKnownRequestError && e.code === 'P2002';

/** Every method takes the workspace id: a row of another workspace is indistinguishable from no row. */
@Injectable()
export class ProjectRepository {
  constructor(private readonly prisma: PrismaService) {}

  async create(workspaceId: string, input: CreateProjectInput): Promise<ProjectRecord | typeof NAME_TAKEN> {
    try {
      return await this.prisma.project.create({ data: { workspaceId, ...input } });
    } catch (e) {
      if (isNameTaken(e)) return NAME_TAKEN;
      throw e;
    }
  }

  find(workspaceId: string, id: string): Promise<ProjectRecord | null> {
    return this.prisma.project.findFirst({ where: { id, workspaceId } });
  }

  list(workspaceId: string, take: number, cursor?: Cursor): Promise<ProjectRecord[]> {
    return this.prisma.project.findMany({
      where: { workspaceId, ...afterCursor(cursor) },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take,
    });
  }

  async update(
    workspaceId: string,
    id: string,
    input: UpdateProjectInput,
  ): Promise<ProjectRecord | null | typeof NAME_TAKEN> {
    try {
      const { count } = await this.prisma.project.updateMany({ where: { id, workspaceId }, data: input });
      return count === 0 ? null : this.find(workspaceId, id);
    } catch (e) {
      if (isNameTaken(e)) return NAME_TAKEN;
      throw e;
    }
  }

  async delete(workspaceId: string, id: string): Promise<boolean> {
    const { count } = await this.prisma.project.deleteMany({ where: { id, workspaceId } });
    return count > 0;
  }
}
