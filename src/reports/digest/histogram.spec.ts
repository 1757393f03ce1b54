import { percentile } from '../../scoring/statistics';
import {
  addValue,
  binOf,
  decodeHistogram,
  emptyHistogram,
  encodeHistogram,
  histogramBins,
  histogramCount,
  histogramPercentile,
  LINEAR_LIMIT,
  MAX_BIN,
  MAX_RELATIVE_ERROR,
  mergeInto,
  negated,
  type Histogram,
} from './histogram';
import { seededRandom } from '../../../test/support/random';

const histOf = (values: number[]) => {
  const h = emptyHistogram();
  for (const v of values) addValue(h, v);
  return h;
};

describe('log-bucketed histogram', () => {
  it('keeps small integers exact and every other value within the bound of its bin', () => {
    for (let v = -LINEAR_LIMIT + 1; v < LINEAR_LIMIT; v++) {
      expect(histogramPercentile(histOf([v, v]), 0.5)).toBe(v);
    }
    const next = seededRandom(1);
    const bins = new Map<number, number[]>();
    for (let i = 0; i < 20_000; i++) {
      const v = Math.round((next() - 0.5) * 2 * 10 ** (1 + next() * 8));
      const bin = binOf(v);
      bins.set(bin, [...(bins.get(bin) ?? []), v]);
    }
    for (const values of bins.values()) {
      const [[, count, sum]] = histogramBins(histOf(values)) as [[number, number, number]];
      const mean = sum / count;
      for (const v of values) {
        expect(Math.abs(mean - v)).toBeLessThanOrEqual(MAX_RELATIVE_ERROR * Math.abs(v) + 1e-9);
        expect(mean < 0).toBe(v < 0);
      }
    }
  });

  it('is exact while each bin holds one distinct value', () => {
    const values = [50, 50, 1_000_000, 4_200_000, -7_777, 123_456_789];
    const h = histOf(values);
    for (const q of [0, 0.25, 0.5, 0.9, 1]) {
      expect(histogramPercentile(h, q)).toBeCloseTo(percentile(values, q)!, 6);
    }
  });

  it('orders bins as it orders values, and keeps values beyond the last bin in it', () => {
    const values = [-5_000_000, -40, -31, -1, 0, 1, 31, 32, 33, 1_000, 1_001, 70_000_000];
    const bins = values.map(binOf);
    for (let i = 1; i < bins.length; i++) expect(bins[i]!).toBeGreaterThanOrEqual(bins[i - 1]!);
    expect(binOf(2 ** 40)).toBe(MAX_BIN);
    expect(binOf(-(2 ** 40))).toBe(-MAX_BIN);
    const huge = histOf([2 ** 40, 2 ** 40]);
    expect(histogramPercentile(decodeHistogram(encodeHistogram(huge)), 0.5)).toBe(2 ** 40);
  });

  it('follows percentile_cont and stays within the bound of the larger order statistic', () => {
    const next = seededRandom(7);
    for (let trial = 0; trial < 200; trial++) {
      const n = 1 + Math.floor(next() * 300);
      const signed = trial % 3 === 0;
      const values = Array.from({ length: n }, () =>
        Math.round((signed ? next() - 0.4 : next()) * 20_000_000 * next()),
      );
      const h = histOf(values);
      const sorted = [...values].sort((a, b) => a - b);
      for (const q of [0, 0.1, 0.5, 0.9, 1]) {
        const exact = percentile(values, q)!;
        const r = q * (n - 1);
        const scale = Math.max(Math.abs(sorted[Math.floor(r)]!), Math.abs(sorted[Math.ceil(r)]!));
        expect(Math.abs(histogramPercentile(h, q)! - exact)).toBeLessThanOrEqual(
          MAX_RELATIVE_ERROR * scale + 1e-6,
        );
      }
    }
  });

  it('merges stored and dense forms alike, negates, and round-trips its storage form', () => {
    const av = [1, 5, 5, 400, -900, 123_456];
    const bv = [5, 401, -2, 2 ** 33];
    const a = histOf(av);
    const b = histOf(bv);
    const all = histOf([...av, ...bv]);
    // dense + dense, stored + stored, dense + stored: the same bins.
    for (const [x, y] of [
      [a, b],
      [decodeHistogram(encodeHistogram(a)), decodeHistogram(encodeHistogram(b))],
      [a, decodeHistogram(encodeHistogram(b))],
    ] as const) {
      const merged: Histogram = emptyHistogram();
      mergeInto(merged, x);
      mergeInto(merged, y);
      expect(histogramBins(merged)).toEqual(histogramBins(all));
      expect(histogramCount(merged)).toBe(10);
    }
    // Merging leaves the source as it was.
    expect(histogramBins(a)).toEqual(histogramBins(histOf(av)));
    const stored = decodeHistogram(encodeHistogram(a));
    const twice = emptyHistogram();
    mergeInto(twice, stored);
    mergeInto(twice, stored);
    expect(histogramBins(stored)).toEqual(histogramBins(a));
    expect(histogramCount(twice)).toBe(12);
    expect(encodeHistogram(decodeHistogram(encodeHistogram(all)))).toEqual(encodeHistogram(all));
    // Sums above LINEAR_LIMIT are stored as small offsets from count × the bin's smallest value.
    const [delta, count, offset] = encodeHistogram(histOf([1000, 1000]));
    expect([delta, count]).toEqual([binOf(1000), 2]);
    expect(offset).toBeGreaterThanOrEqual(0);
    expect(offset).toBeLessThanOrEqual(2 * 1000 * MAX_RELATIVE_ERROR);
    expect(histogramBins(negated(negated(all)))).toEqual(histogramBins(all));
    expect(histogramPercentile(negated(a), 0.5)).toBeCloseTo(-histogramPercentile(a, 0.5)!, 9);
    expect(histogramPercentile(emptyHistogram(), 0.5)).toBeNull();
    expect(encodeHistogram(emptyHistogram())).toEqual([]);
  });
});
