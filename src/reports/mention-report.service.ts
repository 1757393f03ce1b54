import { Injectable } from '@nestjs/common';
import { BrandRepository } from '../brands/brand.repository';
import { Clock } from '../infra/clock/clock';
import { ProjectService } from '../projects/project.service';
import { wilsonInterval } from '../scoring/statistics';
import { ms, rate, reportFilter, round, type ReportFilter, type ReportQuery } from './report-filter';
import { headline, percentilesBySection, periodChange } from './period-change';
import { runsLink } from './runs-link';

import { ReportDigestService } from './digest/report-digest.service';
import { pairRows, type BrandPercentiles, type PairRow } from './digest/digest-views';
import { MentionReportRepository, type BrandTotalsRow } from './mention-report.repository';

export { type ReportQuery } from './report-filter';

@Injectable()
export class MentionReportService {
  constructor(
    private readonly reports: MentionReportRepository,
    private readonly digests: ReportDigestService,
    private readonly projects: ProjectService,
    private readonly brands: BrandRepository,
    private readonly clock: Clock,
  ) {}

  async headToHead(workspaceId: string, q: ReportQuery) {
    await this.projects.require(workspaceId, q.projectId);
    const f = reportFilter(q, this.clock.now());
    const { projectId, from, to } = f;
    // Pairs come from the report digest (docs/reports.md "Digests"): counts exact, median leads from
    // log-bucketed histograms. A brand filter keeps the pairs whose two brands are both selected.
    const [digest, brands] = await Promise.all([
      this.digests.digestFor(f),
      this.brands.listForProject(projectId),
    ]);
    const names = new Map(brands.map((b) => [b.id, b.name]));
    const shown = new Set(f.brandIds);
    const keep = (p: PairRow) => shown.size === 0 || (shown.has(p.brandA) && shown.has(p.brandB));
    return {
      projectId,
      from: from.toISOString(),
      to: to.toISOString(),
      measured: pairRows(digest.measured)
        .filter(keep)
        .map((p) => pairView(p, names, f, false)),
      synthetic: pairRows(digest.synthetic)
        .filter(keep)
        .map((p) => pairView(p, names, f, true)),
    };
  }

  async trend(workspaceId: string, q: ReportQuery, bucket: 'day' | 'week') {
    await this.projects.require(workspaceId, q.projectId);
    const f = reportFilter(q, this.clock.now());
    // Shares of voice are over all tracked brands of the bucket; the brand filter only selects rows.
    const [all, brands] = await Promise.all([
      this.reports.trend({ ...f, brandIds: [] }, bucket),
      this.brands.listForProject(f.projectId),
    ]);
    const info = new Map(brands.map((b) => [b.id, b]));
    const shown = new Set(f.brandIds);
    const bucketMentions = new Map<string, number>();
    for (const r of all) {
      const key = `${r.bucket.getTime()}:${r.synthetic}`;
      bucketMentions.set(key, (bucketMentions.get(key) ?? 0) + r.mentionCount);
    }
    const view = (synthetic: boolean) =>
      all
        .filter((r) => r.synthetic === synthetic && (shown.size === 0 || shown.has(r.brandId)))
        .map((r) => {
          const total = bucketMentions.get(`${r.bucket.getTime()}:${r.synthetic}`) ?? 0;
          return {
            bucket: r.bucket.toISOString(),
            brandId: r.brandId,
            name: info.get(r.brandId)?.name ?? null,
            kind: info.get(r.brandId)?.kind ?? null,
            n: r.n,
            mentionCount: r.mentionCount,
            mentionRate: rate(r.mentioned, r.n),
            aboveFoldRate: rate(r.aboveFold, r.n),
            meanStreamScore: round(r.n === 0 ? null : r.streamScoreSum / r.n, 4),
            shareOfVoice: total === 0 ? null : round(r.mentionCount / total, 6),
            runsQuery: runsLink(f, synthetic, { brandId: r.brandId }, bucketRange(r.bucket, bucket, f)),
          };
        });
    return {
      projectId: f.projectId,
      bucket,
      from: f.from.toISOString(),
      to: f.to.toISOString(),
      measured: view(false),
      synthetic: view(true),
    };
  }

  async mentions(workspaceId: string, q: ReportQuery) {
    const project = await this.projects.require(workspaceId, q.projectId);
    const f = reportFilter(q, this.clock.now());
    const { projectId, from, to } = f;
    // Shares are over all tracked brands; the brand filter only selects which rows are shown.
    // The previous period has the same length and ends where this one starts: headline figures carry their change.
    const previous = { from: new Date(2 * from.getTime() - to.getTime()), to: from };
    const [allRows, prevRows, digest, prevDigest, failed, brands] = await Promise.all([
      this.reports.brandTotals({ ...f, brandIds: [] }),
      this.reports.brandTotals({ ...f, ...previous, brandIds: [] }),
      this.digests.digestFor(f),
      this.digests.digestFor({ ...f, ...previous }),
      this.reports.failedRuns(f),
      this.brands.listForProject(projectId),
    ]);
    // Percentiles come from the report digest's histograms (docs/reports.md "Digests").
    const percentiles = percentilesBySection(digest);
    const prevPercentiles = percentilesBySection(prevDigest);
    const shown = new Set(f.brandIds);
    const rows = allRows;
    const names = new Map(brands.map((b) => [b.id, b]));
    const section = (synthetic: boolean) => {
      const own = rows.filter((r) => r.synthetic === synthetic);
      const totals = totalsOf(own);
      const prevOwn = prevRows.filter((r) => r.synthetic === synthetic);
      const prevTotals = totalsOf(prevOwn);
      const prevByBrand = new Map(prevOwn.map((r) => [r.brandId, r]));
      return {
        synthetic,
        successfulRuns: Math.max(0, ...own.map((r) => r.n)),
        failedRuns: failed.find((f) => f.synthetic === synthetic)?.failed ?? 0,
        brands: own
          .filter((r) => shown.size === 0 || shown.has(r.brandId))
          .map((r) => {
            const key = `${r.brandId}:${r.synthetic}`;
            const prev = prevByBrand.get(r.brandId);
            return {
              ...brandView(r, percentiles.get(key), names.get(r.brandId), totals),
              ...periodChange(
                headline(r, totals, percentiles.get(key)),
                prev ? headline(prev, prevTotals, prevPercentiles.get(key)) : null,
              ),
              runsQuery: runsLink(f, synthetic, { brandId: r.brandId }),
            };
          })
          .sort(
            (a, b) =>
              (b.mentionRate.rate ?? 0) - (a.mentionRate.rate ?? 0) || a.brandId.localeCompare(b.brandId),
          ),
      };
    };
    return {
      projectId,
      from: from.toISOString(),
      to: to.toISOString(),
      settings: { foldTokens: project.foldTokens, halfLifeMs: project.halfLifeMs },
      previousPeriod: { from: previous.from.toISOString(), to: previous.to.toISOString() },
      // Measured runs and synthetic (demo engine) runs are never mixed.
      measured: section(false),
      synthetic: section(true),
    };
  }
}

import { type Totals } from './period-change';

export function totalsOf(rows: BrandTotalsRow[]): Totals {
  return {
    mentions: rows.reduce((acc, r) => acc + r.mentionCount, 0),
    attention: rows.reduce((acc, r) => acc + r.attentionSum, 0),
    geoWeighted: rows.reduce((acc, r) => acc + r.geoWeightedSum, 0),
  };
}

/** A trend bucket's time range, clipped to the report's range. */
function bucketRange(start: Date, bucket: 'day' | 'week', f: ReportFilter) {
  const end = start.getTime() + (bucket === 'day' ? 1 : 7) * 24 * 3600_000;
  return {
    from: new Date(Math.max(start.getTime(), f.from.getTime())),
    to: new Date(Math.min(end, f.to.getTime())),
  };
}

export function pairView(p: PairRow, names: Map<string, string>, f: ReportFilter, synthetic: boolean) {
  return {
    brandA: { id: p.brandA, name: names.get(p.brandA) ?? null },
    brandB: { id: p.brandB, name: names.get(p.brandB) ?? null },
    runs: p.runs,
    bothMentioned: p.both,
    onlyA: p.onlyA,
    onlyB: p.onlyB,
    // How often A reaches the reader before B when both appear (n = runs with both).
    aFirstRate: rate(p.aFirst, p.both),
    medianLeadMs: ms(p.medianLeadUs),
    medianLeadTokens: p.medianLeadTokens,
    runsQuery: runsLink(f, synthetic, {
      brandId: p.brandA,
      mentioned: true,
      alsoMentionedBrandId: p.brandB,
    }),
  };
}

export function brandView(
  r: BrandTotalsRow,
  p: BrandPercentiles | undefined,
  brand: { name: string; kind: 'own' | 'competitor' } | undefined,
  totals: Totals,
) {
  const interval = wilsonInterval(r.mentioned, r.n);
  const mentionedRuns = r.bandTop + r.bandMiddle + r.bandBottom;
  const meanOrder = r.mentioned === 0 ? null : r.orderSum / r.mentioned;
  return {
    brandId: r.brandId,
    name: brand?.name ?? null,
    kind: brand?.kind ?? null,
    n: r.n,
    mentionedRuns: r.mentioned,
    mentionCount: r.mentionCount,
    mentionRate: {
      rate: round(interval?.rate ?? null, 6),
      low: round(interval?.low ?? null, 6),
      high: round(interval?.high ?? null, 6),
    },
    timeToFirstMentionMs: { p50: ms(p?.ttfmP50Us ?? null), p90: ms(p?.ttfmP90Us ?? null) },
    firstVisibleAtMs: { p50: ms(p?.visibleP50Us ?? null), p90: ms(p?.visibleP90Us ?? null) },
    firstTokenIndex: { p50: p?.tokenIndexP50 ?? null, p90: p?.tokenIndexP90 ?? null },
    meanOrder: round(meanOrder, 4),
    aboveFoldRate: rate(r.aboveFold, r.n),
    meanStreamScore: round(r.n === 0 ? null : r.streamScoreSum / r.n, 4),
    shareOfVoice: totals.mentions === 0 ? null : round(r.mentionCount / totals.mentions, 6),
    attentionShareOfVoice: totals.attention === 0 ? null : round(r.attentionSum / totals.attention, 6),
    compatibility: {
      averagePosition: round(meanOrder, 4),
      positionBands:
        mentionedRuns === 0
          ? null
          : {
              top: round(r.bandTop / mentionedRuns, 6),
              middle: round(r.bandMiddle / mentionedRuns, 6),
              bottom: round(r.bandBottom / mentionedRuns, 6),
            },
      meanTrakkrPoints: round(r.n === 0 ? null : r.trakkrSum / r.n, 4),
      // GEO position-adjusted word count over the runs scored with it (n = geo.n; older rows have none).
      geo: {
        n: r.geoN,
        meanWeightedWords: round(r.geoN === 0 ? null : r.geoWeightedSum / r.geoN, 4),
        meanShareOfAnswer: round(r.geoN === 0 ? null : r.geoShareSum / r.geoN, 6),
        shareOfBrands: totals.geoWeighted === 0 ? null : round(r.geoWeightedSum / totals.geoWeighted, 6),
      },
    },
  };
}
