// Which stored digest blocks and which raw time ranges make up a report range. Blocks: level 0 is one UTC
// hour; level k >= 1 spans 2^(k-1) UTC days starting at a multiple of that many days since the epoch, and is
// the merge of its two children (a day: of its 24 hours). Any range of whole days is covered by at most two
// blocks per level; the partial hours at its edges and every hour marked dirty are read from raw rows.
// Pure, so the cover is tested on its own.

export const HOUR_MS = 3600_000;
export const DAY_MS = 24 * HOUR_MS;
/** The largest block spans 2^(MAX_LEVEL-1) = 256 days. */
export const MAX_LEVEL = 9;

export interface DigestBlock {
  level: number;
  start: Date;
}

export interface TimeRange {
  from: Date;
  to: Date;
}

export interface DigestPlan {
  blocks: DigestBlock[];
  raw: TimeRange[];
}

export function blockSpanMs(level: number): number {
  return level === 0 ? HOUR_MS : DAY_MS * 2 ** (level - 1);
}

export const blockEnd = (b: DigestBlock): Date => new Date(b.start.getTime() + blockSpanMs(b.level));

/** The block one level up that contains `b`; null at MAX_LEVEL. */
export function parentOf(b: DigestBlock): DigestBlock | null {
  if (b.level >= MAX_LEVEL) return null;
  const span = blockSpanMs(b.level + 1);
  return { level: b.level + 1, start: new Date(Math.floor(b.start.getTime() / span) * span) };
}

/** The blocks one level down that make up `b` (24 hours for a day, two halves above). */
export function childrenOf(b: DigestBlock): DigestBlock[] {
  if (b.level === 0) return [];
  const level = b.level - 1;
  const span = blockSpanMs(level);
  const count = blockSpanMs(b.level) / span;
  return Array.from({ length: count }, (_, i) => ({
    level,
    start: new Date(b.start.getTime() + i * span),
  }));
}

/** Every block containing hour `hourStart`, from the hour up to MAX_LEVEL. */
export function blocksContaining(hourStart: Date): DigestBlock[] {
  const out: DigestBlock[] = [];
  let b: DigestBlock | null = {
    level: 0,
    start: new Date(Math.floor(hourStart.getTime() / HOUR_MS) * HOUR_MS),
  };
  while (b) {
    out.push(b);
    b = parentOf(b);
  }
  return out;
}

const ceilTo = (ms: number, unit: number) => Math.ceil(ms / unit) * unit;
const floorTo = (ms: number, unit: number) => Math.floor(ms / unit) * unit;

/** Largest aligned blocks covering whole days [fromMs, toMs), left to right. */
function dayBlocks(fromMs: number, toMs: number): DigestBlock[] {
  const out: DigestBlock[] = [];
  let at = fromMs;
  while (at < toMs) {
    let level = MAX_LEVEL;
    while (level > 1 && (at % blockSpanMs(level) !== 0 || at + blockSpanMs(level) > toMs)) level--;
    out.push({ level, start: new Date(at) });
    at += blockSpanMs(level);
  }
  return out;
}

function hourBlocks(fromMs: number, toMs: number): DigestBlock[] {
  const out: DigestBlock[] = [];
  for (let at = fromMs; at < toMs; at += HOUR_MS) out.push({ level: 0, start: new Date(at) });
  return out;
}

/** [start, end) ms ranges in order, adjacent ones joined. */
function joinRanges(ranges: [number, number][]): TimeRange[] {
  const raw: TimeRange[] = [];
  for (const [s, e] of [...ranges].sort((a, b) => a[0] - b[0])) {
    const last = raw[raw.length - 1];
    if (last && last.to.getTime() === s) last.to = new Date(e);
    else raw.push({ from: new Date(s), to: new Date(e) });
  }
  return raw;
}

export const blockKey = (b: DigestBlock): string => `${b.level}:${b.start.getTime()}`;

/**
 * The cover of [from, to): stored blocks holding no dirty hour and not stale, and raw ranges for the rest (the
 * partial hours at the edges and the dirty hours), adjacent raw ranges joined. A stale block (one whose
 * children were rebuilt after it, keys from blockKey) is replaced by its children. `dirtyHours` are hour
 * starts (ms).
 */
export function planDigest(
  from: Date,
  to: Date,
  dirtyHours: readonly number[],
  staleBlocks: ReadonlySet<string> = new Set(),
): DigestPlan {
  const f = from.getTime();
  const t = to.getTime();
  const hFrom = ceilTo(f, HOUR_MS);
  const hTo = floorTo(t, HOUR_MS);
  if (hFrom >= hTo) return { blocks: [], raw: f < t ? [{ from, to }] : [] };
  const dirty = [...dirtyHours].sort((a, b) => a - b);
  const anyDirty = (startMs: number, endMs: number) => {
    let lo = 0;
    let hi = dirty.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (dirty[mid]! < startMs) lo = mid + 1;
      else hi = mid;
    }
    return lo < dirty.length && dirty[lo]! < endMs;
  };
  const dFrom = ceilTo(hFrom, DAY_MS);
  const dTo = floorTo(hTo, DAY_MS);
  const candidates =
    dFrom < dTo
      ? [...hourBlocks(hFrom, dFrom), ...dayBlocks(dFrom, dTo), ...hourBlocks(dTo, hTo)]
      : hourBlocks(hFrom, hTo);
  const blocks: DigestBlock[] = [];
  const rawMs: [number, number][] = [];
  if (f < hFrom) rawMs.push([f, hFrom]);
  const resolve = (b: DigestBlock) => {
    const start = b.start.getTime();
    const end = start + blockSpanMs(b.level);
    if (!anyDirty(start, end) && !staleBlocks.has(blockKey(b))) blocks.push(b);
    else if (b.level === 0) rawMs.push([start, end]);
    else for (const c of childrenOf(b)) resolve(c);
  };
  for (const b of candidates) resolve(b);
  if (hTo < t) rawMs.push([hTo, t]);
  return { blocks, raw: joinRanges(rawMs) };
}

/**
 * The plan with its hour blocks read from raw rows instead (hours carry no slices: a report filtered or grouped
 * by engine, prompt or tag merges the slices of the blocks above the hour and reads the rest raw), adjacent raw
 * ranges joined.
 */
export function hoursAsRaw(plan: DigestPlan): DigestPlan {
  const blocks = plan.blocks.filter((b) => b.level > 0);
  const ranges = [
    ...plan.raw.map((r): [number, number] => [r.from.getTime(), r.to.getTime()]),
    ...plan.blocks
      .filter((b) => b.level === 0)
      .map((b): [number, number] => [b.start.getTime(), b.start.getTime() + HOUR_MS]),
  ];
  return { blocks, raw: joinRanges(ranges) };
}
