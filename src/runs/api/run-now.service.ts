import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { budgetCaps, type AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { EngineRepository } from '../../engines/engine.repository';
import { ApiError } from '../../infra/http/api-error';
import { Clock } from '../../infra/clock/clock';
import { PromptService } from '../../prompts/prompt.service';
import { BudgetExceededError } from '../../usage/usage-budget';
import { type RunNowInput } from './dto/run.dto';
import { ManualRunRepository } from './manual-run.repository';
import { RunQueue } from '../execution/run-queue.service';

@Injectable()
export class RunNowService {
  constructor(
    private readonly prompts: PromptService,
    private readonly engines: EngineRepository,
    private readonly manualRuns: ManualRunRepository,
    private readonly queue: RunQueue,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Runs a prompt now. With an Idempotency-Key, a retried request returns the first request's runs. */
  async runNow(
    workspaceId: string,
    promptId: string,
    input: RunNowInput,
    idempotencyKey: string | undefined,
  ): Promise<{ runIds: string[]; replayed: boolean }> {
    if (idempotencyKey !== undefined && !/^[\x21-\x7e]{1,200}$/.test(idempotencyKey)) {
      throw ApiError.validation('Idempotency-Key must be 1 to 200 visible ASCII characters');
    }
    const samples = input.samples ?? 1;
    if (samples > this.config.MAX_SAMPLES_PER_SLOT) {
      throw ApiError.validation(`samples must be at most ${this.config.MAX_SAMPLES_PER_SLOT}`);
    }
    const prompt = await this.prompts.require(workspaceId, promptId);
    const wanted = input.engineIds ? [...new Set(input.engineIds)] : prompt.engineIds;
    const records = await Promise.all(wanted.map((id) => this.engines.find(workspaceId, id)));
    const missing = wanted.filter((_, i) => !records[i]);
    if (missing.length > 0) throw new ApiError(404, 'not_found', `Engine not found: ${missing.join(', ')}`);
    if (wanted.length === 0) throw ApiError.validation('The prompt has no engines');
    const disabled = records.filter((e) => e?.disabledReason);
    if (disabled.length > 0) {
      throw new ApiError(
        409,
        'engine_disabled',
        `Engine disabled (${disabled[0]!.disabledReason}); re-enable it (PATCH enabled: true) or update its credential`,
      );
    }
    const requestHash = createHash('sha256')
      .update(JSON.stringify({ promptId, engineIds: [...wanted].sort(), samples }))
      .digest('hex');
    const created = await this.manualRuns
      .createManualRuns({
        workspaceId,
        projectId: prompt.projectId,
        promptId,
        engines: records.flatMap((e) => (e ? [{ id: e.id, synthetic: e.provider === 'demo' }] : [])),
        samples,
        idempotencyKey: idempotencyKey ?? null,
        requestHash,
        now: this.clock.now(),
        caps: budgetCaps(this.config),
      })
      .catch((e: unknown) => {
        // Over a daily budget: refused outright (nothing created), so the client knows at once.
        if (e instanceof BudgetExceededError) {
          throw new ApiError(429, 'budget_exceeded', e.message, {
            reason: e.reason,
            resetAt: e.resetAt.toISOString(),
          });
        }
        throw e;
      });
    if (created.replayed && created.requestHash !== requestHash) {
      throw new ApiError(
        422,
        'idempotency_key_reused',
        'This Idempotency-Key was used with a different request',
      );
    }
    // Enqueue on replays too: harmless (deterministic job ids) and it heals a first request whose enqueue failed.
    await this.queue.enqueue(created.runIds);
    return { runIds: created.runIds, replayed: created.replayed };
  }
}
