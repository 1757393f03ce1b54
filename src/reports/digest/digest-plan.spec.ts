import {
  blockEnd,
  blockKey,
  blocksContaining,
  blockSpanMs,
  childrenOf,
  DAY_MS,
  HOUR_MS,
  MAX_LEVEL,
  parentOf,
  planDigest,
  type DigestPlan,
} from './digest-plan';
import { seededRandom } from '../../../test/support/random';

const T0 = Date.UTC(2026, 0, 1);

/** The plan's pieces, sorted, must tile [from, to) exactly: no gap, no overlap. */
function expectTiles(plan: DigestPlan, from: number, to: number) {
  const pieces = [
    ...plan.blocks.map((b) => [b.start.getTime(), blockEnd(b).getTime()] as const),
    ...plan.raw.map((r) => [r.from.getTime(), r.to.getTime()] as const),
  ].sort((a, b) => a[0] - b[0]);
  let at = from;
  for (const [s, e] of pieces) {
    expect(s).toBe(at);
    expect(e).toBeGreaterThan(s);
    at = e;
  }
  expect(at).toBe(to);
}

describe('digest plan', () => {
  it('aligns blocks: a day is 24 hours, each level above is two of the level below', () => {
    const day = { level: 1, start: new Date(T0) };
    expect(childrenOf(day)).toHaveLength(24);
    expect(childrenOf({ level: 4, start: new Date(T0) })).toEqual([
      { level: 3, start: new Date(T0) },
      { level: 3, start: new Date(T0 + 4 * DAY_MS) },
    ]);
    const hour = new Date(T0 + 37 * DAY_MS + 5 * HOUR_MS);
    const chain = blocksContaining(hour);
    expect(chain).toHaveLength(MAX_LEVEL + 1);
    for (const b of chain) {
      expect(b.start.getTime() % blockSpanMs(b.level)).toBe(0);
      expect(b.start.getTime()).toBeLessThanOrEqual(hour.getTime());
      expect(blockEnd(b).getTime()).toBeGreaterThan(hour.getTime());
    }
    expect(parentOf(chain[MAX_LEVEL]!)).toBeNull();
  });

  it('reads a range inside one hour raw', () => {
    const from = new Date(T0 + 10 * 60_000);
    const to = new Date(T0 + 50 * 60_000);
    expect(planDigest(from, to, [])).toEqual({ blocks: [], raw: [{ from, to }] });
  });

  it('covers 90 days with a handful of blocks plus the partial edge hours', () => {
    const from = new Date(T0 + 21 * HOUR_MS + 30 * 60_000);
    const to = new Date(from.getTime() + 90 * DAY_MS);
    const plan = planDigest(from, to, []);
    expectTiles(plan, from.getTime(), to.getTime());
    expect(plan.raw).toEqual([
      { from, to: new Date(T0 + 22 * HOUR_MS) },
      { from: new Date(to.getTime() - 30 * 60_000), to },
    ]);
    const days = plan.blocks.filter((b) => b.level >= 1);
    expect(days.length).toBeLessThanOrEqual(2 * MAX_LEVEL);
    expect(plan.blocks.filter((b) => b.level === 0).length).toBeLessThanOrEqual(2 * 23);
  });

  it('never uses a block holding a dirty hour, and reads dirty hours raw', () => {
    const next = seededRandom(3);
    for (let trial = 0; trial < 300; trial++) {
      const from = T0 + Math.floor(next() * 400 * DAY_MS);
      const to = from + 1 + Math.floor(next() * 400 * DAY_MS);
      const dirty = Array.from(
        { length: Math.floor(next() * 6) },
        () => Math.floor((from + next() * (to - from)) / HOUR_MS) * HOUR_MS,
      );
      const plan = planDigest(new Date(from), new Date(to), dirty);
      expectTiles(plan, from, to);
      for (const b of plan.blocks) {
        for (const d of dirty) expect(d >= b.start.getTime() && d < blockEnd(b).getTime()).toBe(false);
        expect(b.start.getTime() % blockSpanMs(b.level)).toBe(0);
      }
      for (const d of dirty) {
        if (d < from || d >= to) continue;
        expect(plan.raw.some((r) => r.from.getTime() <= d && d < r.to.getTime())).toBe(true);
      }
    }
  });

  it('replaces a stale block by its children, and uses no stale block', () => {
    const next = seededRandom(5);
    for (let trial = 0; trial < 200; trial++) {
      const from = T0 + Math.floor(next() * 400 * DAY_MS);
      const to = from + 1 + Math.floor(next() * 400 * DAY_MS);
      // The ancestors of a few hours are stale (as the builder leaves them), and one hour is also dirty.
      const hours = Array.from(
        { length: 1 + Math.floor(next() * 4) },
        () => Math.floor((from + next() * (to - from)) / HOUR_MS) * HOUR_MS,
      );
      const stale = new Set(hours.flatMap((h) => blocksContaining(new Date(h)).slice(1).map(blockKey)));
      const clean = planDigest(new Date(from), new Date(to), [hours[0]!]);
      const plan = planDigest(new Date(from), new Date(to), [hours[0]!], stale);
      expectTiles(plan, from, to);
      for (const b of plan.blocks) expect(stale.has(blockKey(b))).toBe(false);
      expect(plan.raw).toEqual(clean.raw);
      expect(plan.blocks.length).toBeGreaterThanOrEqual(clean.blocks.length);
    }
  });
});
