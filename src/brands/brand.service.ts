import { Injectable } from '@nestjs/common';
import { ApiError } from '../infra/http/api-error';
import { decodeCursor, toPage, type Page, type PageQuery } from '../infra/http/pagination';
import { ProjectService } from '../projects/project.service';
import { BrandChanges } from './brand-changes';
import { BrandRepository, type BrandRecord } from './brand.repository';
import {
  type BrandView,
  type BrandWriteView,
  type CreateBrandInput,
  type UpdateBrandInput,
} from './dto/brand.dto';

/** A project's watchlist is bounded so detection stays fast and reports stay readable. */
export const MAX_BRANDS_PER_PROJECT = 100;

@Injectable()
export class BrandService {
  constructor(
    private readonly brands: BrandRepository,
    private readonly projects: ProjectService,
    private readonly changes: BrandChanges,
  ) {}

  async create(workspaceId: string, projectId: string, input: CreateBrandInput): Promise<BrandWriteView> {
    await this.projects.require(workspaceId, projectId);
    if ((await this.brands.countForProject(projectId)) >= MAX_BRANDS_PER_PROJECT) {
      throw new ApiError(422, 'limit_exceeded', `A project holds at most ${MAX_BRANDS_PER_PROJECT} brands`);
    }
    const brand = await this.brands.create(workspaceId, projectId, input);
    const { backfillId } = await this.changes.announce({ workspaceId, projectId, reason: 'brand.created' });
    return { ...toView(brand), backfillId };
  }

  async get(workspaceId: string, id: string): Promise<BrandView> {
    const b = await this.brands.find(workspaceId, id);
    if (!b) throw ApiError.notFound('Brand');
    return toView(b);
  }

  async list(workspaceId: string, projectId: string, q: PageQuery): Promise<Page<BrandView>> {
    await this.projects.require(workspaceId, projectId);
    const rows = await this.brands.list(workspaceId, projectId, q.limit + 1, decodeCursor(q.cursor));
    return toPage(rows, q.limit, toView);
  }

  async update(workspaceId: string, id: string, input: UpdateBrandInput): Promise<BrandWriteView> {
    const b = await this.brands.update(workspaceId, id, input);
    if (!b) throw ApiError.notFound('Brand');
    // History is recomputed with the new aliases so old and new runs stay comparable.
    const { backfillId } = await this.changes.announce({
      workspaceId,
      projectId: b.projectId,
      reason: 'brand.updated',
    });
    return { ...toView(b), backfillId };
  }

  async delete(workspaceId: string, id: string): Promise<void> {
    const b = await this.brands.find(workspaceId, id);
    if (!b || !(await this.brands.delete(workspaceId, id))) throw ApiError.notFound('Brand');
    await this.changes.announce({ workspaceId, projectId: b.projectId, reason: 'brand.deleted' });
  }
}

function toView(b: BrandRecord): BrandView {
  return {
    id: b.id,
    projectId: b.projectId,
    name: b.name,
    kind: b.kind,
    aliases: b.aliases,
    exclusions: b.exclusions,
    domains: b.domains,
    ambiguous: b.ambiguous,
    createdAt: b.createdAt.toISOString(),
    updatedAt: b.updatedAt.toISOString(),
  };
}
