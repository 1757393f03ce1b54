import { Injectable, Logger } from '@nestjs/common';
import { Clock } from '../infra/clock/clock';
import { derivedUuid } from '../infra/crypto/derived-uuid';
import { WebhookNotifier } from '../webhooks/webhook-notifier.service';
import { type RuleState } from './alert-evaluator';
import { AlertEvaluationRepository, type Landing, type LockedRule } from './alert-evaluation.repository';
import { type AlertEventRecord } from './alert-rule.repository';
import { evaluateAtLanding, isWindowed } from './rule-evaluation';

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
    if (isWindowed(rule.kind) && rule.lastEvaluatedAt !== null && landing.observedAt < rule.lastEvaluatedAt) {
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
    const step = await evaluateAtLanding(locked, rule, landing, brand.id, state);
    const event = step.trigger ? { id: alertEventId(rule.id, landing.runId), ...step.trigger } : null;
    await locked.save(landing, step.state, step.decided, event, this.clock.now());
    return event ? 'triggered' : 'evaluated';
  }
}
