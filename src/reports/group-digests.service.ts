import { Injectable } from '@nestjs/common';
import { BrandRepository } from '../brands/brand.repository';
import { digestRunCount, type ReportDigest } from './digest/report-digest';
import { ReportDigestService } from './digest/report-digest.service';
import { type ReportFilter } from './report-filter';
import {
  compareKeys,
  groupFilter,
  groupKeyString,
  runDimensions,
  runGroupKeys,
  timeBuckets,
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

/**
 * The digest of each group of a breakdown (docs/reports.md "Breakdowns"), in the groups' order. Time-only
 * breakdowns without run filters read each bucket's digest like an ungrouped report (stored blocks); engine,
 * prompt and tag breakdowns merge the stored slices of each group's pairs (docs/reports.md "Slices"); a time
 * dimension with another, or with run filters, reads the range's raw rows once and digests every run into its
 * groups.
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
    const unit = run.find((d): d is 'day' | 'week' => d === 'day' || d === 'week');
    const pairDims = run.filter((d) => d !== unit);
    const tags = new Map([...ctx.prompts].map(([id, p]) => [id, p.tags]));
    const out: DigestGroup[] = [];
    // Each time bucket is read apart, as a report over the bucket's range (stored blocks or slices cover it).
    for (const bucket of unit === undefined ? [{}] : timeBuckets(f, unit)) {
      const within = unit === undefined ? f : groupFilter(f, bucket);
      if (pairDims.length === 0) {
        const digest = await this.digests.digestFor(within);
        if (unit === undefined || digestRunCount(digest) > 0) out.push({ key: bucket, digest });
        continue;
      }
      // Engine, prompt and tag groups depend only on a run's (engine, prompt): stored slices answer them.
      const keys = new Map<string, GroupKey>();
      const digests = await this.digests.digestGroups(within, (pair) =>
        runGroupKeys(pair, pairDims, tags, f.tags).map((k) => {
          const key = { ...bucket, ...k };
          const s = groupKeyString(key);
          keys.set(s, key);
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
