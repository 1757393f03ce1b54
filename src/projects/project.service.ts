import { Injectable } from '@nestjs/common';
import { ApiError } from '../infra/http/api-error';
import { decodeCursor, toPage, type Page, type PageQuery } from '../infra/http/pagination';
import { type CreateProjectInput, type ProjectView, type UpdateProjectInput } from './dto/project.dto';
import { NAME_TAKEN, ProjectRepository, type ProjectRecord } from './project.repository';

@Injectable()
export class ProjectService {
  constructor(private readonly projects: ProjectRepository) {}

  async create(workspaceId: string, input: CreateProjectInput): Promise<ProjectView> {
    const p = await this.projects.create(workspaceId, input);
    if (p === NAME_TAKEN) throw nameTaken(input.name);
    return toView(p);
  }

  async get(workspaceId: string, id: string): Promise<ProjectView> {
    return toView(await this.require(workspaceId, id));
  }

  /** Throws 404 unless the project exists in this workspace. */
  async require(workspaceId: string, id: string): Promise<ProjectRecord> {
    const p = await this.projects.find(workspaceId, id);
    if (!p) throw ApiError.notFound('Project');
    return p;
  }

  async list(workspaceId: string, q: PageQuery): Promise<Page<ProjectView>> {
    const rows = await this.projects.list(workspaceId, q.limit + 1, decodeCursor(q.cursor));
    return toPage(rows, q.limit, toView);
  }

  async update(workspaceId: string, id: string, input: UpdateProjectInput): Promise<ProjectView> {
    const p = await this.projects.update(workspaceId, id, input);
    if (p === NAME_TAKEN) throw nameTaken(input.name ?? '');
    if (!p) throw ApiError.notFound('Project');
    return toView(p);
  }

  async delete(workspaceId: string, id: string): Promise<void> {
    if (!(await this.projects.delete(workspaceId, id))) throw ApiError.notFound('Project');
  }
}

/** 409 with the field it concerns, in the shape of a validation issue (a form shows it next to the name). */
function nameTaken(name: string): ApiError {
  const message = `The workspace already has a project named "${name}"`;
  return ApiError.conflict(message, [{ path: 'body.name', message }]);
}

function toView(p: ProjectRecord): ProjectView {
  return {
    id: p.id,
    name: p.name,
    foldTokens: p.foldTokens,
    halfLifeMs: p.halfLifeMs,
    createdAt: p.createdAt.toISOString(),
    updatedAt: p.updatedAt.toISOString(),
  };
}
