// Breakdowns (`groupBy`): which groups a run falls in, and the report filter that selects exactly a group's runs,
// so a group's figures are the ungrouped report's figures over that filter (and its runsQuery lists them).
// Pure. Dimensions: engine, prompt, tag (a run is in the group of each tag of its prompt), day and week (UTC,
// weeks starting on Monday, clipped to the report range) on observedAt, and brand (not a run dimension: it
// selects which brand's rows a group shows).
import { z } from 'zod';
import { type RunPair } from './digest/digest-slices';
import { type ReportFilter } from './report-filter';

export const GROUP_DIMENSIONS = ['engine', 'prompt', 'tag', 'brand', 'day', 'week'] as const;
export type GroupDimension = (typeof GROUP_DIMENSIONS)[number];

/** `groupBy=engine,prompt`: one or two distinct dimensions, at most one of day and week. */
export const groupBySchema = z
  .union([z.string(), z.array(z.string())])
  .transform((v) => (Array.isArray(v) ? v : [v]).flatMap((x) => x.split(',')).map((x) => x.trim()))
  .pipe(
    z
      .array(z.enum(GROUP_DIMENSIONS))
      .min(1)
      .max(2, 'at most two dimensions')
      .refine((dims) => new Set(dims).size === dims.length, 'each dimension at most once')
      .refine((dims) => !(dims.includes('day') && dims.includes('week')), 'day and week do not combine'),
  )
  .optional();

/** A group's key: the value of each requested dimension (absent dimensions are absent). */
export interface GroupKey {
  engineId?: string;
  promptId?: string;
  tag?: string;
  brandId?: string;
  /** Start of the UTC day or ISO week, as an ISO timestamp. */
  day?: string;
  week?: string;
}

const DAY_MS = 24 * 3600_000;
/** 1970-01-01 was a Thursday: ISO weeks start 3 days before an epoch-aligned 7-day block. */
const WEEK_OFFSET_MS = 3 * DAY_MS;

export function bucketStart(atMs: number, unit: 'day' | 'week'): number {
  if (unit === 'day') return Math.floor(atMs / DAY_MS) * DAY_MS;
  return Math.floor((atMs + WEEK_OFFSET_MS) / (7 * DAY_MS)) * 7 * DAY_MS - WEEK_OFFSET_MS;
}

export const runDimensions = (dims: readonly GroupDimension[]) => dims.filter((d) => d !== 'brand');

/**
 * The keys (without brand and time) of the groups a run on `pair` belongs to: one, or one per tag of its prompt
 * when grouping by tag (none when the prompt has no tag, or, with a tag filter, none of the filtered tags). Time
 * dimensions are not a run's: a breakdown by day or week reads each bucket apart (see `timeBuckets`).
 */
export function runGroupKeys(
  pair: RunPair,
  dims: readonly GroupDimension[],
  promptTags: ReadonlyMap<string, readonly string[]>,
  tagFilter: readonly string[],
): GroupKey[] {
  const key: GroupKey = {};
  if (dims.includes('engine')) key.engineId = pair.engineId;
  if (dims.includes('prompt')) key.promptId = pair.promptId;
  if (!dims.includes('tag')) return [key];
  const tags = (promptTags.get(pair.promptId) ?? []).filter(
    (t) => tagFilter.length === 0 || tagFilter.includes(t),
  );
  return [...new Set(tags)].map((tag) => ({ ...key, tag }));
}

/** The buckets of a breakdown by `unit` over the report's range: each its key (the bucket's start). */
export function timeBuckets(f: ReportFilter, unit: 'day' | 'week'): GroupKey[] {
  const step = unit === 'day' ? DAY_MS : 7 * DAY_MS;
  const out: GroupKey[] = [];
  for (let at = bucketStart(f.from.getTime(), unit); at < f.to.getTime(); at += step) {
    out.push({ [unit]: new Date(at).toISOString() });
  }
  return out;
}

export const groupKeyString = (k: GroupKey): string =>
  [k.engineId, k.promptId, k.tag, k.brandId, k.day, k.week].map((v) => v ?? '').join('|');

/** The report filter of exactly the group's runs (brand aside): its engine, prompt, tag and time bucket. */
export function groupFilter(f: ReportFilter, k: GroupKey): ReportFilter {
  const bucket = k.day ?? k.week;
  const span = k.day !== undefined ? DAY_MS : 7 * DAY_MS;
  const from = bucket === undefined ? f.from : new Date(Math.max(Date.parse(bucket), f.from.getTime()));
  const to = bucket === undefined ? f.to : new Date(Math.min(Date.parse(bucket) + span, f.to.getTime()));
  return {
    ...f,
    from,
    to,
    engineIds: k.engineId === undefined ? f.engineIds : [k.engineId],
    promptIds: k.promptId === undefined ? f.promptIds : [k.promptId],
    tags: k.tag === undefined ? f.tags : [k.tag],
  };
}

/** Groups in a stable order: by each dimension's value in the order requested. */
export function compareKeys(dims: readonly GroupDimension[]) {
  const field = (d: GroupDimension): keyof GroupKey =>
    d === 'engine' ? 'engineId' : d === 'prompt' ? 'promptId' : d === 'brand' ? 'brandId' : d;
  return (a: GroupKey, b: GroupKey): number => {
    for (const d of dims) {
      const c = (a[field(d)] ?? '').localeCompare(b[field(d)] ?? '');
      if (c !== 0) return c;
    }
    return 0;
  };
}
