import { Injectable } from '@nestjs/common';
import { Prisma } from '../generated/prisma/client';
import { PrismaService } from '../infra/prisma/prisma.service';
import { type ReportFilter } from '../reports/report-filter';
import { runFilter } from '../reports/report-filter.repository';
import { type AlertTrigger, type RateCounts, type RuleState } from './alert-evaluator';
import {
  toEventRecord,
  toRuleRecord,
  type AlertEventRecord,
  type AlertRuleRecord,
} from './alert-rule.repository';

/** A run that just succeeded: the evaluation's anchor. `observedAt` is its request time (the report axis). */
export interface Landing {
  runId: string;
  workspaceId: string;
  projectId: string;
  synthetic: boolean;
  observedAt: Date;
}

/** What evaluating a landing needs, read in one round trip. */
export interface LandingWork {
  landing: Landing;
  /** The project's enabled rules, oldest first. */
  ruleIds: string[];
  /** Alerts already recorded for this run (by an earlier attempt at this evaluation). */
  hasEvents: boolean;
}

export interface WindowQuery {
  projectId: string;
  synthetic: boolean;
  from: Date;
  to: Date;
}

export interface NewAlertEvent {
  id: string;
  transition: AlertTrigger['transition'];
  figures: AlertTrigger['figures'];
}

const reportFilter = (w: WindowQuery): ReportFilter => ({
  projectId: w.projectId,
  from: w.from,
  to: w.to,
  brandIds: [],
  engineIds: [],
  promptIds: [],
  tags: [],
});

/**
 * The reads of a rule's evaluation (rule-evaluation.ts). The window queries reuse the reports' run filter, so an
 * alert counts exactly the runs a report over the same range counts (measured and synthetic runs never mixed).
 * Outside a transaction it serves the 30-day preview.
 */
export class RuleReader {
  constructor(protected readonly tx: Prisma.TransactionClient) {}

  /** The rule's brand (or the project's oldest own brand) if it still belongs to the project. */
  async brand(projectId: string, brandId: string | null): Promise<{ id: string; domains: string[] } | null> {
    return this.tx.brand.findFirst({
      where: { projectId, ...(brandId === null ? { kind: 'own' } : { id: brandId }) },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      select: { id: true, domains: true },
    });
  }

  /** Runs of the window scored for the brand, and how many had it mentioned / above the fold. */
  async rateCounts(w: WindowQuery, brandId: string, what: 'mentioned' | 'aboveFold'): Promise<RateCounts> {
    const column = Prisma.raw(what === 'mentioned' ? 's.mentioned' : 's."aboveFold"');
    const [row] = await this.tx.$queryRaw<RateCounts[]>`
      SELECT count(*)::int AS n, count(*) FILTER (WHERE ${column})::int AS hits
      FROM run_brand_scores s
      WHERE ${runFilter('s', reportFilter(w))} AND s."brandId" = ${brandId}::uuid AND s.synthetic = ${w.synthetic}`;
    return row ?? { n: 0, hits: 0 };
  }

  /**
   * The head-to-head report's pair counting with A = competitor, B = brand: runs where both are mentioned,
   * and among them those where the competitor's first mention comes first in the text (lower order).
   */
  async headToHead(
    w: WindowQuery,
    brandId: string,
    competitorId: string,
  ): Promise<{ bothMentioned: number; competitorFirst: number }> {
    const [row] = await this.tx.$queryRaw<{ bothMentioned: number; competitorFirst: number }[]>`
      SELECT count(*) FILTER (WHERE a.mentioned AND b.mentioned)::int AS "bothMentioned",
        count(*) FILTER (WHERE a.mentioned AND b.mentioned AND a."order" < b."order")::int AS "competitorFirst"
      FROM run_brand_scores a
      JOIN run_brand_scores b ON b."runId" = a."runId" AND b."brandId" = ${brandId}::uuid
      WHERE ${runFilter('a', reportFilter(w))} AND a."brandId" = ${competitorId}::uuid AND a.synthetic = ${w.synthetic}`;
    return row ?? { bothMentioned: 0, competitorFirst: 0 };
  }

  /** The run's citations attributed to the brand (its domains, subdomains included), in citation order. */
  async brandCitations(runId: string, brandId: string): Promise<{ url: string; domain: string }[]> {
    return this.tx.citation.findMany({
      where: { runId, brandId },
      orderBy: { position: 'asc' },
      select: { url: true, domain: true },
    });
  }
}

/** Reads and writes of one rule's evaluation, inside a transaction that holds the rule's row lock. */
export class LockedRule extends RuleReader {
  constructor(
    tx: Prisma.TransactionClient,
    readonly rule: AlertRuleRecord,
  ) {
    super(tx);
  }

  async hasEvent(runId: string): Promise<boolean> {
    return (await this.tx.alertEvent.count({ where: { ruleId: this.rule.id, runId } })) > 0;
  }

  /**
   * Stores the new state and, when the evaluation triggered, the alert. The (ruleId, runId) unique key makes
   * the insert a no-op for a landing that already fired this rule.
   */
  async save(
    landing: Landing,
    state: RuleState,
    decided: boolean,
    event: NewAlertEvent | null,
    now: Date,
  ): Promise<void> {
    if (event) {
      await this.tx.alertEvent.createMany({
        data: [
          {
            id: event.id,
            workspaceId: this.rule.workspaceId,
            projectId: this.rule.projectId,
            ruleId: this.rule.id,
            ruleName: this.rule.name,
            kind: this.rule.kind,
            transition: event.transition,
            runId: landing.runId,
            figures: event.figures,
            synthetic: landing.synthetic,
            createdAt: now,
          },
        ],
        skipDuplicates: true,
      });
    }
    await this.tx.alertRule.update({
      where: { id: this.rule.id },
      data: {
        firing: state.firing,
        side: state.side,
        lastValue: state.lastValue,
        lastError: null,
        ...(decided ? { lastEvaluatedAt: landing.observedAt, lastRunId: landing.runId } : {}),
        ...(event ? { lastTriggeredAt: now } : {}),
      },
    });
  }

  async fail(message: string): Promise<void> {
    await this.tx.alertRule.update({
      where: { id: this.rule.id },
      data: { lastError: message.slice(0, 1000) },
    });
  }
}

@Injectable()
export class AlertEvaluationRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * The run if it succeeded (with its request time), its project's enabled rules (oldest first) and whether
   * alerts already exist for it (an earlier attempt at this evaluation); null for any other state. One round
   * trip: this runs once per landed run, on the worker that streams.
   */
  async landing(runId: string): Promise<LandingWork | null> {
    const rows = await this.prisma.$queryRaw<(Landing & { ruleIds: string[]; hasEvents: boolean })[]>`
      SELECT r.id::text AS "runId", r."workspaceId"::text AS "workspaceId", r."projectId"::text AS "projectId",
             r.synthetic, rr."requestSentAt" AS "observedAt",
             ARRAY(SELECT ar.id::text FROM alert_rules ar
                   WHERE ar."projectId" = r."projectId" AND ar.enabled
                   ORDER BY ar."createdAt" ASC, ar.id ASC) AS "ruleIds",
             EXISTS (SELECT 1 FROM alert_events ae WHERE ae."runId" = r.id) AS "hasEvents"
      FROM runs r JOIN run_results rr ON rr."runId" = r.id
      WHERE r.id = ${runId}::uuid AND r.status = 'succeeded'`;
    const row = rows[0];
    if (row === undefined) return null;
    const { ruleIds, hasEvents, ...landing } = row;
    return { landing, ruleIds, hasEvents };
  }

  /**
   * Runs `fn` in a transaction holding the rule's row lock (SELECT ... FOR UPDATE): evaluations of one rule
   * by several workers are serialized, each reading the state the previous one committed. Null when the rule
   * is gone.
   */
  async withLockedRule<R>(ruleId: string, fn: (locked: LockedRule) => Promise<R>): Promise<R | null> {
    return this.prisma.$transaction(
      async (tx) => {
        const locked = await tx.$queryRaw<{ id: string }[]>`
          SELECT id FROM alert_rules WHERE id = ${ruleId}::uuid FOR UPDATE`;
        if (locked.length === 0) return null;
        const rule = await tx.alertRule.findUniqueOrThrow({ where: { id: ruleId } });
        return fn(new LockedRule(tx, toRuleRecord(rule)));
      },
      { timeout: 30_000, maxWait: 10_000 },
    );
  }

  async recordError(ruleId: string, message: string): Promise<void> {
    await this.prisma.alertRule.updateMany({
      where: { id: ruleId },
      data: { lastError: message.slice(0, 1000) },
    });
  }

  async eventsForRun(runId: string): Promise<AlertEventRecord[]> {
    const rows = await this.prisma.alertEvent.findMany({ where: { runId }, orderBy: { id: 'asc' } });
    return rows.map(toEventRecord);
  }
}
