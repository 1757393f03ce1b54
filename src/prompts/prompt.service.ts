import { Inject, Injectable } from '@nestjs/common';
import { type AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { EngineRepository } from '../engines/engine.repository';
import { ApiError } from '../infra/http/api-error';
import { Clock } from '../infra/clock/clock';
import { decodeCursor, toPage, type Page, type PageQuery } from '../infra/http/pagination';
import { ProjectService } from '../projects/project.service';
import { checkSchedule, nextSlotAfter } from './cron-schedule';
import { type CreatePromptInput, type PromptView, type UpdatePromptInput } from './dto/prompt.dto';
import { PromptRepository, type PromptRecord, type PromptWrite } from './prompt.repository';

@Injectable()
export class PromptService {
  constructor(
    private readonly prompts: PromptRepository,
    private readonly projects: ProjectService,
    private readonly engines: EngineRepository,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async create(workspaceId: string, projectId: string, input: CreatePromptInput): Promise<PromptView> {
    await this.projects.require(workspaceId, projectId);
    const engineIds = await this.requireEngines(workspaceId, input.engineIds);
    const now = this.clock.now();
    this.requireSchedule(input.cron, input.timezone, now);
    const nextSlotAt = input.active ? nextSlotAfter(input.cron, input.timezone, now) : null;
    return toView(await this.prompts.create(workspaceId, projectId, { ...input, engineIds, nextSlotAt }));
  }

  async get(workspaceId: string, id: string): Promise<PromptView> {
    return toView(await this.require(workspaceId, id));
  }

  async require(workspaceId: string, id: string): Promise<PromptRecord> {
    const p = await this.prompts.find(workspaceId, id);
    if (!p) throw ApiError.notFound('Prompt');
    return p;
  }

  async list(workspaceId: string, projectId: string, q: PageQuery): Promise<Page<PromptView>> {
    await this.projects.require(workspaceId, projectId);
    const rows = await this.prompts.list(workspaceId, projectId, q.limit + 1, decodeCursor(q.cursor));
    return toPage(rows, q.limit, toView);
  }

  async update(workspaceId: string, id: string, input: UpdatePromptInput): Promise<PromptView> {
    const current = await this.require(workspaceId, id);
    const data: PromptWrite = { ...input };
    if (input.engineIds) data.engineIds = await this.requireEngines(workspaceId, input.engineIds);
    const cron = input.cron ?? current.cron;
    const timezone = input.timezone ?? current.timezone;
    const active = input.active ?? current.active;
    const now = this.clock.now();
    if (input.cron !== undefined || input.timezone !== undefined) this.requireSchedule(cron, timezone, now);
    // A changed schedule, or re-activation, starts from the next firing; otherwise the claimer owns nextSlotAt.
    const scheduleChanged =
      input.cron !== undefined || input.timezone !== undefined || active !== current.active;
    if (scheduleChanged) data.nextSlotAt = active ? nextSlotAfter(cron, timezone, now) : null;
    const updated = await this.prompts.update(workspaceId, id, data);
    if (!updated) throw ApiError.notFound('Prompt');
    return toView(updated);
  }

  async delete(workspaceId: string, id: string): Promise<void> {
    if (!(await this.prompts.delete(workspaceId, id))) throw ApiError.notFound('Prompt');
  }

  private async requireEngines(workspaceId: string, ids: string[]): Promise<string[]> {
    const unique = [...new Set(ids)];
    const found = new Set(await this.engines.existing(workspaceId, unique));
    const missing = unique.filter((id) => !found.has(id));
    if (missing.length > 0) throw new ApiError(404, 'not_found', `Engine not found: ${missing.join(', ')}`);
    return unique;
  }

  private requireSchedule(cron: string, timezone: string, now: Date): void {
    const check = checkSchedule(cron, timezone, this.config.MIN_CRON_INTERVAL_SECONDS, now);
    if (!check.ok) {
      throw ApiError.validation(`Invalid body: body.${check.field}: ${check.message}`, [
        { path: `body.${check.field}`, message: check.message },
      ]);
    }
  }
}

function toView(p: PromptRecord): PromptView {
  return {
    id: p.id,
    projectId: p.projectId,
    text: p.text,
    revision: p.revision,
    tags: p.tags,
    engineIds: p.engineIds,
    cron: p.cron,
    timezone: p.timezone,
    samplesPerSlot: p.samplesPerSlot,
    active: p.active,
    nextSlotAt: p.nextSlotAt?.toISOString() ?? null,
    createdAt: p.createdAt.toISOString(),
    updatedAt: p.updatedAt.toISOString(),
  };
}
