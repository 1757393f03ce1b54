import { Injectable } from '@nestjs/common';
import { BrandRepository } from '../brands/brand.repository';
import { Clock } from '../infra/clock/clock';
import { ProjectService } from '../projects/project.service';
import {
  GapReportRepository,
  type GapCellRow,
  type GapCompetitorRow,
  type GapDomainRow,
} from './gap-report.repository';
import { rate, reportFilter, type ReportFilter, type ReportQuery } from './report-filter';
import { ReportLabelsRepository } from './report-labels.repository';
import { runsLink } from './runs-link';

/** At most this many cited domains per own brand and section. */
export const GAP_DOMAINS = 100;

type Named = { name: string; kind: 'own' | 'competitor' };

/**
 * Gaps (docs/reports.md "Gaps"): per own brand, the prompt × engine cells whose answers name a competitor but not
 * the own brand, ranked by how many runs did, with the competitors named and the domains those answers cite.
 */
@Injectable()
export class GapReportService {
  constructor(
    private readonly gaps: GapReportRepository,
    private readonly labels: ReportLabelsRepository,
    private readonly projects: ProjectService,
    private readonly brands: BrandRepository,
    private readonly clock: Clock,
  ) {}

  async gapReport(workspaceId: string, q: ReportQuery) {
    await this.projects.require(workspaceId, q.projectId);
    const f = reportFilter(q, this.clock.now());
    const [cells, competitors, domains, brands, prompts] = await Promise.all([
      this.gaps.cells(f),
      this.gaps.competitors(f),
      this.gaps.domains(f, GAP_DOMAINS),
      this.brands.listForProject(f.projectId),
      this.labels.prompts(f.projectId),
    ]);
    const engines = await this.labels.engineNames(workspaceId, [...new Set(cells.map((c) => c.engineId))]);
    const names = new Map<string, Named>(brands.map((b) => [b.id, b]));
    const byCell = new Map<string, GapCompetitorRow[]>();
    for (const r of competitors) byCell.set(cellKey(r), [...(byCell.get(cellKey(r)) ?? []), r]);
    const section = (synthetic: boolean) => ({
      synthetic,
      gaps: cells
        .filter((c) => c.synthetic === synthetic)
        .sort(byGapRuns)
        .map((c) => ({
          ownBrand: { id: c.ownBrandId, name: names.get(c.ownBrandId)?.name ?? null },
          promptId: c.promptId,
          promptText: prompts.get(c.promptId)?.text ?? null,
          engineId: c.engineId,
          engineName: engines.get(c.engineId) ?? null,
          n: c.n,
          gapRuns: c.gapRuns,
          // Share of the cell's runs (n) naming a competitor and not the own brand.
          gapRate: rate(c.gapRuns, c.n),
          competitors: competitorsOf(byCell.get(cellKey(c)) ?? [], c, names, f),
          runsQuery: runsLink(cellFilter(f, c), synthetic, { brandId: c.ownBrandId, mentioned: false }),
        })),
      domains: domains.filter((d) => d.synthetic === synthetic).map((d) => domainView(d, names, f)),
    });
    return {
      projectId: f.projectId,
      from: f.from.toISOString(),
      to: f.to.toISOString(),
      measured: section(false),
      synthetic: section(true),
    };
  }

  /** The domains part of the gaps report alone. */
  async domainsReport(workspaceId: string, q: ReportQuery) {
    await this.projects.require(workspaceId, q.projectId);
    const f = reportFilter(q, this.clock.now());
    const [domains, brands] = await Promise.all([
      this.gaps.domains(f, GAP_DOMAINS),
      this.brands.listForProject(f.projectId),
    ]);
    const names = new Map<string, Named>(brands.map((b) => [b.id, b]));
    const section = (synthetic: boolean) => ({
      synthetic,
      domains: domains.filter((d) => d.synthetic === synthetic).map((d) => domainView(d, names, f)),
    });
    return {
      projectId: f.projectId,
      from: f.from.toISOString(),
      to: f.to.toISOString(),
      measured: section(false),
      synthetic: section(true),
    };
  }
}

const cellFilter = (f: ReportFilter, c: { promptId: string; engineId: string }): ReportFilter => ({
  ...f,
  promptIds: [c.promptId],
  engineIds: [c.engineId],
});

const cellKey = (c: Omit<GapCellRow, 'n' | 'gapRuns'>) =>
  `${c.synthetic}|${c.ownBrandId}|${c.promptId}|${c.engineId}`;

function byGapRuns(a: GapCellRow, b: GapCellRow): number {
  return (
    b.gapRuns - a.gapRuns ||
    b.gapRuns / b.n - a.gapRuns / a.n ||
    a.ownBrandId.localeCompare(b.ownBrandId) ||
    a.promptId.localeCompare(b.promptId) ||
    a.engineId.localeCompare(b.engineId)
  );
}

function competitorsOf(rows: GapCompetitorRow[], c: GapCellRow, names: Map<string, Named>, f: ReportFilter) {
  return [...rows]
    .sort((a, b) => b.runs - a.runs || a.competitorId.localeCompare(b.competitorId))
    .map((r) => ({
      brandId: r.competitorId,
      name: names.get(r.competitorId)?.name ?? null,
      runs: r.runs,
      // Exactly the runs counted: the competitor named, the own brand not.
      runsQuery: runsLink(cellFilter(f, c), c.synthetic, {
        brandId: c.ownBrandId,
        mentioned: false,
        alsoMentionedBrandId: r.competitorId,
      }),
    }));
}

function domainView(d: GapDomainRow, names: Map<string, Named>, f: ReportFilter) {
  const brand = d.brandId === null ? undefined : names.get(d.brandId);
  return {
    ownBrand: { id: d.ownBrandId, name: names.get(d.ownBrandId)?.name ?? null },
    domain: d.domain,
    brandId: brand ? d.brandId : null,
    brandName: brand?.name ?? null,
    citingRuns: d.citingRuns,
    citationCount: d.citations,
    runsQuery: runsLink(f, d.synthetic, { brandId: d.ownBrandId, mentioned: false, citedDomain: d.domain }),
  };
}
