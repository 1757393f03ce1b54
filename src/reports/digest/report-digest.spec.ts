import { headToHead } from '../../../test/oracles/head-to-head';
import { percentile } from '../../scoring/statistics';
import { MAX_RELATIVE_ERROR } from './histogram';
import { decodeDigest, encodeDigest } from './digest-codec';
import { brandPercentiles, pairRows, topDomains } from './digest-views';
import { digestRuns, emptyDigest, mergeDigests, type RunFacts } from './report-digest';
import { BRANDS, randomRuns } from '../../../test/support/digest-runs';

describe('report digest', () => {
  const runs = randomRuns(600, 11);

  it('merges to what one pass over all runs gives, and survives its storage form', () => {
    const whole = emptyDigest();
    digestRuns(whole, runs);
    const merged = emptyDigest();
    for (let i = 0; i < runs.length; i += 37) {
      const part = emptyDigest();
      digestRuns(part, runs.slice(i, i + 37));
      mergeDigests(merged, decodeDigest(encodeDigest(part)));
    }
    expect(encodeDigest(merged)).toEqual(encodeDigest(whole));
    expect(encodeDigest(decodeDigest(encodeDigest(whole)))).toEqual(encodeDigest(whole));
    expect(whole.measured.runs + whole.synthetic.runs).toBe(runs.length);
  });

  it('gives head to head counts equal to the scoring module and medians within the bound', () => {
    const d = emptyDigest();
    digestRuns(d, runs);
    const measured = runs.filter((r) => !r.synthetic);
    const rows = pairRows(d.measured);
    expect(rows).toHaveLength(BRANDS.length * (BRANDS.length - 1));
    for (const row of rows) {
      const appearance = (r: RunFacts, id: string) => {
        const s = r.scores.find((x) => x.brandId === id)!;
        return s.mentioned
          ? { order: s.order!, firstVisibleAtUs: s.firstVisibleAtUs!, firstTokenIndex: s.firstTokenIndex! }
          : null;
      };
      const ref = headToHead(
        measured.map((r) => ({ a: appearance(r, row.brandA), b: appearance(r, row.brandB) })),
      );
      expect(row).toMatchObject({
        runs: ref.runs,
        both: ref.bothMentioned,
        onlyA: ref.onlyA,
        onlyB: ref.onlyB,
        aFirst: ref.aFirst,
      });
      const leads = measured
        .map((r) => [appearance(r, row.brandA), appearance(r, row.brandB)] as const)
        .filter(([a, b]) => a && b)
        .map(([a, b]) => b!.firstVisibleAtUs - a!.firstVisibleAtUs);
      const sorted = [...leads].sort((x, y) => x - y);
      const mid = (sorted.length - 1) / 2;
      const scale = Math.max(Math.abs(sorted[Math.floor(mid)]!), Math.abs(sorted[Math.ceil(mid)]!));
      expect(Math.abs(row.medianLeadUs! - ref.medianLeadMs! * 1000)).toBeLessThanOrEqual(
        MAX_RELATIVE_ERROR * scale + 1e-6,
      );
    }
  });

  it('gives brand percentiles within the bound of the exact percentile', () => {
    const d = emptyDigest();
    digestRuns(d, runs);
    for (const p of brandPercentiles(d.measured)) {
      const values = runs
        .filter((r) => !r.synthetic)
        .flatMap((r) => r.scores.filter((s) => s.brandId === p.brandId && s.mentioned))
        .map((s) => s.sinceFirstTokenUs!);
      for (const [q, got] of [
        [0.5, p.ttfmP50Us],
        [0.9, p.ttfmP90Us],
      ] as const) {
        const exact = percentile(values, q)!;
        expect(Math.abs(got! - exact) / exact).toBeLessThanOrEqual(MAX_RELATIVE_ERROR + 1e-9);
      }
    }
  });

  it('counts citations per run: citing runs, own-domain runs and citations next to a mention', () => {
    const run = (id: string, createdAtMs: number, brandOf: string | null): RunFacts => ({
      runId: id,
      synthetic: false,
      observedAtMs: 0,
      scores: [
        {
          brandId: 'b1',
          mentioned: true,
          order: 1,
          firstVisibleAtUs: 1,
          sinceFirstTokenUs: 1,
          firstTokenIndex: 1,
        },
        {
          brandId: 'b2',
          mentioned: false,
          order: null,
          firstVisibleAtUs: null,
          sinceFirstTokenUs: null,
          firstTokenIndex: null,
        },
      ],
      citations: [
        { domain: 'a.com', brandId: brandOf, createdAtMs, charStart: 500, charEnd: 520 },
        { domain: 'a.com', brandId: brandOf, createdAtMs, charStart: 2000, charEnd: 2010 },
      ],
      // b1's mention ends at 310: a citation starting at 500 is within 200 characters after it.
      mentions: [{ brandId: 'b1', charStart: 300, charEnd: 310 }],
    });
    const d = emptyDigest();
    digestRuns(d, [run('x', 5, 'b2'), run('y', 9, 'b1')]);
    expect(topDomains(d.measured)).toEqual([{ domain: 'a.com', citingRuns: 2, citations: 4, brandId: 'b1' }]);
    expect(d.measured.brands.get('b1')).toMatchObject({
      n: 2,
      mentioned: 2,
      ownCited: 1,
      citedNearMention: 2,
    });
    expect(d.measured.brands.get('b2')).toMatchObject({
      n: 2,
      mentioned: 0,
      ownCited: 1,
      citedNearMention: 0,
    });
    const far = run('z', 1, null);
    far.citations = [{ domain: 'b.com', brandId: null, createdAtMs: 1, charStart: 511, charEnd: 530 }];
    const e = emptyDigest();
    digestRuns(e, [far]);
    expect(e.measured.brands.get('b1')!.citedNearMention).toBe(0);
  });
});
