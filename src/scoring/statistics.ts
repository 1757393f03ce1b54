/**
 * Aggregate statistics over runs. Each definition is chosen so Postgres can compute the same number
 * (reports read rollups from SQL, dashboards may recompute in TypeScript) and is documented here.
 */

export interface RateInterval {
  rate: number;
  low: number;
  high: number;
}

/** z for a two-sided 95% interval (the 0.975 normal quantile). */
export const Z_95 = 1.959963984540054;

/**
 * Wilson score interval for a binomial proportion. Unlike the normal ("Wald") interval it stays inside
 * [0, 1] and is honest for small n and rates near 0 or 1, which is the common case for a brand measured on a
 * few dozen runs. Null when n = 0: there is no rate to report.
 */
export function wilsonInterval(successes: number, n: number, z = Z_95): RateInterval | null {
  if (!Number.isInteger(successes) || !Number.isInteger(n) || successes < 0 || n < 0 || successes > n) {
    throw new RangeError(`invalid proportion ${successes}/${n}`);
  }
  if (n === 0) return null;
  const rate = successes / n;
  const z2 = z * z;
  const denominator = 1 + z2 / n;
  const center = (rate + z2 / (2 * n)) / denominator;
  const half = (z / denominator) * Math.sqrt((rate * (1 - rate)) / n + z2 / (4 * n * n));
  // At k = 0 and k = n the bounds are exactly 0 and 1; floating point would give 2.8e-17 or 0.9999999999999999.
  const low = successes === 0 ? 0 : Math.max(0, center - half);
  const high = successes === n ? 1 : Math.min(1, center + half);
  return { rate, low, high };
}

/**
 * Continuous percentile, identical to Postgres `percentile_cont(p) WITHIN GROUP (ORDER BY v)`: sort
 * ascending, take position h = p * (n - 1), and interpolate linearly between the values at floor(h) and
 * ceil(h) as `lo + (hi - lo) * (h - floor(h))` (the same expression Postgres evaluates). p is a fraction in
 * [0, 1]; null for no values. Input order does not matter and the input is not modified.
 */
export function percentile(values: readonly number[], p: number): number | null {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`percentile must be within [0, 1], got ${p}`);
  if (values.some((value) => Number.isNaN(value))) throw new RangeError('percentile of NaN');
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const position = p * (sorted.length - 1);
  const lowerIndex = Math.floor(position);
  const upperIndex = Math.ceil(position);
  const lower = sorted[lowerIndex] as number;
  const upper = sorted[upperIndex] as number;
  if (lowerIndex === upperIndex) return lower;
  return lower + (upper - lower) * (position - lowerIndex);
}

/** percentile_cont(0.5): the mean of the two middle values for an even count. */
export function median(values: readonly number[]): number | null {
  return percentile(values, 0.5);
}

/** Arithmetic mean; null for no values (never 0, which would read as a measurement). */
export function mean(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  let sum = 0;
  for (const value of values) sum += value;
  return sum / values.length;
}
