import { Injectable, Logger } from '@nestjs/common';
import { Clock } from '../infra/clock/clock';
import { derivedUuid } from '../infra/crypto/derived-uuid';
import { WebhookNotifier } from '../webhooks/webhook-notifier.service';
import {
  evaluateAboveFold,
  evaluateCompetitorOvertake,
  evaluateFirstOwnDomainCitation,
  evaluateMentionRateDrop,
  type Evaluation,
  type Figures,
  type RuleState,
} from './alert-evaluator';
import {
  AlertEvaluationRepository,
  type Landing,
  type LockedRule,
  type WindowQuery,
} from './alert-evaluation.repository';
import { type AlertEventRecord } from './alert-rule.repository';
import { alertParamsSchemas } from './dto/alert-rule.dto';

export interface LandingEvaluation {
  /** Rules evaluated (locked and decided or undecided), skipped ones excluded. */
  evaluated: number;
  /** Alerts inserted by this evaluation (not those an earlier evaluation of the landing inserted). */
  triggered: number;
  /** Rules whose evaluation threw; the job is retried. */
  failed: number;
}

/** One alert per rule and landing run: the id is derived, so a second insert is a no-op. */
export const alertEventId = (ruleId: string, runId: string): string => derivedUuid('alert', ruleId, runId);

const HOUR_MS = 3600_000;

/**
 * Evaluates a project's enabled alert rules when one of its runs lands, then hands the alerts to the webhook
 * notifier (`alert.triggered`). Each rule is evaluated in its own transaction under its row lock; one
 * failing rule does not stop the others and is recorded on the rule (`lastError`).
 */
@Injectable()
export class AlertEvaluationService {
  private readonly logger = new Logger(AlertEvaluationService.name);

  constructor(
    private readonly repo: AlertEvaluationRepository,
    private readonly webhooks: WebhookNotifier,
    private readonly clock: Clock,
  ) {}

  async evaluateLanding(runId: string): Promise<LandingEvaluation> {
    const work = await this.repo.landing(runId);
    const result: LandingEvaluation = { evaluated: 0, triggered: 0, failed: 0 };
    if (!work) return result;
    const { landing } = work;
    for (const ruleId of work.ruleIds) {
      try {
        const outcome = await this.repo.withLockedRule(ruleId, (locked) =>
          this.evaluateRule(locked, landing),
        );
        if (outcome === 'triggered') result.triggered++;
        if (outcome === 'triggered' || outcome === 'evaluated') result.evaluated++;
      } catch (err) {
        result.failed++;
        this.logger.error({ runId, ruleId, err }, 'alert rule evaluation failed');
        await this.repo
          .recordError(ruleId, `evaluation failed: ${err instanceof Error ? err.message : String(err)}`)
          .catch(() => undefined);
      }
    }
    // Every alert of this landing, including those of an earlier attempt whose notification may not have
    // been enqueued: delivery ids are derived, so notifying twice creates nothing new. Most landings have none
    // (nothing recorded before, nothing triggered now), and then there is nothing to read.
    if (!work.hasEvents && result.triggered === 0) return result;
    for (const alert of await this.repo.eventsForRun(runId)) await this.notify(alert);
    return result;
  }

  private async notify(alert: AlertEventRecord): Promise<void> {
    await this.webhooks.alertTriggered({
      alertId: alert.id,
      workspaceId: alert.workspaceId,
      projectId: alert.projectId,
      ruleId: alert.ruleId,
      ruleName: alert.ruleName,
      kind: alert.kind,
      transition: alert.transition,
      runId: alert.runId,
      synthetic: alert.synthetic,
      figures: alert.figures,
      triggeredAt: alert.createdAt,
    });
  }

  private async evaluateRule(
    locked: LockedRule,
    landing: Landing,
  ): Promise<'triggered' | 'evaluated' | 'skipped'> {
    const rule = locked.rule;
    if (!rule.enabled || rule.projectId !== landing.projectId) return 'skipped';
    // A retried job, or a second worker with the same landing: this landing already fired this rule.
    if (await locked.hasEvent(landing.runId)) return 'skipped';
    // Windowed rules move forward in time: a landing older than the one last evaluated is already counted.
    if (
      rule.kind !== 'first_own_domain_citation' &&
      rule.lastEvaluatedAt !== null &&
      landing.observedAt < rule.lastEvaluatedAt
    ) {
      return 'skipped';
    }
    const brand = await locked.brand(landing.projectId, rule.brandId);
    if (!brand) {
      await locked.fail(
        rule.brandId ? `brand ${rule.brandId} no longer exists` : 'the project has no own brand',
      );
      return 'skipped';
    }
    const state: RuleState = { firing: rule.firing, side: rule.side, lastValue: rule.lastValue };
    const { evaluation, context } = await this.evaluate(locked, landing, brand.id, state);
    const event = evaluation.trigger
      ? {
          id: alertEventId(rule.id, landing.runId),
          transition: evaluation.trigger.transition,
          figures: { ...context, ...evaluation.trigger.figures },
        }
      : null;
    await locked.save(landing, evaluation.state, evaluation.decided, event, this.clock.now());
    return event ? 'triggered' : 'evaluated';
  }

  private async evaluate(
    locked: LockedRule,
    landing: Landing,
    brandId: string,
    state: RuleState,
  ): Promise<{ evaluation: Evaluation; context: Figures }> {
    const rule = locked.rule;
    const raw = {
      ...rule.params,
      ...(rule.brandId ? { brandId: rule.brandId } : {}),
      ...(rule.competitorId ? { competitorId: rule.competitorId } : {}),
    };
    const window = (hours: number, back = 0): WindowQuery => {
      // The trailing window ends with the landing run itself (runFilter's `to` is exclusive).
      const to = new Date(landing.observedAt.getTime() + 1 - back * hours * HOUR_MS);
      return {
        projectId: landing.projectId,
        synthetic: landing.synthetic,
        from: new Date(to.getTime() - hours * HOUR_MS),
        to,
      };
    };
    const windowContext = (w: WindowQuery, hours: number): Figures => ({
      brandId,
      windowHours: hours,
      windowStart: w.from.toISOString(),
      windowEnd: w.to.toISOString(),
    });
    switch (rule.kind) {
      case 'mention_rate_drop': {
        const p = alertParamsSchemas.mention_rate_drop.parse(raw);
        const current = window(p.windowHours);
        const [cur, prev] = [
          await locked.rateCounts(current, brandId, 'mentioned'),
          await locked.rateCounts(window(p.windowHours, 1), brandId, 'mentioned'),
        ];
        return {
          evaluation: evaluateMentionRateDrop(p, state, { current: cur, previous: prev }),
          context: windowContext(current, p.windowHours),
        };
      }
      case 'competitor_overtake': {
        const p = alertParamsSchemas.competitor_overtake.parse(raw);
        const current = window(p.windowHours);
        const counts = await locked.headToHead(current, brandId, p.competitorId);
        return {
          evaluation: evaluateCompetitorOvertake(p, state, counts),
          context: { ...windowContext(current, p.windowHours), competitorId: p.competitorId },
        };
      }
      case 'above_fold_change': {
        const p = alertParamsSchemas.above_fold_change.parse(raw);
        const current = window(p.windowHours);
        const counts = await locked.rateCounts(current, brandId, 'aboveFold');
        return {
          evaluation: evaluateAboveFold(p, state, { current: counts }),
          context: windowContext(current, p.windowHours),
        };
      }
      case 'first_own_domain_citation': {
        const cited = await locked.brandCitations(landing.runId, brandId);
        return {
          evaluation: evaluateFirstOwnDomainCitation(state, {
            citedUrls: cited.map((c) => c.url),
            citedDomains: [...new Set(cited.map((c) => c.domain))],
          }),
          context: { brandId },
        };
      }
    }
  }
}
