import fc from 'fast-check';
import { mean, median, percentile, wilsonInterval } from './statistics';

describe('wilsonInterval', () => {
  it.each([
    [8, 10, 0.8, 0.4902, 0.9433],
    [0, 10, 0, 0, 0.2775],
    [10, 10, 1, 0.7225, 1],
    [50, 100, 0.5, 0.4038, 0.5962],
    [1, 3, 1 / 3, 0.0615, 0.7923],
  ])('%i/%i', (successes, n, rate, low, high) => {
    const interval = wilsonInterval(successes, n);
    expect(interval).not.toBeNull();
    expect(interval?.rate).toBeCloseTo(rate, 12);
    expect(interval?.low).toBeCloseTo(low, 4);
    expect(interval?.high).toBeCloseTo(high, 4);
  });

  it('is null without observations', () => {
    expect(wilsonInterval(0, 0)).toBeNull();
  });

  it('rejects impossible counts', () => {
    expect(() => wilsonInterval(3, 2)).toThrow(RangeError);
    expect(() => wilsonInterval(-1, 2)).toThrow(RangeError);
    expect(() => wilsonInterval(0.5, 2)).toThrow(RangeError);
  });

  it('widens with a larger z', () => {
    const narrow = wilsonInterval(8, 10, 1.0);
    const wide = wilsonInterval(8, 10);
    expect((narrow?.high ?? 0) - (narrow?.low ?? 0)).toBeLessThan((wide?.high ?? 0) - (wide?.low ?? 0));
  });

  it('property: the interval holds the rate and stays within [0, 1]', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5000 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (n, fraction) => {
          const successes = Math.round(fraction * n);
          const interval = wilsonInterval(successes, n);
          expect(interval).not.toBeNull();
          if (interval === null) return;
          expect(interval.low).toBeGreaterThanOrEqual(0);
          expect(interval.high).toBeLessThanOrEqual(1);
          expect(interval.low).toBeLessThanOrEqual(interval.rate + 1e-12);
          expect(interval.high).toBeGreaterThanOrEqual(interval.rate - 1e-12);
        },
      ),
    );
  });
});

describe('percentile (Postgres percentile_cont)', () => {
  // Expected values were produced by Postgres: SELECT percentile_cont(p) WITHIN GROUP (ORDER BY v) ...
  const values = [10, 1, 7, 3, 3, 9.5, 2, 8, 4, 6];
  it.each([
    [0.9, 9.55],
    [0.5, 5],
    [0.33, 3],
    [0.1, 1.9],
    [0, 1],
    [1, 10],
  ])('p=%f', (p, expected) => {
    expect(percentile(values, p)).toBeCloseTo(expected, 12);
  });

  it('matches generate_series(1, 10) p90 = 9.1', () => {
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9)).toBeCloseTo(9.1, 12);
  });

  it('is null for no values and exact for one', () => {
    expect(percentile([], 0.5)).toBeNull();
    expect(percentile([42], 0.9)).toBe(42);
  });

  it('does not modify its input', () => {
    const input = [3, 1, 2];
    percentile(input, 0.5);
    expect(input).toEqual([3, 1, 2]);
  });

  it('rejects p outside [0, 1] (it is a fraction, not a percent) and NaN values', () => {
    expect(() => percentile([1, 2], 90)).toThrow(RangeError);
    expect(() => percentile([1, Number.NaN], 0.5)).toThrow(RangeError);
  });

  it('property: follows the percentile_cont definition and is monotonic in p', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 50 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (input, p, q) => {
          const sorted = [...input].sort((a, b) => a - b);
          const h = p * (sorted.length - 1);
          const lo = sorted[Math.floor(h)] as number;
          const hi = sorted[Math.ceil(h)] as number;
          expect(percentile(input, p)).toBe(
            Math.floor(h) === Math.ceil(h) ? lo : lo + (hi - lo) * (h - Math.floor(h)),
          );
          const [smaller, larger] = p <= q ? [p, q] : [q, p];
          expect(percentile(input, smaller) as number).toBeLessThanOrEqual(
            (percentile(input, larger) as number) + 1e-9,
          );
        },
      ),
    );
  });
});

describe('median and mean', () => {
  it('median of an even count is the mean of the middle values', () => {
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNull();
  });

  it('mean', () => {
    expect(mean([1, 2, 3, 4])).toBe(2.5);
    expect(mean([])).toBeNull();
  });
});
