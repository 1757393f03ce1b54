// Breakdowns (groupBy) of the mentions, head-to-head and citations reports, over runs landed through the ledger's
// write path. Each group is checked three ways: its n and mention counts against a count over the scripted
// answers, its rows against the ungrouped report filtered to the group, and its runsQuery against GET /v1/runs.
import { ReportDigestService } from '../../src/reports/digest/report-digest.service';
import {
  createReportFixture,
  landScoredRun,
  type ReportFixture,
  ACME_GLOBEX_INITECH,
} from '../support/scored-runs';
import { createWorkspace, startTestApp, type TestApp, type TestWorkspace } from '../support/test-app';

const HOUR = 3600_000;
const DAY = 24 * HOUR;
const BRANDS = ['Acme', 'Globex', 'Initech'] as const;
const TEXTS: string[][] = [
  ['Acme leads the pack. ', 'Globex follows.'],
  ['Globex and ', 'Initech are good.'],
  ['Initech only.'],
  ['Nothing relevant here.'],
  ['Acme alone ', 'is great.'],
];
const CITATIONS: Record<number, { url: string; domain: string; charStart?: number; charEnd?: number }[]> = {
  0: [{ url: 'https://acme.com/a', domain: 'acme.com', charStart: 5, charEnd: 10 }],
  1: [
    { url: 'https://review.io/x', domain: 'review.io' },
    { url: 'https://globex.com/y', domain: 'globex.com', charStart: 0, charEnd: 6 },
  ],
  2: [{ url: 'https://review.io/z', domain: 'review.io' }],
  4: [{ url: 'https://docs.acme.com/b', domain: 'docs.acme.com' }],
};
const TAGS = [['crm', 'b2b'], ['crm'], []];

/** A Monday, 00:00 UTC, four weeks ago: the scripted runs fall on its days 1, 2 and 8. */
const MONDAY = (() => {
  const today = Math.floor(Date.now() / DAY) * DAY;
  return today - ((new Date(today).getUTCDay() + 6) % 7) * DAY - 28 * DAY;
})();
const FROM = new Date(MONDAY + DAY + 2 * HOUR);
const TO = new Date(MONDAY + 8 * DAY + 12 * HOUR);

interface Scripted {
  prompt: number;
  engine: number;
  at: number;
  text: number;
  synthetic: boolean;
}

const RUNS: Scripted[] = [];
for (let p = 0; p < 3; p++) {
  for (let e = 0; e < 2; e++) {
    [1, 2, 8].forEach((d, i) =>
      RUNS.push({
        prompt: p,
        engine: e,
        at: MONDAY + d * DAY + [3, 5, 1][i]! * HOUR + (p * 2 + e) * 60_000,
        text: (p * 2 + e * 3 + i) % 5,
        synthetic: false,
      }),
    );
  }
}
RUNS.push({ prompt: 0, engine: 0, at: MONDAY + DAY + 4 * HOUR, text: 0, synthetic: true });
// Outside the range: counted nowhere.
RUNS.push({ prompt: 1, engine: 1, at: MONDAY + 10 * DAY, text: 1, synthetic: false });

type Key = Record<string, string | undefined>;
type Json = Record<string, unknown>;

const DIMENSIONS = [
  ['engine'],
  ['prompt'],
  ['tag'],
  ['day'],
  ['week'],
  ['brand'],
  ['engine', 'prompt'],
  ['tag', 'week'],
  ['prompt', 'brand'],
  ['day', 'engine'],
];

const strip = (row: Json, ...keys: string[]) =>
  Object.fromEntries(Object.entries(row).filter(([k]) => !keys.includes(k)));

describe('report breakdowns (groupBy)', () => {
  let t: TestApp;
  let ws: TestWorkspace;
  let fx: ReportFixture;

  const get = async (path: string, query: Record<string, string>) =>
    (await t.http().get(path).query(query).set(ws.auth('read')).expect(200)).body as Json;

  beforeAll(async () => {
    t = await startTestApp({ EGRESS_ALLOW_PRIVATE: 'true' });
    ws = await createWorkspace(t);
    fx = await createReportFixture(t, ws.auth(), {
      brands: ACME_GLOBEX_INITECH,
      engines: 2,
      prompts: TAGS.map((tags, i) => ({ text: `prompt ${i}`, tags })),
    });
    for (const r of RUNS) {
      await landScoredRun(t, ws.workspaceId, fx.projectId, {
        promptId: fx.prompts[r.prompt]!,
        engineId: fx.engines[r.engine]!,
        synthetic: r.synthetic,
        at: new Date(r.at),
        chunks: TEXTS[r.text]!,
        citations: CITATIONS[r.text] ?? [],
      });
    }
    // Stored blocks for the time-only breakdowns; the others read raw rows.
    await t.app.get(ReportDigestService).drain();
  }, 120_000);
  afterAll(async () => {
    await t.close();
  });

  /** The scripted runs of a section in a group (brand aside). */
  function runsIn(key: Key, synthetic: boolean): Scripted[] {
    return RUNS.filter((r) => {
      if (r.synthetic !== synthetic || r.at < FROM.getTime() || r.at >= TO.getTime()) return false;
      if (key.engineId !== undefined && fx.engines[r.engine] !== key.engineId) return false;
      if (key.promptId !== undefined && fx.prompts[r.prompt] !== key.promptId) return false;
      if (key.tag !== undefined && !TAGS[r.prompt]!.includes(key.tag)) return false;
      if (key.day !== undefined && Math.floor(r.at / DAY) * DAY !== Date.parse(key.day)) return false;
      if (key.week !== undefined && (r.at < Date.parse(key.week) || r.at >= Date.parse(key.week) + 7 * DAY)) {
        return false;
      }
      return true;
    });
  }

  /** The query of the ungrouped report over exactly a group's runs. */
  function filterOf(key: Key): Record<string, string> {
    const bucket = key.day ?? key.week;
    const span = key.day !== undefined ? DAY : 7 * DAY;
    return {
      projectId: fx.projectId,
      from: new Date(
        bucket === undefined ? FROM : Math.max(Date.parse(bucket), FROM.getTime()),
      ).toISOString(),
      to: new Date(
        bucket === undefined ? TO : Math.min(Date.parse(bucket) + span, TO.getTime()),
      ).toISOString(),
      ...(key.engineId ? { engineIds: key.engineId } : {}),
      ...(key.promptId ? { promptIds: key.promptId } : {}),
      ...(key.tag ? { tags: key.tag } : {}),
    };
  }

  it('rejects an unknown dimension, more than two, duplicates, and day with week', async () => {
    for (const groupBy of ['colour', 'engine,prompt,tag', 'engine,engine', 'day,week', '']) {
      const res = await t
        .http()
        .get('/v1/reports/mentions')
        .query({ projectId: fx.projectId, groupBy })
        .set(ws.auth('read'))
        .expect(400);
      expect(res.body.error.code).toBe('validation_failed');
    }
  });

  it.each(DIMENSIONS.map((d) => [d.join(',')]))(
    'groupBy=%s: every group equals the report filtered to it',
    async (groupBy) => {
      const dims = groupBy.split(',');
      const base = { projectId: fx.projectId, from: FROM.toISOString(), to: TO.toISOString() };
      const [mentions, h2h, citations] = await Promise.all(
        ['mentions', 'head-to-head', 'citations'].map((r) => get(`/v1/reports/${r}`, { ...base, groupBy })),
      );
      for (const report of [mentions, h2h, citations]) expect(report?.groupBy).toEqual(groupBy.split(','));
      for (const synthetic of [false, true]) {
        const section = synthetic ? 'synthetic' : 'measured';
        const mGroups = (mentions!.groups as Record<string, Json[]>)[section]!;
        const hGroups = (h2h!.groups as Record<string, Json[]>)[section]!;
        const cGroups = (citations!.groups as Record<string, Json[]>)[section]!;
        // The same groups in the three reports, and exactly the non-empty ones.
        const keys = mGroups.map((g) => g.key as Key);
        expect(hGroups.map((g) => g.key)).toEqual(keys);
        expect(cGroups.map((g) => g.key)).toEqual(keys);
        expect(new Set(keys.map((k) => JSON.stringify(strip(k, 'brandId', 'brandName')))).size).toBe(
          expectedGroupCount(dims, synthetic),
        );
        for (const [i, key] of keys.entries()) {
          const runs = runsIn(key, synthetic);
          expect(mGroups[i]!.n).toBe(runs.length);
          const q = filterOf(key);
          const [fm, fh, fc] = await Promise.all(
            ['mentions', 'head-to-head', 'citations'].map((r) => get(`/v1/reports/${r}`, q)),
          );
          // Mentions: the filtered report's brand rows (without period-over-period), counts as scripted.
          const expected = (sectionOf(fm!, section).brands as Json[])
            .filter((b) => key.brandId === undefined || b.brandId === key.brandId)
            .map((b) => strip(b, 'previous', 'change', 'runsQuery'));
          const got = (mGroups[i]!.brands as Json[]).map((b) => strip(b, 'runsQuery'));
          expect(got).toEqual(expected);
          for (const b of got) {
            const name = BRANDS.find((n) => fx.brands[n] === b.brandId)!;
            expect(b.n).toBe(runs.length);
            expect(b.mentionedRuns).toBe(runs.filter((r) => TEXTS[r.text]!.join('').includes(name)).length);
          }
          // Head to head: the filtered report's pairs (a brand group: the pairs led by that brand).
          const pairs = (sectionOf(fh!, section) as unknown as Json[])
            .filter((p) => key.brandId === undefined || (p.brandA as Json).id === key.brandId)
            .map((p) => strip(p, 'runsQuery'));
          expect((hGroups[i]!.pairs as Json[]).map((p) => strip(p, 'runsQuery'))).toEqual(pairs);
          // Citations: the filtered report's domains and brands (a brand group: that brand's domains and row).
          const cs = sectionOf(fc!, section);
          expect((cGroups[i]!.domains as Json[]).map((d) => strip(d, 'runsQuery'))).toEqual(
            (cs.domains as Json[])
              .filter((d) => key.brandId === undefined || d.brandId === key.brandId)
              .map((d) => strip(d, 'runsQuery')),
          );
          expect(cGroups[i]!.brands).toEqual(
            (cs.brands as Json[]).filter((b) => key.brandId === undefined || b.brandId === key.brandId),
          );
          // The drill-down lists exactly the group's runs.
          const listed = await get('/v1/runs', {
            ...(mGroups[i]!.runsQuery as Record<string, string>),
            limit: '100',
          });
          expect((listed.data as Json[]).length).toBe(runs.length);
        }
      }
    },
    120_000,
  );

  it('writes CSV with the report columns, then the group columns', async () => {
    const res = await t
      .http()
      .get('/v1/reports/mentions')
      .query({ projectId: fx.projectId, from: FROM.toISOString(), to: TO.toISOString(), groupBy: 'engine' })
      .query({ format: 'csv' })
      .set(ws.auth('read'))
      .expect(200);
    const lines = res.text.trimEnd().split('\r\n');
    const header = lines[0]!.split(',');
    expect(header.slice(0, 2)).toEqual(['section', 'brand_id']);
    expect(header.slice(-10)).toEqual([
      'group_engine_id',
      'group_engine_name',
      'group_prompt_id',
      'group_prompt_text',
      'group_tag',
      'group_brand_id',
      'group_brand_name',
      'group_day',
      'group_week',
      'group_n',
    ]);
    // Measured: 2 engines x 3 brands; synthetic: 1 engine x 3 brands.
    expect(lines).toHaveLength(1 + 6 + 3);
    const engineCol = header.indexOf('group_engine_id');
    const nCol = header.indexOf('group_n');
    const first = lines[1]!.split(',');
    expect(first[0]).toBe('measured');
    expect(Number(first[nCol])).toBe(runsIn({ engineId: first[engineCol] }, false).length);
  });

  /** Non-empty groups (brand aside) of the scripted runs in range. */
  function expectedGroupCount(dims: string[], synthetic: boolean): number {
    const keys = new Set<string>();
    for (const r of RUNS) {
      if (r.synthetic !== synthetic || r.at < FROM.getTime() || r.at >= TO.getTime()) continue;
      const tags = dims.includes('tag') ? TAGS[r.prompt]! : [''];
      for (const tag of tags) {
        keys.add(
          dims
            .map((d) =>
              d === 'engine'
                ? r.engine
                : d === 'prompt'
                  ? r.prompt
                  : d === 'tag'
                    ? tag
                    : d === 'day'
                      ? Math.floor(r.at / DAY)
                      : d === 'week'
                        ? Math.floor((r.at - MONDAY) / (7 * DAY))
                        : '',
            )
            .join('|'),
        );
      }
    }
    return keys.size;
  }
});

function sectionOf(report: Json, section: string): Json {
  return report[section] as Json;
}
