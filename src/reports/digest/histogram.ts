// Log-bucketed histograms of integer values (microseconds, token indexes, signed leads): the form in which
// report digests keep distributions, so percentiles of any range merge from stored blocks instead of reading
// every value. Integers below LINEAR_LIMIT in magnitude have a bin of their own; above, bin k covers
// [LINEAR_LIMIT·γ^k, LINEAR_LIMIT·γ^(k+1)). Each bin keeps its count and the sum of its values, and stands for
// their mean: exact when the bin holds one distinct value (small samples, repeated values), and otherwise
// within the bin's range, so within MAX_RELATIVE_ERROR (γ − 1) of every value in it. Negative values use the
// mirrored bins.

export const LINEAR_LIMIT = 32;
export const GAMMA = 1.02;
/** Worst-case relative error of a bin's mean standing for any value in the bin: γ − 1 = 2 %. */
export const MAX_RELATIVE_ERROR = GAMMA - 1;
const LOG_GAMMA = Math.log(GAMMA);

export interface Bin {
  count: number;
  /** Sum of the (integer) values in the bin. */
  sum: number;
}

/** bin index → count and sum. */
export type Histogram = Map<number, Bin>;

export function binOf(value: number): number {
  const a = Math.abs(Math.round(value));
  const bin = a < LINEAR_LIMIT ? a : LINEAR_LIMIT + Math.floor(Math.log(a / LINEAR_LIMIT) / LOG_GAMMA);
  return value < 0 && bin !== 0 ? -bin : bin;
}

/** The value a bin stands for: the mean of what it holds. */
export function binValue(bin: Bin): number {
  return bin.sum / bin.count;
}

function addBin(h: Histogram, index: number, count: number, sum: number): void {
  const b = h.get(index);
  if (b) {
    b.count += count;
    b.sum += sum;
  } else {
    h.set(index, { count, sum });
  }
}

export function addValue(h: Histogram, value: number): void {
  const v = Math.round(value);
  addBin(h, binOf(v), 1, v);
}

export function mergeInto(into: Histogram, from: Histogram): void {
  for (const [index, b] of from) addBin(into, index, b.count, b.sum);
}

/** The histogram of the negated values (B − A from A − B). */
export function negated(h: Histogram): Histogram {
  const out: Histogram = new Map();
  for (const [index, b] of h) out.set(index === 0 ? 0 : -index, { count: b.count, sum: -b.sum });
  return out;
}

export function histogramCount(h: Histogram): number {
  let n = 0;
  for (const b of h.values()) n += b.count;
  return n;
}

/**
 * The q-quantile with percentile_cont's definition (linear interpolation between the order statistics at
 * floor and ceil of q·(n − 1)), each order statistic taken as its bin's mean; null when empty. Exact when each
 * bin involved holds one distinct value; otherwise each order statistic is within MAX_RELATIVE_ERROR, so the
 * result is within MAX_RELATIVE_ERROR of the larger magnitude of the two.
 */
export function histogramPercentile(h: Histogram, q: number): number | null {
  const n = histogramCount(h);
  if (n === 0) return null;
  const indexes = [...h.keys()].sort((x, y) => x - y);
  const rank = q * (n - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  let seen = 0;
  let low: number | null = null;
  let high: number | null = null;
  for (const index of indexes) {
    const b = h.get(index)!;
    seen += b.count;
    if (low === null && lo < seen) low = binValue(b);
    if (hi < seen) {
      high = binValue(b);
      break;
    }
  }
  if (low === null || high === null) return null;
  return low + (rank - lo) * (high - low);
}

/**
 * Compact form for storage: bins ascending, delta-encoded, each followed by its count and, above
 * LINEAR_LIMIT (where a bin holds more than one value), by its sum less count × the bin's lower bound.
 */
export function encodeHistogram(h: Histogram): number[] {
  const indexes = [...h.keys()].sort((x, y) => x - y);
  const out: number[] = [];
  let previous = 0;
  for (const index of indexes) {
    const b = h.get(index)!;
    if (b.count === 0) continue;
    out.push(index - previous, b.count);
    if (Math.abs(index) >= LINEAR_LIMIT) out.push(Math.abs(b.sum) - b.count * lowerBound(index));
    previous = index;
  }
  return out;
}

export function decodeHistogram(encoded: readonly number[]): Histogram {
  const h: Histogram = new Map();
  let index = 0;
  for (let i = 0; i + 1 < encoded.length;) {
    index += encoded[i]!;
    const count = encoded[i + 1]!;
    i += 2;
    let sum: number;
    if (Math.abs(index) >= LINEAR_LIMIT) {
      const magnitude = encoded[i]! + count * lowerBound(index);
      sum = index < 0 ? -magnitude : magnitude;
      i += 1;
    } else {
      sum = index * count;
    }
    h.set(index, { count, sum });
  }
  return h;
}

/** Smallest integer magnitude in a logarithmic bin (so the stored offset is a small non-negative integer). */
function lowerBound(index: number): number {
  return Math.ceil(LINEAR_LIMIT * GAMMA ** (Math.abs(index) - LINEAR_LIMIT) - 1e-9);
}
