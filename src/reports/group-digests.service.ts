import { Injectable } from '@nestjs/common';
import { BrandRepository } from '../brands/brand.repository';
import { digestRunCount, type ReportDigest } from './digest/report-digest';
import { ReportDigestService } from './digest/report-digest.service';
import { hasRunFilters, type ReportFilter } from './report-filter';
import {
  bucketStart,
  compareKeys,
  groupFilter,
  groupKeyString,
  runDimensions,
  runGroupKeys,
  type GroupDimension,
  type GroupKey,
} from './report-groups';
import { ReportLabelsRepository, type PromptLabel } from './report-labels.repository';

export interface DigestGroup {
  key: GroupKey;
  digest: ReportDigest;
}

/** A group key with the names of what it refers to, as reports show it. */
export type GroupLabel = GroupKey & {
  engineName?: string | null;
  promptText?: string | null;
  brandName?: string | null;
};

export interface GroupContext {
  prompts: Map<string, PromptLabel>;
  engines: Map<string, string>;
  brands: Map<string, { name: string; kind: 'own' | 'competitor' }>;
}

const WEEK_MS = 7 * 24 * 3600_000;

/**
 * The digest of each group of a breakdown (docs/reports.md "Breakdowns"), in the groups' order. Time-only
 * breakdowns without run filters read each bucket's digest like an ungrouped report (stored blocks); any
 * engine, prompt or tag dimension reads the range's raw rows once and digests every run into its groups.
 */
@Injectable()
export class GroupDigestsService {
  constructor(
    private readonly digests: ReportDigestService,
    private readonly labels: ReportLabelsRepository,
    private readonly brands: BrandRepository,
  ) {}

  async context(workspaceId: string, f: ReportFilter): Promise<GroupContext> {
    const [prompts, brands] = await Promise.all([
      this.labels.prompts(f.projectId),
      this.brands.listForProject(f.projectId),
    ]);
    return { prompts, engines: new Map(), brands: new Map(brands.map((b) => [b.id, b])) };
  }

  /** Engine names for the keys about to be shown. */
  async nameEngines(workspaceId: string, ctx: GroupContext, keys: readonly GroupKey[]): Promise<void> {
    const ids = [...new Set(keys.flatMap((k) => (k.engineId === undefined ? [] : [k.engineId])))];
    ctx.engines = await this.labels.engineNames(workspaceId, ids);
  }

  async groups(f: ReportFilter, dims: readonly GroupDimension[], ctx: GroupContext): Promise<DigestGroup[]> {
    const run = runDimensions(dims);
    const out: DigestGroup[] = [];
    const timeOnly = run.every((d) => d === 'day' || d === 'week');
    const runFilters = hasRunFilters(f);
    if (run.length === 0) {
      out.push({ key: {}, digest: await this.digests.digestFor(f) });
    } else if (timeOnly && !runFilters) {
      const unit = run[0] as 'day' | 'week';
      const step = unit === 'day' ? WEEK_MS / 7 : WEEK_MS;
      for (let at = bucketStart(f.from.getTime(), unit); at < f.to.getTime(); at += step) {
        const key: GroupKey = { [unit]: new Date(at).toISOString() };
        const digest = await this.digests.digestFor(groupFilter(f, key));
        if (digestRunCount(digest) > 0) out.push({ key, digest });
      }
    } else {
      const tags = new Map([...ctx.prompts].map(([id, p]) => [id, p.tags]));
      const keys = new Map<string, GroupKey>();
      const digests = await this.digests.digestGroups(f, (r) =>
        runGroupKeys(r, run, tags, f.tags).map((k) => {
          const s = groupKeyString(k);
          keys.set(s, k);
          return s;
        }),
      );
      for (const [s, digest] of digests) out.push({ key: keys.get(s)!, digest });
    }
    return out.sort((a, b) => compareKeys(dims)(a.key, b.key));
  }

  label(key: GroupKey, ctx: GroupContext): GroupLabel {
    return {
      ...key,
      ...(key.engineId === undefined ? {} : { engineName: ctx.engines.get(key.engineId) ?? null }),
      ...(key.promptId === undefined ? {} : { promptText: ctx.prompts.get(key.promptId)?.text ?? null }),
      ...(key.brandId === undefined ? {} : { brandName: ctx.brands.get(key.brandId)?.name ?? null }),
    };
  }
}

/** With a brand dimension, each group once per brand shown (the filter's brands, else every brand in `present`). */
export function withBrands<T extends { key: GroupKey }>(
  groups: readonly T[],
  dims: readonly GroupDimension[],
  f: ReportFilter,
  present: (g: T) => Iterable<string>,
): T[] {
  if (!dims.includes('brand')) return [...groups];
  const shown = new Set(f.brandIds);
  const out: T[] = [];
  for (const g of groups) {
    const ids = [...new Set(present(g))].filter((id) => shown.size === 0 || shown.has(id)).sort();
    for (const brandId of ids) out.push({ ...g, key: { ...g.key, brandId } });
  }
  return out.sort((a, b) => compareKeys(dims)(a.key, b.key));
}
