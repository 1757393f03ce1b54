import { ARRIVAL_TIME_GRID_MS, ARRIVAL_TOKEN_GRID, arrivalCurves } from './arrival';
import { addValue, emptyHistogram, histogramCountsAtMost } from './digest/histogram';
import { seededRandom } from '../../test/support/random';

const histOf = (values: number[]) => {
  const h = emptyHistogram();
  for (const v of values) addValue(h, v);
  return h;
};

describe('arrival curves', () => {
  it('uses the documented fixed grids', () => {
    expect(ARRIVAL_TIME_GRID_MS).toHaveLength(61);
    expect([ARRIVAL_TIME_GRID_MS[0], ARRIVAL_TIME_GRID_MS[1], ARRIVAL_TIME_GRID_MS.at(-1)]).toEqual([
      0, 500, 30_000,
    ]);
    expect([ARRIVAL_TOKEN_GRID[0], ARRIVAL_TOKEN_GRID[1], ARRIVAL_TOKEN_GRID.at(-1)]).toEqual([0, 10, 500]);
  });

  it('counts at-or-before t and strictly-before k, over n including absent runs', () => {
    const c = arrivalCurves(
      { n: 4, mentioned: 2, sinceFirstTokenUs: histOf([0, 1_000_000]), firstTokenIndex: histOf([10, 150]) },
      [0, 999, 1000],
      [10, 11, 150, 151],
    );
    expect(c.byTime.map((p) => p.count)).toEqual([1, 1, 2]);
    expect(c.byToken.map((p) => p.count)).toEqual([0, 1, 1, 2]);
    expect(c.byTime[2]).toMatchObject({ share: 0.5 });
  });

  it('gives null shares when there are no runs', () => {
    const c = arrivalCurves({
      n: 0,
      mentioned: 0,
      sinceFirstTokenUs: emptyHistogram(),
      firstTokenIndex: emptyHistogram(),
    });
    expect(c.byTime.every((p) => p.count === 0 && p.share === null && p.lower === null)).toBe(true);
  });

  it('matches exact counts within the histogram error and never decreases', () => {
    const next = seededRandom(7);
    const values = Array.from({ length: 2000 }, () => Math.round(next() * 40_000_000));
    const h = histOf(values);
    const grid = ARRIVAL_TIME_GRID_MS.map((t) => t * 1000);
    const counts = histogramCountsAtMost(h, grid);
    grid.forEach((t, i) => {
      const low = values.filter((v) => v <= t / 1.02).length;
      const high = values.filter((v) => v <= t * 1.02).length;
      expect(counts[i]).toBeGreaterThanOrEqual(low);
      expect(counts[i]).toBeLessThanOrEqual(high);
      if (i > 0) expect(counts[i]).toBeGreaterThanOrEqual(counts[i - 1]!);
    });
  });
});
