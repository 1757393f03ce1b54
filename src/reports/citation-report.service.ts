import { Injectable } from '@nestjs/common';
import { BrandRepository } from '../brands/brand.repository';
import { Clock } from '../infra/clock/clock';
import { ProjectService } from '../projects/project.service';
import { ReportDigestService } from './digest/report-digest.service';
import { topDomains, type DomainRow } from './digest/digest-views';
import { NEAR_MENTION_CHARS, type BrandDigest, type SectionDigest } from './digest/report-digest';
import { rate, reportFilter, type ReportQuery } from './report-filter';
import { runsLink } from './runs-link';

type BrandInfo = { name: string; kind: 'own' | 'competitor' };

@Injectable()
export class CitationReportService {
  constructor(
    private readonly digests: ReportDigestService,
    private readonly projects: ProjectService,
    private readonly brands: BrandRepository,
    private readonly clock: Clock,
  ) {}

  async citations(workspaceId: string, q: ReportQuery) {
    await this.projects.require(workspaceId, q.projectId);
    const f = reportFilter(q, this.clock.now());
    // Citations are read from the report digest (docs/reports.md "Digests"); brand filters never change which
    // runs count, they only select the brand rows shown.
    const [digest, brands] = await Promise.all([
      this.digests.digestFor(f),
      this.brands.listForProject(f.projectId),
    ]);
    const names = new Map<string, BrandInfo>(brands.map((b) => [b.id, b]));
    const shown = new Set(f.brandIds);
    const section = (synthetic: boolean, s: SectionDigest) => {
      const successfulRuns = s.runs;
      return {
        synthetic,
        successfulRuns,
        domains: topDomains(s).map((d) =>
          domainView(d, successfulRuns, names, runsLink(f, synthetic, { citedDomain: d.domain })),
        ),
        brands: [...s.brands]
          .filter(([id]) => shown.size === 0 || shown.has(id))
          .map(([id, b]) => citationBrandView(id, b, names.get(id)))
          .sort((a, b) => (b.ownDomainCitationRate.rate ?? 0) - (a.ownDomainCitationRate.rate ?? 0)),
      };
    };
    return {
      projectId: f.projectId,
      from: f.from.toISOString(),
      to: f.to.toISOString(),
      settings: { nearMentionChars: NEAR_MENTION_CHARS },
      // Measured runs and synthetic (demo engine) runs are never mixed.
      measured: section(false, digest.measured),
      synthetic: section(true, digest.synthetic),
    };
  }
}

export function domainView(
  d: DomainRow,
  successfulRuns: number,
  names: Map<string, BrandInfo>,
  runsQuery: ReturnType<typeof runsLink>,
) {
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
    runsQuery,
  };
}

export function citationBrandView(brandId: string, r: BrandDigest, brand: BrandInfo | undefined) {
  return {
    brandId,
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
