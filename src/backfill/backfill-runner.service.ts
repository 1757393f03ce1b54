import { Injectable, Logger } from '@nestjs/common';
import { BrandRepository } from '../brands/brand.repository';
import { CompiledWatchlist } from '../detection/compiled-watchlist';
import { Clock } from '../infra/clock/clock';
import { ProjectService } from '../projects/project.service';
import { analyzeAnswer, citationOwners, replayMentions } from '../capture/analysis/run-analysis';
import { BackfillRepository, type RecomputedRun } from './backfill.repository';

const BATCH_SIZE = 200;

/**
 * Recomputes mentions and scores of every succeeded run of a project from its stored text and timeline, with
 * the project's current brands and the scoring settings (fold, half-life) each run recorded when it was created:
 * a brand change reaches history, while a run keeps being scored as it was measured (its provenance). Runs
 * without recorded settings take the project's current ones. Idempotent (each batch replaces its runs' rows in one transaction), resumable
 * (a retried job starts over and converges to the same rows) and stops early when a newer backfill exists.
 */
@Injectable()
export class BackfillRunner {
  private readonly logger = new Logger(BackfillRunner.name);

  constructor(
    private readonly backfills: BackfillRepository,
    private readonly brands: BrandRepository,
    private readonly projects: ProjectService,
    private readonly clock: Clock,
  ) {}

  async run(backfillId: string): Promise<'succeeded' | 'superseded' | 'gone'> {
    const existing = await this.backfills.findById(backfillId);
    if (!existing) return 'gone';
    const backfill = await this.backfills.start(backfillId, existing.projectId, this.clock.now());
    if (!backfill) return 'gone';
    const project = await this.projects.require(backfill.workspaceId, backfill.projectId).catch(() => null);
    if (!project) {
      await this.backfills.finish(backfillId, 'failed', this.clock.now(), 'project deleted');
      return 'gone';
    }
    const brands = await this.brands.listForProject(project.id);
    const watchlist = new CompiledWatchlist(brands);
    const kinds = brands.map((b) => ({ id: b.id, kind: b.kind }));
    let after: string | null = null;
    let processed = 0;
    for (;;) {
      if (await this.backfills.isSuperseded(backfill)) {
        await this.backfills.finish(backfillId, 'superseded', this.clock.now());
        return 'superseded';
      }
      const runs = await this.backfills.nextRuns(project.id, after, BATCH_SIZE);
      if (runs.length === 0) break;
      const recomputed: RecomputedRun[] = runs.map((run) => {
        const analysis = analyzeAnswer(run, replayMentions(run, watchlist), kinds, run.settings ?? project);
        return {
          runId: run.runId,
          mentions: analysis.mentions,
          scores: analysis.scores,
          citationBrandIds: citationOwners(run.citationDomains, brands),
        };
      });
      processed += runs.length;
      await this.backfills.replaceRunScores(project.id, recomputed, backfillId, processed);
      after = runs[runs.length - 1]!.runId;
    }
    await this.backfills.finish(backfillId, 'succeeded', this.clock.now());
    this.logger.log({ backfillId, processed }, 'backfill done');
    return 'succeeded';
  }
}
