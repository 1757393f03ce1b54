import { Injectable } from '@nestjs/common';
import { type Prisma } from '../generated/prisma/client';
import { afterCursor, type Cursor } from '../infra/http/pagination';
import { PrismaService } from '../infra/prisma/prisma.service';
import { type AlertRuleKind, type AlertTransition, type Figures, type FoldSide } from './alert-evaluator';

export interface AlertRuleRecord {
  id: string;
  workspaceId: string;
  projectId: string;
  name: string;
  kind: AlertRuleKind;
  params: Record<string, unknown>;
  brandId: string | null;
  competitorId: string | null;
  enabled: boolean;
  firing: boolean;
  side: FoldSide | null;
  lastValue: number | null;
  lastEvaluatedAt: Date | null;
  lastRunId: string | null;
  lastTriggeredAt: Date | null;
  lastError: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface AlertEventRecord {
  id: string;
  workspaceId: string;
  projectId: string;
  ruleId: string;
  ruleName: string;
  kind: AlertRuleKind;
  transition: AlertTransition;
  runId: string;
  figures: Figures;
  synthetic: boolean;
  createdAt: Date;
}

export interface NewAlertRule {
  name: string;
  kind: AlertRuleKind;
  enabled: boolean;
  params: Record<string, unknown>;
  brandId: string | null;
  competitorId: string | null;
}

type RuleRow = Prisma.AlertRuleGetPayload<object>;
type EventRow = Prisma.AlertEventGetPayload<object>;

export function toRuleRecord(r: RuleRow): AlertRuleRecord {
  return {
    ...r,
    params: r.params as Record<string, unknown>,
    side: r.side === 'above' || r.side === 'below' ? r.side : null,
  };
}

export function toEventRecord(e: EventRow): AlertEventRecord {
  return { ...e, transition: e.transition as AlertTransition, figures: e.figures as Figures };
}

/** Alert rules and the alert log, scoped by workspace. */
@Injectable()
export class AlertRuleRepository {
  constructor(private readonly prisma: PrismaService) {}

  async create(workspaceId: string, projectId: string, rule: NewAlertRule): Promise<AlertRuleRecord> {
    const row = await this.prisma.alertRule.create({
      data: { workspaceId, projectId, ...rule, params: rule.params as Prisma.InputJsonObject },
    });
    return toRuleRecord(row);
  }

  async find(workspaceId: string, id: string): Promise<AlertRuleRecord | null> {
    const row = await this.prisma.alertRule.findFirst({ where: { id, workspaceId } });
    return row ? toRuleRecord(row) : null;
  }

  async list(
    workspaceId: string,
    projectId: string,
    take: number,
    cursor?: Cursor,
  ): Promise<AlertRuleRecord[]> {
    const rows = await this.prisma.alertRule.findMany({
      where: { workspaceId, projectId, ...afterCursor(cursor) },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take,
    });
    return rows.map(toRuleRecord);
  }

  countForProject(projectId: string): Promise<number> {
    return this.prisma.alertRule.count({ where: { projectId } });
  }

  /**
   * Updates name/enabled, and with new parameters also resets the evaluation state: the hysteresis of the
   * old thresholds says nothing about the new ones.
   */
  async update(
    workspaceId: string,
    id: string,
    data: {
      name?: string;
      enabled?: boolean;
      params?: Record<string, unknown>;
      brandId?: string | null;
      competitorId?: string | null;
    },
  ): Promise<AlertRuleRecord | null> {
    const { params, ...rest } = data;
    const reset =
      params === undefined
        ? {}
        : { params: params as Prisma.InputJsonObject, firing: false, side: null, lastValue: null };
    const { count } = await this.prisma.alertRule.updateMany({
      where: { id, workspaceId },
      data: { ...rest, ...reset },
    });
    return count === 0 ? null : this.find(workspaceId, id);
  }

  async delete(workspaceId: string, id: string): Promise<boolean> {
    const { count } = await this.prisma.alertRule.deleteMany({ where: { id, workspaceId } });
    return count > 0;
  }

  async listEvents(
    workspaceId: string,
    projectId: string,
    take: number,
    cursor?: Cursor,
  ): Promise<AlertEventRecord[]> {
    const rows = await this.prisma.alertEvent.findMany({
      where: { workspaceId, projectId, ...afterCursor(cursor) },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take,
    });
    return rows.map(toEventRecord);
  }
}
