import { Injectable } from '@nestjs/common';
import { Clock } from '../infra/clock/clock';
import { ApiError } from '../infra/http/api-error';
import { ProjectService } from '../projects/project.service';
import { type RuleState } from './alert-evaluator';
import { AlertPreviewRepository } from './alert-preview.repository';
import { AlertRuleService } from './alert-rule.service';
import { MAX_PREVIEW_LANDINGS, PREVIEW_DAYS, type AlertPreviewView } from './dto/alert-preview.dto';
import { type CreateAlertRuleInput } from './dto/alert-rule.dto';
import { evaluateAtLanding, type RuleSpec } from './rule-evaluation';

const DAY_MS = 86_400_000;

/**
 * How a rule body would have fired over the last 30 days: the project's landings of the range replayed in order
 * through the live evaluation step (rule-evaluation.ts), from a fresh state, as if the rule had existed 30
 * days ago. Writes nothing.
 */
@Injectable()
export class AlertPreviewService {
  constructor(
    private readonly repo: AlertPreviewRepository,
    private readonly rules: AlertRuleService,
    private readonly projects: ProjectService,
    private readonly clock: Clock,
  ) {}

  async preview(
    workspaceId: string,
    projectId: string,
    input: CreateAlertRuleInput,
  ): Promise<AlertPreviewView> {
    await this.projects.require(workspaceId, projectId);
    const split = await this.rules.splitParams(workspaceId, projectId, input.params);
    const brand = await this.repo.brand(projectId, split.brandId);
    if (!brand) {
      throw ApiError.conflict(
        'The project has no own brand: add one, or name the brand to watch (params.brandId)',
      );
    }
    const rule: RuleSpec = { kind: input.kind, ...split };
    const to = this.clock.now();
    const from = new Date(to.getTime() - PREVIEW_DAYS * DAY_MS);
    const landings = await this.repo.landings(projectId, from, to, MAX_PREVIEW_LANDINGS + 1);
    const truncated = landings.length > MAX_PREVIEW_LANDINGS;
    if (truncated) landings.shift();
    const reads = this.repo.reader();
    let state: RuleState = { firing: false, side: null, lastValue: null };
    let decided = 0;
    const firings: AlertPreviewView['firings'] = [];
    for (const landing of landings) {
      const step = await evaluateAtLanding(reads, rule, landing, brand.id, state);
      state = step.state;
      if (step.decided) decided++;
      if (step.trigger) {
        firings.push({
          at: landing.observedAt.toISOString(),
          runId: landing.runId,
          synthetic: landing.synthetic,
          ...step.trigger,
        });
      }
    }
    return {
      kind: input.kind,
      from: (truncated && landings[0] ? landings[0].observedAt : from).toISOString(),
      to: to.toISOString(),
      landings: landings.length,
      decided,
      truncated,
      firings,
      firingNow: state.firing,
    };
  }
}
