import { bodyOf, editBodyOf, emptyDraft } from './prompt-draft';
import { promptRows, rivalOf } from './prompt-matrix';

const OWN = 'own';
type Pair = Parameters<typeof rivalOf>[0] extends infer G
  ? G extends { pairs: (infer P)[] }
    ? P
    : never
  : never;
type Group = NonNullable<Parameters<typeof rivalOf>[0]>;

function pair(a: string, b: string, onlyA: number, aFirst: number, both: number): Pair {
  return {
    brandA: { id: a, name: a.toUpperCase() },
    brandB: { id: b, name: b.toUpperCase() },
    runs: 10,
    bothMentioned: both,
    onlyA,
    onlyB: 0,
    aFirstRate: { rate: both === 0 ? null : aFirst / both, low: null, high: null, n: both },
    medianLeadMs: null,
    medianLeadTokens: null,
    runsQuery: { projectId: 'p', synthetic: 'false', observedFrom: 'f', observedTo: 't' },
  };
}

const group = (pairs: Pair[], n = 10): Group => ({
  key: { promptId: 'p1', engineId: 'e1' },
  n,
  pairs,
  runsQuery: { projectId: 'p', synthetic: 'false', observedFrom: 'f', observedTo: 't' },
});

describe('rivalOf', () => {
  it('counts runs naming the competitor without the own brand or before it', () => {
    const g = group([pair('acme', OWN, 2, 1, 3), pair('zeta', OWN, 0, 2, 3), pair(OWN, 'acme', 1, 2, 3)]);
    expect(rivalOf(g, OWN)).toEqual({ brandId: 'acme', name: 'ACME', beats: 3, of: 10 });
  });

  it('breaks ties by name, and names nobody when no competitor is ever ahead', () => {
    expect(rivalOf(group([pair('zeta', OWN, 1, 1, 2), pair('acme', OWN, 2, 0, 2)]), OWN)?.name).toBe('ACME');
    expect(rivalOf(group([pair('acme', OWN, 0, 0, 4)]), OWN)).toBeNull();
    expect(rivalOf(undefined, OWN)).toBeNull();
  });
});

describe('promptRows', () => {
  it("lists each prompt's engines, then engines it ran on and no longer has", () => {
    const prompt = {
      id: 'p1',
      projectId: 'p',
      text: 'Q?',
      revision: 1,
      tags: [],
      engineIds: ['e2'],
      cron: '0 9 * * *',
      timezone: 'UTC',
      samplesPerSlot: 1,
      active: true,
      nextSlotAt: null,
      createdAt: '',
      updatedAt: '',
    };
    const mentions = [
      {
        key: { promptId: 'p1', engineId: 'e9' },
        n: 4,
        brands: [
          { brandId: OWN, n: 4, mentionRate: { rate: 0.5, low: 0.15, high: 0.85 }, meanStreamScore: 12 },
        ],
      },
    ] as unknown as Parameters<typeof promptRows>[2];
    const rows = promptRows([prompt], [], mentions, [], OWN);
    expect(rows.map((r) => [r.engineId, r.first, r.n, r.own?.rate ?? null, r.streamScore])).toEqual([
      ['e2', true, 0, null, null],
      ['e9', false, 4, 0.5, 12],
    ]);
    expect(rows[1]!.engineName).toBe('Deleted engine');
  });
});

describe('prompt bodies', () => {
  it('sends what was typed: a number when it reads as one, the text otherwise; an edit leaves active out', () => {
    const d = { ...emptyDraft(['e']), text: ' Q ', tags: 'a, ,b', samplesPerSlot: 'two' };
    expect(bodyOf(d)).toMatchObject({ text: ' Q ', tags: ['a', 'b'], samplesPerSlot: 'two', active: true });
    expect(bodyOf({ ...d, samplesPerSlot: ' 3 ' }).samplesPerSlot).toBe(3);
    expect('active' in editBodyOf(d)).toBe(false);
  });
});
