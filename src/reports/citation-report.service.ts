import { Injectable } from '@nestjs/common';
import { BrandRepository } from '../brands/brand.repository';
import { Clock } from '../infra/clock/clock';
import { ProjectService } from '../projects/project.service';
import {
  CitationReportRepository,
  NEAR_MENTION_CHARS,
  type BrandCitationRow,
  type DomainRow,
} from './citation-report.repository';
import { rate, reportFilter, type ReportQuery } from './report-filter';

type BrandInfo = { name: string; kind: 'own' | 'competitor' };

@Injectable()
export class CitationReportService {
  constructor(
    private readonly reports: CitationReportRepository,
    private readonly projects: ProjectService,
    private readonly brands: BrandRepository,
    private readonly clock: Clock,
  ) {}

  async citations(workspaceId: string, q: ReportQuery) {
    await this.projects.require(workspaceId, q.projectId);
    const f = reportFilter(q, this.clock.now());
    const [runCounts, domains, brandRows, brands] = await Promise.all([
      this.reports.runCounts(f),
      this.reports.domains(f),
      this.reports.brands(f),
      this.brands.listForProject(f.projectId),
    ]);
    const names = new Map<string, BrandInfo>(brands.map((b) => [b.id, b]));
    const section = (synthetic: boolean) => {
      const successfulRuns = runCounts.find((r) => r.synthetic === synthetic)?.runs ?? 0;
      return {
        synthetic,
        successfulRuns,
        domains: domains
          .filter((d) => d.synthetic === synthetic)
          .map((d) => domainView(d, successfulRuns, names)),
        brands: brandRows
          .filter((r) => r.synthetic === synthetic)
          .map((r) => brandView(r, names.get(r.brandId)))
          .sort((a, b) => (b.ownDomainCitationRate.rate ?? 0) - (a.ownDomainCitationRate.rate ?? 0)),
      };
    };
    return {
      projectId: f.projectId,
      from: f.from.toISOString(),
      to: f.to.toISOString(),
      settings: { nearMentionChars: NEAR_MENTION_CHARS },
      // Measured runs and synthetic (demo engine) runs are never mixed.
      measured: section(false),
      synthetic: section(true),
    };
  }
}

function domainView(d: DomainRow, successfulRuns: number, names: Map<string, BrandInfo>) {
  // Only a brand still tracked in the project is named.
  const brand = d.brandId === null ? undefined : names.get(d.brandId);
  return {
    domain: d.domain,
    brandId: brand ? d.brandId : null,
    brandName: brand?.name ?? null,
    citingRuns: d.citingRuns,
    citationCount: d.citations,
    // Share of the section's successful runs citing the domain (n = successful runs).
    citingRate: rate(d.citingRuns, successfulRuns),
  };
}

function brandView(r: BrandCitationRow, brand: BrandInfo | undefined) {
  return {
    brandId: r.brandId,
    name: brand?.name ?? null,
    kind: brand?.kind ?? null,
    n: r.n,
    ownDomainCitedRuns: r.ownCited,
    ownDomainCitationRate: rate(r.ownCited, r.n),
    mentionedRuns: r.mentioned,
    citedNearMentionRuns: r.citedNearMention,
    // n = runs mentioning the brand.
    citedNearMentionRate: rate(r.citedNearMention, r.mentioned),
  };
}
