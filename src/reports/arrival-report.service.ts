import { Injectable } from '@nestjs/common';
import { BrandRepository } from '../brands/brand.repository';
import { Clock } from '../infra/clock/clock';
import { ProjectService } from '../projects/project.service';
import { ARRIVAL_TIME_GRID_MS, ARRIVAL_TOKEN_GRID, arrivalCurves } from './arrival';
import { ReportDigestService } from './digest/report-digest.service';
import { type SectionDigest } from './digest/report-digest';
import { reportFilter, type ReportFilter, type ReportQuery } from './report-filter';
import { runsLink } from './runs-link';

/**
 * "Seen by t": per brand, the share of answers in which it had reached the reader by t ms after the first
 * token and within the first k tokens (docs/metrics.md "Arrival distribution"), from the report digest.
 */
@Injectable()
export class ArrivalReportService {
  constructor(
    private readonly digests: ReportDigestService,
    private readonly projects: ProjectService,
    private readonly brands: BrandRepository,
    private readonly clock: Clock,
  ) {}

  async arrival(workspaceId: string, q: ReportQuery) {
    const project = await this.projects.require(workspaceId, q.projectId);
    const f = reportFilter(q, this.clock.now());
    const [digest, brands] = await Promise.all([
      this.digests.digestFor(f),
      this.brands.listForProject(f.projectId),
    ]);
    const info = new Map(brands.map((b) => [b.id, b]));
    return {
      projectId: f.projectId,
      from: f.from.toISOString(),
      to: f.to.toISOString(),
      settings: {
        foldTokens: project.foldTokens,
        timeGridMs: [...ARRIVAL_TIME_GRID_MS],
        tokenGrid: [...ARRIVAL_TOKEN_GRID],
      },
      // Measured runs and synthetic (demo engine) runs are never mixed.
      measured: section(f, false, digest.measured, info),
      synthetic: section(f, true, digest.synthetic, info),
    };
  }
}

function section(
  f: ReportFilter,
  synthetic: boolean,
  s: SectionDigest,
  info: Map<string, { name: string; kind: 'own' | 'competitor' }>,
) {
  const shown = new Set(f.brandIds);
  return {
    synthetic,
    successfulRuns: s.runs,
    brands: [...s.brands]
      .filter(([id]) => shown.size === 0 || shown.has(id))
      .map(([brandId, b]) => ({
        brandId,
        name: info.get(brandId)?.name ?? null,
        kind: info.get(brandId)?.kind ?? null,
        ...arrivalCurves(b),
        runsQuery: runsLink(f, synthetic, { brandId }),
      }))
      .sort((x, y) => y.mentionedRuns - x.mentionedRuns || (x.brandId < y.brandId ? -1 : 1)),
  };
}
