import { Injectable } from '@nestjs/common';
import { Clock } from '../infra/clock/clock';
import { CitationReportService, citationBrandView, domainView } from './citation-report.service';
import { pairRows, topDomains } from './digest/digest-views';
import { type SectionDigest } from './digest/report-digest';
import {
  GroupDigestsService,
  withBrands,
  type DigestGroup,
  type GroupContext,
} from './group-digests.service';
import { MentionReportRepository } from './mention-report.repository';
import { brandView, MentionReportService, pairView, totalsOf } from './mention-report.service';
import { percentilesBySection } from './period-change';
import { reportFilter, type ReportFilter, type ReportQuery } from './report-filter';
import { groupFilter, groupKeyString, type GroupDimension, type GroupKey } from './report-groups';
import { runsLink } from './runs-link';

export interface GroupedReportQuery extends ReportQuery {
  groupBy?: GroupDimension[];
}

const SECTIONS = [false, true] as const;
const sectionOf = (d: { measured: SectionDigest; synthetic: SectionDigest }, synthetic: boolean) =>
  synthetic ? d.synthetic : d.measured;
/** The brands a group's digest holds, in either section. */
const digestBrands = (g: DigestGroup) => SECTIONS.flatMap((s) => [...sectionOf(g.digest, s).brands.keys()]);

/**
 * Breakdowns (`groupBy`) of the mentions, head-to-head and citations reports: the report as without groupBy,
 * plus `groupBy` and `groups` (per section, one entry per group holding the report's rows over the group's runs,
 * computed by the same views, and the runsQuery listing them). Docs: docs/reports.md "Breakdowns".
 */
@Injectable()
export class GroupedReportsService {
  constructor(
    private readonly mentionReport: MentionReportService,
    private readonly citationReport: CitationReportService,
    private readonly totals: MentionReportRepository,
    private readonly groupDigests: GroupDigestsService,
    private readonly clock: Clock,
  ) {}

  /** The filter the report itself used (same range, even when `to` defaulted to now). */
  private filterOf(q: ReportQuery, report: { from: string; to: string }): ReportFilter {
    return reportFilter({ ...q, from: report.from, to: report.to }, this.clock.now());
  }

  private async prepare(workspaceId: string, f: ReportFilter, dims: GroupDimension[]) {
    const ctx = await this.groupDigests.context(workspaceId, f);
    const groups = await this.groupDigests.groups(f, dims, ctx);
    await this.groupDigests.nameEngines(
      workspaceId,
      ctx,
      groups.map((g) => g.key),
    );
    return { ctx, groups };
  }

  private head(g: DigestGroup, ctx: GroupContext, f: ReportFilter, synthetic: boolean) {
    const gf = groupFilter(f, g.key);
    const brand = g.key.brandId === undefined ? {} : { brandId: g.key.brandId };
    return {
      key: this.groupDigests.label(g.key, ctx),
      n: sectionOf(g.digest, synthetic).runs,
      gf,
      runsQuery: runsLink(gf, synthetic, brand),
    };
  }

  async mentions(workspaceId: string, q: GroupedReportQuery) {
    const report = await this.mentionReport.mentions(workspaceId, q);
    if (!q.groupBy) return report;
    const dims = q.groupBy;
    const f = this.filterOf(q, report);
    const [{ ctx, groups }, rows] = await Promise.all([
      this.prepare(workspaceId, f, dims),
      this.totals.brandTotalsByGroup({ ...f, brandIds: [] }, dims),
    ]);
    const rowsByGroup = new Map<string, typeof rows>();
    for (const r of rows) {
      const k = groupKeyString({
        engineId: r.engine,
        promptId: r.prompt,
        tag: r.tag,
        day: r.day?.toISOString(),
        week: r.week?.toISOString(),
      });
      rowsByGroup.set(k, [...(rowsByGroup.get(k) ?? []), r]);
    }
    const rowsOf = (key: GroupKey) => rowsByGroup.get(groupKeyString({ ...key, brandId: undefined })) ?? [];
    const expanded = withBrands(groups, dims, f, (g) => rowsOf(g.key).map((r) => r.brandId));
    const section = (synthetic: boolean) =>
      expanded.flatMap((g) => {
        const own = rowsOf(g.key).filter((r) => r.synthetic === synthetic);
        const head = this.head(g, ctx, f, synthetic);
        if (head.n === 0 || own.length === 0) return [];
        const totals = totalsOf(own);
        const percentiles = percentilesBySection(g.digest);
        const shown = new Set(g.key.brandId === undefined ? f.brandIds : [g.key.brandId]);
        return [
          {
            key: head.key,
            n: head.n,
            brands: own
              .filter((r) => shown.size === 0 || shown.has(r.brandId))
              .map((r) => ({
                ...brandView(
                  r,
                  percentiles.get(`${r.brandId}:${synthetic}`),
                  ctx.brands.get(r.brandId),
                  totals,
                ),
                runsQuery: runsLink(head.gf, synthetic, { brandId: r.brandId }),
              }))
              .sort(
                (a, b) =>
                  (b.mentionRate.rate ?? 0) - (a.mentionRate.rate ?? 0) || a.brandId.localeCompare(b.brandId),
              ),
            runsQuery: head.runsQuery,
          },
        ];
      });
    return { ...report, groupBy: dims, groups: { measured: section(false), synthetic: section(true) } };
  }

  async headToHead(workspaceId: string, q: GroupedReportQuery) {
    const report = await this.mentionReport.headToHead(workspaceId, q);
    if (!q.groupBy) return report;
    const dims = q.groupBy;
    const f = this.filterOf(q, report);
    const { ctx, groups } = await this.prepare(workspaceId, f, dims);
    const names = new Map([...ctx.brands].map(([id, b]) => [id, b.name]));
    const shown = new Set(f.brandIds);
    const expanded = withBrands(groups, dims, f, digestBrands);
    const section = (synthetic: boolean) =>
      expanded.flatMap((g) => {
        const head = this.head(g, ctx, f, synthetic);
        if (head.n === 0) return [];
        const pairs = pairRows(sectionOf(g.digest, synthetic))
          .filter((p) => shown.size === 0 || (shown.has(p.brandA) && shown.has(p.brandB)))
          .filter((p) => g.key.brandId === undefined || p.brandA === g.key.brandId)
          .map((p) => pairView(p, names, head.gf, synthetic));
        return [{ key: head.key, n: head.n, pairs, runsQuery: head.runsQuery }];
      });
    return { ...report, groupBy: dims, groups: { measured: section(false), synthetic: section(true) } };
  }

  async citations(workspaceId: string, q: GroupedReportQuery) {
    const report = await this.citationReport.citations(workspaceId, q);
    if (!q.groupBy) return report;
    const dims = q.groupBy;
    const f = this.filterOf(q, report);
    const { ctx, groups } = await this.prepare(workspaceId, f, dims);
    const shown = new Set(f.brandIds);
    const expanded = withBrands(groups, dims, f, digestBrands);
    const section = (synthetic: boolean) =>
      expanded.flatMap((g) => {
        const head = this.head(g, ctx, f, synthetic);
        if (head.n === 0) return [];
        const s = sectionOf(g.digest, synthetic);
        const brandId = g.key.brandId;
        const domains =
          brandId === undefined
            ? s
            : { ...s, domains: new Map([...s.domains].filter(([, d]) => d.brandId === brandId)) };
        return [
          {
            key: head.key,
            n: head.n,
            // A brand group shows the domains of that brand (the sources it owns) and its own figures.
            domains: topDomains(domains).map((d) =>
              domainView(d, head.n, ctx.brands, runsLink(head.gf, synthetic, { citedDomain: d.domain })),
            ),
            brands: [...s.brands]
              .filter(([id]) => (brandId === undefined ? shown.size === 0 || shown.has(id) : id === brandId))
              .map(([id, b]) => citationBrandView(id, b, ctx.brands.get(id)))
              .sort((a, b) => (b.ownDomainCitationRate.rate ?? 0) - (a.ownDomainCitationRate.rate ?? 0)),
            runsQuery: head.runsQuery,
          },
        ];
      });
    return { ...report, groupBy: dims, groups: { measured: section(false), synthetic: section(true) } };
  }
}
