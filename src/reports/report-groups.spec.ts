import { bucketStart, groupBySchema, groupFilter, runGroupKeys } from './report-groups';

const iso = (ms: number) => new Date(ms).toISOString();

describe('report groups', () => {
  it('parses one or two distinct dimensions, comma-separated or repeated', () => {
    expect(groupBySchema.parse('engine')).toEqual(['engine']);
    expect(groupBySchema.parse(' prompt , tag ')).toEqual(['prompt', 'tag']);
    expect(groupBySchema.parse(['brand', 'week'])).toEqual(['brand', 'week']);
    for (const bad of ['colour', 'engine,prompt,tag', 'engine,engine', 'day,week', '', 'engine,']) {
      expect(groupBySchema.safeParse(bad).success).toBe(false);
    }
  });

  it('starts days at UTC midnight and weeks on Monday', () => {
    const wed = Date.parse('2026-11-18T15:30:00Z');
    expect(iso(bucketStart(wed, 'day'))).toBe('2026-11-18T00:00:00.000Z');
    expect(iso(bucketStart(wed, 'week'))).toBe('2026-11-16T00:00:00.000Z');
    expect(iso(bucketStart(Date.parse('2026-11-16T00:00:00Z'), 'week'))).toBe('2026-11-16T00:00:00.000Z');
    expect(iso(bucketStart(Date.parse('2026-11-15T23:59:59Z'), 'week'))).toBe('2026-11-09T00:00:00.000Z');
  });

  it('puts a run in the group of each (filtered) tag of its prompt, and in none when untagged', () => {
    const run = { engineId: 'e', promptId: 'p' };
    const tags = new Map([['p', ['crm', 'b2b']]]);
    expect(runGroupKeys(run, ['engine', 'tag'], tags, [])).toEqual([
      { engineId: 'e', tag: 'crm' },
      { engineId: 'e', tag: 'b2b' },
    ]);
    expect(runGroupKeys(run, ['tag'], tags, ['b2b'])).toEqual([{ tag: 'b2b' }]);
    expect(runGroupKeys(run, ['tag'], new Map(), [])).toEqual([]);
    expect(runGroupKeys(run, ['engine', 'prompt'], tags, [])).toEqual([{ engineId: 'e', promptId: 'p' }]);
  });

  it("narrows the report's filter to a group, clipping time buckets to the range", () => {
    const f = {
      projectId: 'x',
      from: new Date('2026-11-18T06:00:00Z'),
      to: new Date('2026-11-30T00:00:00Z'),
      brandIds: [],
      engineIds: ['e1', 'e2'],
      promptIds: [],
      tags: [],
    };
    const g = groupFilter(f, { engineId: 'e2', week: '2026-11-16T00:00:00.000Z' });
    expect(g).toMatchObject({ engineIds: ['e2'], promptIds: [], tags: [] });
    expect([g.from.toISOString(), g.to.toISOString()]).toEqual([
      '2026-11-18T06:00:00.000Z',
      '2026-11-23T00:00:00.000Z',
    ]);
  });
});
