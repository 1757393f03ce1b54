// Log-bucketed histograms of integer values (microseconds, token indexes, signed leads): the form in which
// report digests keep distributions, so percentiles of any range merge from stored blocks instead of reading
// every value. Integers below LINEAR_LIMIT in magnitude have a bin of their own; above, bin k covers
// [LINEAR_LIMIT·γ^(k−LINEAR_LIMIT), LINEAR_LIMIT·γ^(k−LINEAR_LIMIT+1)). Each bin keeps its count and the sum of
// its values, and stands for their mean: exact when the bin holds one distinct value (small samples, repeated
// values), and otherwise within the bin's range, so within MAX_RELATIVE_ERROR (γ − 1) of every value in it.
// Negative values use the mirrored bins.
//
// In memory a histogram is dense (counts and sums by bin in two typed arrays) plus a list of stored forms not yet
// added: a digest decoded from storage keeps its histograms' stored arrays as they are, and merging it into a
// report's digest only appends references. They are added into the dense arrays, once, when the histogram is
// read (percentile, count, encode). Merging a report's blocks thus costs parsing their JSON and one pass over
// their numbers, with no per-bin allocation.

export const LINEAR_LIMIT = 32;
export const GAMMA = 1.02;
/** Worst-case relative error of a bin's mean standing for any value in the bin: γ − 1 = 2 %. */
export const MAX_RELATIVE_ERROR = GAMMA - 1;
const LOG_GAMMA = Math.log(GAMMA);
/** Largest bin magnitude: values beyond LINEAR_LIMIT·γ^(MAX_BIN−LINEAR_LIMIT) ≈ 1.3e10 share the last bin. */
export const MAX_BIN = 1100;
const SIZE = 2 * MAX_BIN + 1;

/** Smallest integer magnitude of each bin (the stored sums are offsets from count × it). */
const LOWER = Float64Array.from({ length: MAX_BIN + 1 }, (_, k) =>
  k < LINEAR_LIMIT ? k : Math.ceil(LINEAR_LIMIT * GAMMA ** (k - LINEAR_LIMIT) - 1e-9),
);

export interface Histogram {
  /** Counts and sums by bin + MAX_BIN; null while nothing was added densely. */
  counts: Float64Array | null;
  sums: Float64Array | null;
  /** Stored forms (encodeHistogram) merged in but not yet added to the dense arrays. */
  pending: (readonly number[])[];
}

export const emptyHistogram = (): Histogram => ({ counts: null, sums: null, pending: [] });

export function binOf(value: number): number {
  const a = Math.abs(Math.round(value));
  const bin =
    a < LINEAR_LIMIT
      ? a
      : Math.min(MAX_BIN, LINEAR_LIMIT + Math.floor(Math.log(a / LINEAR_LIMIT) / LOG_GAMMA));
  return value < 0 && bin !== 0 ? -bin : bin;
}

function dense(h: Histogram): { counts: Float64Array; sums: Float64Array } {
  if (h.counts === null || h.sums === null) {
    h.counts = new Float64Array(SIZE);
    h.sums = new Float64Array(SIZE);
  }
  return { counts: h.counts, sums: h.sums };
}

/** Adds the pending stored forms into the dense arrays. */
function settle(h: Histogram): void {
  if (h.pending.length === 0) return;
  const { counts, sums } = dense(h);
  for (const encoded of h.pending) {
    let bin = 0;
    for (let i = 0; i + 1 < encoded.length;) {
      bin += encoded[i]!;
      const count = encoded[i + 1]!;
      i += 2;
      const a = Math.abs(bin);
      let sum: number;
      if (a >= LINEAR_LIMIT) {
        const magnitude = encoded[i]! + count * LOWER[a]!;
        sum = bin < 0 ? -magnitude : magnitude;
        i += 1;
      } else {
        sum = bin * count;
      }
      counts[bin + MAX_BIN] = counts[bin + MAX_BIN]! + count;
      sums[bin + MAX_BIN] = sums[bin + MAX_BIN]! + sum;
    }
  }
  h.pending = [];
}

export function addValue(h: Histogram, value: number): void {
  const v = Math.round(value);
  const { counts, sums } = dense(h);
  const i = binOf(v) + MAX_BIN;
  counts[i] = counts[i]! + 1;
  sums[i] = sums[i]! + v;
}

/** Adds `from` into `into`; `from` is left unchanged. */
export function mergeInto(into: Histogram, from: Histogram): void {
  for (const p of from.pending) into.pending.push(p);
  if (from.counts === null || from.sums === null) return;
  const { counts, sums } = dense(into);
  const fc = from.counts;
  const fs = from.sums;
  for (let i = 0; i < SIZE; i++) {
    if (fc[i] === 0) continue;
    counts[i] = counts[i]! + fc[i]!;
    sums[i] = sums[i]! + fs[i]!;
  }
}

/** Non-empty bins in ascending order of value: [bin, count, sum]. */
export function histogramBins(h: Histogram): [number, number, number][] {
  settle(h);
  const out: [number, number, number][] = [];
  if (h.counts === null || h.sums === null) return out;
  for (let i = 0; i < SIZE; i++) if (h.counts[i]! > 0) out.push([i - MAX_BIN, h.counts[i]!, h.sums[i]!]);
  return out;
}

/** The histogram of the negated values (B − A from A − B). */
export function negated(h: Histogram): Histogram {
  const out = emptyHistogram();
  for (const [bin, count, sum] of histogramBins(h)) {
    const { counts, sums } = dense(out);
    counts[-bin + MAX_BIN] = count;
    sums[-bin + MAX_BIN] = -sum;
  }
  return out;
}

export function histogramCount(h: Histogram): number {
  let n = 0;
  for (const [, count] of histogramBins(h)) n += count;
  return n;
}

/**
 * The q-quantile with percentile_cont's definition (linear interpolation between the order statistics at
 * floor and ceil of q·(n − 1)), each order statistic taken as its bin's mean; null when empty. Exact when each
 * bin involved holds one distinct value; otherwise each order statistic is within MAX_RELATIVE_ERROR, so the
 * result is within MAX_RELATIVE_ERROR of the larger magnitude of the two.
 */
export function histogramPercentile(h: Histogram, q: number): number | null {
  const bins = histogramBins(h);
  let n = 0;
  for (const [, count] of bins) n += count;
  if (n === 0) return null;
  const rank = q * (n - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  let seen = 0;
  let low: number | null = null;
  let high: number | null = null;
  for (const [, count, sum] of bins) {
    seen += count;
    if (low === null && lo < seen) low = sum / count;
    if (hi < seen) {
      high = sum / count;
      break;
    }
  }
  if (low === null || high === null) return null;
  return low + (rank - lo) * (high - low);
}

/**
 * Stored form: non-empty bins ascending, each as its bin index less the previous one, its count and, from
 * LINEAR_LIMIT up (where a bin holds more than one value), its sum's magnitude less count × the bin's smallest
 * magnitude (a small non-negative integer).
 */
export function encodeHistogram(h: Histogram): number[] {
  const out: number[] = [];
  let previous = 0;
  for (const [bin, count, sum] of histogramBins(h)) {
    out.push(bin - previous, count);
    const a = Math.abs(bin);
    if (a >= LINEAR_LIMIT) out.push(Math.abs(sum) - count * LOWER[a]!);
    previous = bin;
  }
  return out;
}

/** A histogram holding a stored form as is (added when first read). */
export function decodeHistogram(encoded: readonly number[]): Histogram {
  return { counts: null, sums: null, pending: encoded.length > 0 ? [encoded] : [] };
}

/**
 * How many values lie at or below each threshold (ascending or not), each value taken as its bin's mean, as
 * percentiles take them: exact when a bin holds one distinct value (every value below LINEAR_LIMIT), otherwise a
 * value within MAX_RELATIVE_ERROR of a threshold may fall on the other side of it.
 */
export function histogramCountsAtMost(h: Histogram, thresholds: readonly number[]): number[] {
  const bins = histogramBins(h);
  return thresholds.map((limit) => {
    let n = 0;
    for (const [, count, sum] of bins) {
      if (sum / count > limit) break;
      n += count;
    }
    return n;
  });
}
