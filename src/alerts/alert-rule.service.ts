import { Injectable } from '@nestjs/common';
import { BrandRepository } from '../brands/brand.repository';
import { ApiError } from '../infra/http/api-error';
import { decodeCursor, toPage, type Page, type PageQuery } from '../infra/http/pagination';
import { parseInput } from '../infra/http/zod-body';
import { ProjectService } from '../projects/project.service';
import { AlertRuleRepository, type AlertEventRecord, type AlertRuleRecord } from './alert-rule.repository';
import {
  alertParamsSchemas,
  type AlertEventView,
  type AlertRuleView,
  type CreateAlertRuleInput,
  type UpdateAlertRuleInput,
} from './dto/alert-rule.dto';

/** Each rule costs a few queries per landing run, so a project's rules are bounded. */
export const MAX_ALERT_RULES_PER_PROJECT = 50;

export interface SplitParams {
  params: Record<string, unknown>;
  brandId: string | null;
  competitorId: string | null;
}

@Injectable()
export class AlertRuleService {
  constructor(
    private readonly rules: AlertRuleRepository,
    private readonly projects: ProjectService,
    private readonly brands: BrandRepository,
  ) {}

  async create(workspaceId: string, projectId: string, input: CreateAlertRuleInput): Promise<AlertRuleView> {
    await this.projects.require(workspaceId, projectId);
    if ((await this.rules.countForProject(projectId)) >= MAX_ALERT_RULES_PER_PROJECT) {
      throw new ApiError(
        422,
        'limit_exceeded',
        `A project holds at most ${MAX_ALERT_RULES_PER_PROJECT} alert rules`,
      );
    }
    const split = await this.splitParams(workspaceId, projectId, input.params);
    const rule = await this.rules.create(workspaceId, projectId, {
      name: input.name,
      kind: input.kind,
      enabled: input.enabled,
      ...split,
    });
    return toView(rule);
  }

  async get(workspaceId: string, id: string): Promise<AlertRuleView> {
    return toView(await this.require(workspaceId, id));
  }

  async list(workspaceId: string, projectId: string, q: PageQuery): Promise<Page<AlertRuleView>> {
    await this.projects.require(workspaceId, projectId);
    const rows = await this.rules.list(workspaceId, projectId, q.limit + 1, decodeCursor(q.cursor));
    return toPage(rows, q.limit, toView);
  }

  async update(workspaceId: string, id: string, input: UpdateAlertRuleInput): Promise<AlertRuleView> {
    const current = await this.require(workspaceId, id);
    const params =
      input.params === undefined
        ? {}
        : await this.splitParams(
            workspaceId,
            current.projectId,
            parseInput(alertParamsSchemas[current.kind], input.params, 'body.params'),
          );
    const updated = await this.rules.update(workspaceId, id, {
      ...(input.name === undefined ? {} : { name: input.name }),
      ...(input.enabled === undefined ? {} : { enabled: input.enabled }),
      ...params,
    });
    if (!updated) throw ApiError.notFound('Alert rule');
    return toView(updated);
  }

  async delete(workspaceId: string, id: string): Promise<void> {
    if (!(await this.rules.delete(workspaceId, id))) throw ApiError.notFound('Alert rule');
  }

  async alerts(workspaceId: string, projectId: string, q: PageQuery): Promise<Page<AlertEventView>> {
    await this.projects.require(workspaceId, projectId);
    const rows = await this.rules.listEvents(workspaceId, projectId, q.limit + 1, decodeCursor(q.cursor));
    return toPage(rows, q.limit, toEventView);
  }

  private async require(workspaceId: string, id: string): Promise<AlertRuleRecord> {
    const rule = await this.rules.find(workspaceId, id);
    if (!rule) throw ApiError.notFound('Alert rule');
    return rule;
  }

  /** Brand ids go to their own columns, after checking they name brands of this project. */
  async splitParams(
    workspaceId: string,
    projectId: string,
    input: Record<string, unknown>,
  ): Promise<SplitParams> {
    const { brandId, competitorId, ...params } = input as { brandId?: string; competitorId?: string };
    for (const [field, id] of [
      ['brandId', brandId],
      ['competitorId', competitorId],
    ] as const) {
      if (id === undefined) continue;
      const brand = await this.brands.find(workspaceId, id);
      if (brand?.projectId !== projectId) {
        const message = `${field} must name a brand of this project`;
        throw ApiError.validation(`Invalid body: body.params.${field}: ${message}`, [
          { path: `body.params.${field}`, message },
        ]);
      }
    }
    return { params, brandId: brandId ?? null, competitorId: competitorId ?? null };
  }
}

function toView(r: AlertRuleRecord): AlertRuleView {
  return {
    id: r.id,
    projectId: r.projectId,
    name: r.name,
    kind: r.kind,
    enabled: r.enabled,
    params: {
      ...r.params,
      ...(r.brandId ? { brandId: r.brandId } : {}),
      ...(r.competitorId ? { competitorId: r.competitorId } : {}),
    },
    state: {
      firing: r.firing,
      side: r.side,
      lastValue: r.lastValue,
      lastEvaluatedAt: r.lastEvaluatedAt?.toISOString() ?? null,
      lastRunId: r.lastRunId,
      lastTriggeredAt: r.lastTriggeredAt?.toISOString() ?? null,
      lastError: r.lastError,
    },
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  };
}

function toEventView(e: AlertEventRecord): AlertEventView {
  return {
    id: e.id,
    ruleId: e.ruleId,
    ruleName: e.ruleName,
    projectId: e.projectId,
    kind: e.kind,
    transition: e.transition,
    runId: e.runId,
    synthetic: e.synthetic,
    figures: e.figures,
    triggeredAt: e.createdAt.toISOString(),
  };
}
