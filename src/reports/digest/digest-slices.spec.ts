import { canonicalDigest } from '../../../test/support/canonical-digest';
import { randomRuns } from '../../../test/support/digest-runs';
import { seededRandom } from '../../../test/support/random';
import { decodeDigest } from './digest-codec';
import { hoursAsRaw, planDigest, DAY_MS, HOUR_MS } from './digest-plan';
import { groupDigest, mergeStoredSlices, pairKey, sliceRuns, sliceWrites } from './digest-slices';
import { digestRuns, emptyDigest, mergeDigests, type ReportDigest } from './report-digest';
import { type RunFactsWithDims } from './report-digest.repository';

const ENGINES = ['e1', 'e2'];
const PROMPTS = ['p1', 'p2', 'p3'];

function runsOnPairs(count: number, seed: number): RunFactsWithDims[] {
  const next = seededRandom(seed);
  return randomRuns(count, seed).map((run) => ({
    ...run,
    engineId: ENGINES[Math.floor(next() * ENGINES.length)]!,
    promptId: PROMPTS[Math.floor(next() * PROMPTS.length)]!,
  }));
}

describe('digest slices', () => {
  const runs = runsOnPairs(400, 5);

  it("splits runs by (engine, prompt): each slice is its pair's runs, and the slices add up to the whole", () => {
    const slices = sliceRuns(runs);
    expect(slices.size).toBe(ENGINES.length * PROMPTS.length);
    const merged = emptyDigest();
    for (const [key, s] of slices) {
      expect(key).toBe(pairKey(s.pair));
      const own = emptyDigest();
      digestRuns(
        own,
        runs.filter((r) => pairKey(r) === key),
      );
      expect(canonicalDigest(s.digest)).toBe(canonicalDigest(own));
      mergeDigests(merged, s.digest);
    }
    const whole = emptyDigest();
    digestRuns(whole, runs);
    expect(canonicalDigest(merged)).toBe(canonicalDigest(whole));
  });

  it("merges children's stored slices per pair as slicing all their runs at once would", () => {
    const [a, b] = [runs.slice(0, 150), runs.slice(150)];
    const stored = [...sliceWrites(sliceRuns(a)), ...sliceWrites(sliceRuns(b))];
    const merged = mergeStoredSlices(stored);
    const direct = sliceRuns(runs);
    expect(merged.map((s) => pairKey(s)).sort()).toEqual([...direct.keys()].sort());
    for (const s of merged) {
      const want = direct.get(pairKey(s))!.digest;
      expect(canonicalDigest(decodeDigest(s.digest))).toBe(canonicalDigest(want));
      expect(s.runs).toBe(want.measured.runs + want.synthetic.runs);
    }
  });

  it('keeps a pair found in one child only as stored, and drops slices without runs', () => {
    const onlyLeft = sliceWrites(sliceRuns(runs.slice(0, 40)));
    const merged = mergeStoredSlices(onlyLeft);
    expect(merged).toEqual(onlyLeft); // the same text: nothing decoded or re-encoded
    const slices = sliceRuns(runs.slice(0, 3));
    slices.set('x|y', { pair: { engineId: 'x', promptId: 'y' }, digest: emptyDigest() });
    expect(sliceWrites(slices).map((s) => pairKey(s))).not.toContain('x|y');
    const groups = new Map<string, ReportDigest>();
    expect(groupDigest(groups, 'g')).toBe(groupDigest(groups, 'g'));
    expect(groups.size).toBe(1);
  });
});

describe('hoursAsRaw', () => {
  const t0 = Date.UTC(2026, 0, 1);

  it('reads the hour blocks raw and keeps the blocks above, tiling the same range', () => {
    const from = new Date(t0 + 5 * HOUR_MS + 600_000);
    const to = new Date(t0 + 9 * DAY_MS + 7 * HOUR_MS);
    const plan = planDigest(from, to, [t0 + 3 * DAY_MS + 4 * HOUR_MS]);
    const sliced = hoursAsRaw(plan);
    expect(sliced.blocks.every((b) => b.level > 0)).toBe(true);
    expect(sliced.blocks).toEqual(plan.blocks.filter((b) => b.level > 0));
    // The raw ranges are exactly the original raw ranges plus the hour blocks, joined where adjacent.
    const covered = (p: typeof plan) =>
      [
        ...p.raw.map((r) => r.to.getTime() - r.from.getTime()),
        ...p.blocks.map((b) => (b.level === 0 ? HOUR_MS : DAY_MS * 2 ** (b.level - 1))),
      ].reduce((x, y) => x + y, 0);
    expect(covered(sliced)).toBe(to.getTime() - from.getTime());
    expect(sliced.raw[0]!.from).toEqual(from);
    expect(sliced.raw[0]!.to).toEqual(new Date(t0 + DAY_MS)); // the first partial day, joined
    for (let i = 1; i < sliced.raw.length; i++) {
      expect(sliced.raw[i]!.from.getTime()).toBeGreaterThan(sliced.raw[i - 1]!.to.getTime());
    }
  });
});
