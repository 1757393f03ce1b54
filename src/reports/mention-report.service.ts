import { Injectable } from '@nestjs/common';
import { BrandRepository } from '../brands/brand.repository';
import { Clock } from '../infra/clock/clock';
import { ProjectService } from '../projects/project.service';
import { wilsonInterval } from '../scoring/statistics';
import { ms, rate, reportFilter, round, type ReportQuery } from './report-filter';

import { ReportDigestService } from './digest/report-digest.service';
import { brandPercentiles, pairRows, type BrandPercentiles, type PairRow } from './digest/report-digest';
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
        .map((p) => pairView(p, names)),
      synthetic: pairRows(digest.synthetic)
        .filter(keep)
        .map((p) => pairView(p, names)),
    };
  }

  async trend(workspaceId: string, q: ReportQuery, bucket: 'day' | 'week') {
    await this.projects.require(workspaceId, q.projectId);
    const f = reportFilter(q, this.clock.now());
    const rows = await this.reports.trend(f, bucket);
    const view = (synthetic: boolean) =>
      rows
        .filter((r) => r.synthetic === synthetic)
        .map((r) => ({
          bucket: r.bucket.toISOString(),
          brandId: r.brandId,
          n: r.n,
          mentionCount: r.mentionCount,
          mentionRate: rate(r.mentioned, r.n),
          meanStreamScore: round(r.n === 0 ? null : r.streamScoreSum / r.n, 4),
        }));
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
    const [allRows, prevRows, digest, failed, brands] = await Promise.all([
      this.reports.brandTotals({ ...f, brandIds: [] }),
      this.reports.brandTotals({ ...f, ...previous, brandIds: [] }),
      this.digests.digestFor(f),
      this.reports.failedRuns(f),
      this.brands.listForProject(projectId),
    ]);
    // Percentiles come from the report digest's histograms (docs/reports.md "Digests").
    const percentiles = new Map<string, BrandPercentiles>();
    for (const p of brandPercentiles(digest.measured)) percentiles.set(`${p.brandId}:false`, p);
    for (const p of brandPercentiles(digest.synthetic)) percentiles.set(`${p.brandId}:true`, p);
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
          .map((r) => ({
            ...brandView(r, percentiles.get(`${r.brandId}:${r.synthetic}`), names.get(r.brandId), totals),
            ...periodChange(headline(r, totals), prevByBrand.get(r.brandId), prevTotals),
          }))
          .sort((a, b) => (b.mentionRate.rate ?? 0) - (a.mentionRate.rate ?? 0)),
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

type Totals = { mentions: number; attention: number; geoWeighted: number };

function totalsOf(rows: BrandTotalsRow[]): Totals {
  return {
    mentions: rows.reduce((acc, r) => acc + r.mentionCount, 0),
    attention: rows.reduce((acc, r) => acc + r.attentionSum, 0),
    geoWeighted: rows.reduce((acc, r) => acc + r.geoWeightedSum, 0),
  };
}

interface Headline {
  n: number;
  mentionRate: number | null;
  meanStreamScore: number | null;
  shareOfVoice: number | null;
}

function headline(r: BrandTotalsRow, totals: Totals): Headline {
  return {
    n: r.n,
    mentionRate: r.n === 0 ? null : r.mentioned / r.n,
    meanStreamScore: r.n === 0 ? null : r.streamScoreSum / r.n,
    shareOfVoice: totals.mentions === 0 ? null : r.mentionCount / totals.mentions,
  };
}

/**
 * Period-over-period for the headline figures: the previous period's values and the change (this minus
 * previous; the mention rate and share of voice in percentage points). Null where either side has no data.
 */
function periodChange(current: Headline, prev: BrandTotalsRow | undefined, prevTotals: Totals) {
  const p = prev ? headline(prev, prevTotals) : null;
  const diff = (a: number | null, b: number | null | undefined, scale: number, digits: number) =>
    a === null || b === null || b === undefined ? null : round((a - b) * scale, digits);
  return {
    previous: p
      ? {
          n: p.n,
          mentionRate: round(p.mentionRate, 6),
          meanStreamScore: round(p.meanStreamScore, 4),
          shareOfVoice: round(p.shareOfVoice, 6),
        }
      : null,
    change: {
      mentionRatePoints: diff(current.mentionRate, p?.mentionRate, 100, 4),
      meanStreamScore: diff(current.meanStreamScore, p?.meanStreamScore, 1, 4),
      shareOfVoicePoints: diff(current.shareOfVoice, p?.shareOfVoice, 100, 4),
    },
  };
}

function pairView(p: PairRow, names: Map<string, string>) {
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
  };
}

function brandView(
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
