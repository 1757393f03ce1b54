/**
 * One rule evaluated at one landing: the window queries around the landing, then the pure evaluator. The live
 * evaluation (AlertEvaluationService, inside the rule's row lock) and the 30-day preview (AlertPreviewService,
 * read-only) both call `evaluateAtLanding`, so a preview fires exactly where the live alerting would have.
 */
import {
  evaluateAboveFold,
  evaluateCompetitorOvertake,
  evaluateFirstOwnDomainCitation,
  evaluateMentionRateDrop,
  type AlertRuleKind,
  type AlertTrigger,
  type Figures,
  type RateCounts,
  type RuleState,
} from './alert-evaluator';
import { type Landing, type WindowQuery } from './alert-evaluation.repository';
import { alertParamsSchemas } from './dto/alert-rule.dto';

/** The reads an evaluation makes (LockedRule in a transaction, RuleReader outside one). */
export interface RuleReads {
  rateCounts(w: WindowQuery, brandId: string, what: 'mentioned' | 'aboveFold'): Promise<RateCounts>;
  headToHead(
    w: WindowQuery,
    brandId: string,
    competitorId: string,
  ): Promise<{ bothMentioned: number; competitorFirst: number }>;
  brandCitations(runId: string, brandId: string): Promise<{ url: string; domain: string }[]>;
}

/** What of a rule its evaluation reads: stored rules and previewed rule bodies alike. */
export interface RuleSpec {
  kind: AlertRuleKind;
  params: Record<string, unknown>;
  brandId: string | null;
  competitorId: string | null;
}

export interface LandingStep {
  state: RuleState;
  /** false when a window held fewer than minRuns runs: nothing was decided, the state is unchanged. */
  decided: boolean;
  /** The alert this landing fires, its figures with the window's context (brand, window bounds). */
  trigger: AlertTrigger | null;
}

const HOUR_MS = 3600_000;

/** Whether the rule reads trailing windows (and so never goes back in time). */
export const isWindowed = (kind: AlertRuleKind): boolean => kind !== 'first_own_domain_citation';

export async function evaluateAtLanding(
  reads: RuleReads,
  rule: RuleSpec,
  landing: Landing,
  brandId: string,
  state: RuleState,
): Promise<LandingStep> {
  const { evaluation, context } = await evaluate(reads, rule, landing, brandId, state);
  return {
    state: evaluation.state,
    decided: evaluation.decided,
    trigger: evaluation.trigger
      ? {
          transition: evaluation.trigger.transition,
          figures: { ...context, ...evaluation.trigger.figures },
        }
      : null,
  };
}

async function evaluate(
  reads: RuleReads,
  rule: RuleSpec,
  landing: Landing,
  brandId: string,
  state: RuleState,
) {
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
        await reads.rateCounts(current, brandId, 'mentioned'),
        await reads.rateCounts(window(p.windowHours, 1), brandId, 'mentioned'),
      ];
      return {
        evaluation: evaluateMentionRateDrop(p, state, { current: cur, previous: prev }),
        context: windowContext(current, p.windowHours),
      };
    }
    case 'competitor_overtake': {
      const p = alertParamsSchemas.competitor_overtake.parse(raw);
      const current = window(p.windowHours);
      const counts = await reads.headToHead(current, brandId, p.competitorId);
      return {
        evaluation: evaluateCompetitorOvertake(p, state, counts),
        context: { ...windowContext(current, p.windowHours), competitorId: p.competitorId },
      };
    }
    case 'above_fold_change': {
      const p = alertParamsSchemas.above_fold_change.parse(raw);
      const current = window(p.windowHours);
      const counts = await reads.rateCounts(current, brandId, 'aboveFold');
      return {
        evaluation: evaluateAboveFold(p, state, { current: counts }),
        context: windowContext(current, p.windowHours),
      };
    }
    case 'first_own_domain_citation': {
      const cited = await reads.brandCitations(landing.runId, brandId);
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
