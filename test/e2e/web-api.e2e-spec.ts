// What the web app's screens read (docs/web-api.md), over runs produced by the real pipeline (fake
// OpenAI-compatible stream → worker → capture → detection → scoring → insertResults): the compatibility columns
// written by the live result path, the runs-list drill-down filters, the arrival ("seen by t") report, and the
// `runsQuery` objects of report groups listing exactly the runs behind their numbers.
import { PrismaService } from '../../src/infra/prisma/prisma.service';
import { type FakeOpenAiServer } from '../fakes/fake-openai-server';
import { openAiChunkEvents, writesOf } from '../fakes/openai-sse-script';
import {
  createPipelineFixture,
  runNow,
  startPipelineHarness,
  waitForRun,
  type PipelineFixture,
  type PipelineHarness,
} from '../support/pipeline';
import { createWorkspace, type TestApp, type TestWorkspace } from '../support/test-app';

/** The worked example of docs/metrics.md: HubSpot 1st (token 8), Zoho ("Zoho CRM") 2nd, Acme absent. */
const ANSWER_1 = [
  '## Best CRMs\n\n',
  '1. **HubSpot** i',
  's free to start.\n2. ',
  'Zoho CRM is cheaper.',
  '\n\nHubSpot wins for most teams.',
];
/** Zoho first, then Acme; HubSpot absent. */
const ANSWER_2 = ['Zoho CRM leads the market. ', 'Acme is a cheaper pick.'];

describe('web app API (e2e): drill-down filters, arrival report, live compatibility scores', () => {
  let h: PipelineHarness | undefined;
  let t: TestApp;
  let fake: FakeOpenAiServer;
  let ws: TestWorkspace;
  let other: TestWorkspace;
  let fx: PipelineFixture;
  let run1: string;
  let run2: string;
  let hub: string;
  let zoho: string;
  let acme: string;

  beforeAll(async () => {
    h = await startPipelineHarness('webapi', { RUN_MAX_ATTEMPTS: '1' });
    const baseUrl = h.baseUrl;
    ({ t, ws, fake } = h);
    other = await createWorkspace(t);
    fx = await createPipelineFixture(t, ws, {
      baseUrl,
      brands: [{ name: 'HubSpot', kind: 'own' }, { name: 'Zoho', aliases: ['Zoho CRM'] }, { name: 'Acme' }],
    });
    [hub, zoho, acme] = ['HubSpot', 'Zoho', 'Acme'].map((name) => fx.brands[name]!) as [
      string,
      string,
      string,
    ];
    const land = async (texts: string[]) => {
      fake.enqueue({ writes: writesOf(openAiChunkEvents(texts), 5) });
      const run = await waitForRun(t, ws, await runNow(t, ws, fx.promptId), 15_000);
      expect(run.status).toBe('succeeded');
      return run.id;
    };
    run1 = await land(ANSWER_1);
    run2 = await land(ANSWER_2);
  });

  afterAll(() => h?.stop());

  const runIds = async (query: Record<string, string | number>, who = ws) => {
    const res = await t.http().get('/v1/runs').query(query).set(who.auth('read')).expect(200);
    return (res.body.data as { id: string }[]).map((r) => r.id).sort();
  };
  const sorted = (...ids: string[]) => [...ids].sort();

  it('stores Trakkr points and GEO values from the live result write (not only the backfill)', async () => {
    const rows = await t.app.get(PrismaService).runBrandScore.findMany({
      where: { runId: { in: [run1, run2] } },
      select: {
        runId: true,
        brandId: true,
        mentioned: true,
        trakkrPoints: true,
        geoWeightedWords: true,
        geoShareOfAnswer: true,
      },
    });
    expect(rows).toHaveLength(6);
    for (const r of rows) {
      if (r.mentioned) {
        expect(r.trakkrPoints).toBeGreaterThan(0);
        expect(Number(r.geoWeightedWords)).toBeGreaterThan(0);
        expect(Number(r.geoShareOfAnswer)).toBeGreaterThan(0);
      } else {
        expect(r.trakkrPoints).toBe(0);
        expect(Number(r.geoWeightedWords)).toBe(0);
      }
    }
    // Run 1 is the worked example: HubSpot 1st of 2 named → 10 points, Zoho 2nd of 2 → 1; GEO as documented.
    const hub1 = rows.find((r) => r.runId === run1 && r.brandId === hub)!;
    expect(hub1.trakkrPoints).toBe(10);
    expect(Number(hub1.geoWeightedWords)).toBeCloseTo(6.255836679, 6);
    const report = await t
      .http()
      .get('/v1/reports/mentions')
      .query({ projectId: fx.projectId })
      .set(ws.auth('read'))
      .expect(200);
    const hubRow = report.body.measured.brands.find((b: { brandId: string }) => b.brandId === hub);
    expect(hubRow.compatibility.meanTrakkrPoints).toBe(5);
    expect(hubRow.compatibility.geo.n).toBe(2);
  });

  it('filters the runs list by brand mentioned / not mentioned, first brand, fold and arrival', async () => {
    const base = { projectId: fx.projectId };
    expect(await runIds(base)).toEqual(sorted(run1, run2));
    expect(await runIds({ ...base, brandId: hub, mentioned: 'true' })).toEqual([run1]);
    expect(await runIds({ ...base, brandId: hub, mentioned: 'false' })).toEqual([run2]);
    expect(await runIds({ ...base, brandId: acme })).toEqual(sorted(run1, run2));
    expect(await runIds({ ...base, firstBrandId: hub })).toEqual([run1]);
    expect(await runIds({ ...base, firstBrandId: zoho })).toEqual([run2]);
    expect(await runIds({ ...base, brandId: hub, fold: 'above' })).toEqual([run1]);
    expect(await runIds({ ...base, brandId: hub, fold: 'below' })).toEqual([]);
    expect(await runIds({ ...base, brandId: zoho, mentioned: 'true', alsoMentionedBrandId: acme })).toEqual([
      run2,
    ]);
    // HubSpot's first mention: token 8, a few ms after the first token.
    expect(await runIds({ ...base, brandId: hub, reachedBeforeToken: 9 })).toEqual([run1]);
    expect(await runIds({ ...base, brandId: hub, reachedBeforeToken: 8 })).toEqual([]);
    expect(await runIds({ ...base, brandId: hub, reachedWithinMs: 30_000 })).toEqual([run1]);
    expect(await runIds({ ...base, synthetic: 'true' })).toEqual([]);
    expect(
      await runIds({ ...base, synthetic: 'false', engineIds: fx.engineId, promptIds: fx.promptId }),
    ).toEqual(sorted(run1, run2));
    expect(await runIds({ ...base, tags: 'no-such-tag' })).toEqual([]);
    expect(await runIds({ ...base, observedFrom: new Date(Date.now() + 60_000).toISOString() })).toEqual([]);
    // Paginated like before: one per page, the cursor reaches the other.
    const page = await t
      .http()
      .get('/v1/runs')
      .query({ ...base, brandId: acme, limit: 1 })
      .set(ws.auth('read'))
      .expect(200);
    expect(page.body.data).toHaveLength(1);
    expect(
      await runIds({ ...base, brandId: acme, limit: 1, cursor: page.body.nextCursor as string }),
    ).toHaveLength(1);
  });

  it("gives each runs-list row its TTFT and the brands it named, in arrival order, as the run's detail has them", async () => {
    const list = await t
      .http()
      .get('/v1/runs')
      .query({ projectId: fx.projectId })
      .set(ws.auth('read'))
      .expect(200);
    for (const row of list.body.data as Record<string, unknown>[]) {
      const detail = (
        await t
          .http()
          .get(`/v1/runs/${row.id as string}`)
          .set(ws.auth('read'))
          .expect(200)
      ).body;
      const named = (detail.scores as { brandId: string; mentioned: boolean; firstVisibleAtMs: number }[])
        .filter((s) => s.mentioned)
        .sort((a, b) => a.firstVisibleAtMs - b.firstVisibleAtMs)
        .map((s) => s.brandId);
      expect(named.length).toBeGreaterThan(0);
      expect(row).toMatchObject({
        ttftMs: detail.result.timings.ttftMs,
        mentionedBrandIds: named,
        firstBrandId: named[0],
      });
    }
  });

  it('rejects bad drill-down filters with a 400 naming the parameter', async () => {
    const bad: [Record<string, string>, string][] = [
      [{ mentioned: 'true' }, 'mentioned requires brandId'],
      [{ fold: 'above' }, 'fold requires brandId'],
      [{ brandId: hub, fold: 'sideways' }, 'query.fold'],
      [{ brandId: hub, mentioned: 'yes' }, 'query.mentioned'],
      [{ brandId: hub, mentioned: 'false', fold: 'below' }, 'cannot be combined with mentioned=false'],
      [{ brandId: 'not-a-uuid' }, 'query.brandId'],
      [{ firstBrandId: 'x' }, 'query.firstBrandId'],
      [{ brandId: hub, reachedWithinMs: '-1' }, 'query.reachedWithinMs'],
      [{ engineIds: 'a,b' }, 'query.engineIds'],
      [
        { observedFrom: '2026-02-01T00:00:00Z', observedTo: '2026-01-01T00:00:00Z' },
        'observedFrom must be before',
      ],
    ];
    for (const [query, message] of bad) {
      const res = await t.http().get('/v1/runs').query(query).set(ws.auth('read')).expect(400);
      expect(res.body.error.code).toBe('validation_failed');
      expect(res.body.error.message).toContain(message);
    }
  });

  it('keeps the drill-down filters tenant-scoped', async () => {
    expect(await runIds({ projectId: fx.projectId, brandId: hub, mentioned: 'true' }, other)).toEqual([]);
    expect(await runIds({ firstBrandId: zoho }, other)).toEqual([]);
  });

  it('serves the arrival ("seen by t") report per brand with n, Wilson bounds and a runs query', async () => {
    const res = await t
      .http()
      .get('/v1/reports/arrival')
      .query({ projectId: fx.projectId })
      .set(ws.auth('read'))
      .expect(200);
    const body = res.body;
    expect(body.settings.timeGridMs).toHaveLength(61);
    expect(body.settings.timeGridMs.at(-1)).toBe(30_000);
    expect(body.settings.tokenGrid.slice(0, 3)).toEqual([0, 10, 20]);
    expect(body.synthetic.brands).toEqual([]);
    expect(body.measured.successfulRuns).toBe(2);
    const h = body.measured.brands.find((b: { brandId: string }) => b.brandId === hub);
    expect(h).toMatchObject({ name: 'HubSpot', kind: 'own', n: 2, mentionedRuns: 1 });
    expect(h.byTime.at(-1)).toEqual({ tMs: 30_000, count: 1, share: 0.5, lower: 0.094531, upper: 0.905469 });
    expect(h.byToken[0]).toMatchObject({ k: 0, count: 0, share: 0 });
    expect(h.byToken[1]).toMatchObject({ k: 10, count: 1, share: 0.5 });
    // Curves never decrease.
    for (let i = 1; i < h.byTime.length; i++) {
      expect(h.byTime[i].count).toBeGreaterThanOrEqual(h.byTime[i - 1].count);
    }
    const a = body.measured.brands.find((b: { brandId: string }) => b.brandId === acme);
    expect(a.byToken.at(-1).count).toBe(1);
    // The drill-down lists the n runs; with mentioned=true, the mentioned ones.
    expect(await runIds(h.runsQuery)).toEqual(sorted(run1, run2));
    expect(await runIds({ ...h.runsQuery, mentioned: 'true' })).toEqual([run1]);
    expect(await runIds({ ...h.runsQuery, reachedBeforeToken: 10 })).toEqual([run1]);
    // Brand filter selects rows.
    const only = await t
      .http()
      .get('/v1/reports/arrival')
      .query({ projectId: fx.projectId, brandIds: zoho })
      .set(ws.auth('read'))
      .expect(200);
    expect(only.body.measured.brands.map((b: { brandId: string }) => b.brandId)).toEqual([zoho]);
  });

  it("answers 404 for another workspace's project and 400 for bad report input", async () => {
    await t
      .http()
      .get('/v1/reports/arrival')
      .query({ projectId: fx.projectId })
      .set(other.auth('read'))
      .expect(404);
    for (const query of [
      {},
      { projectId: 'nope' },
      { projectId: fx.projectId, from: '2026-02-01T00:00:00Z', to: '2026-01-01T00:00:00Z' },
      { projectId: fx.projectId, format: 'csv' },
      { projectId: fx.projectId, brandIds: 'x' },
    ]) {
      await t.http().get('/v1/reports/arrival').query(query).set(ws.auth('read')).expect(400);
    }
  });

  it('gives report groups a runsQuery listing exactly their runs', async () => {
    const q = { projectId: fx.projectId };
    const mentions = (await t.http().get('/v1/reports/mentions').query(q).set(ws.auth('read')).expect(200))
      .body;
    for (const b of mentions.measured.brands) {
      expect(await runIds(b.runsQuery)).toHaveLength(b.n);
      expect(await runIds({ ...b.runsQuery, mentioned: 'true' })).toHaveLength(b.mentionedRuns);
      expect(await runIds({ ...b.runsQuery, fold: 'above' })).toHaveLength(
        b.aboveFoldRate.n * b.aboveFoldRate.rate,
      );
      expect(b.previous).toBeNull();
      expect(b.change).toEqual({
        mentionRatePoints: null,
        meanStreamScore: null,
        shareOfVoicePoints: null,
        aboveFoldRatePoints: null,
        timeToFirstMentionP50Ms: null,
      });
    }
    const h2h = (await t.http().get('/v1/reports/head-to-head').query(q).set(ws.auth('read')).expect(200))
      .body;
    const pair = h2h.measured.find(
      (p: { brandA: { id: string }; brandB: { id: string } }) => p.brandA.id === hub && p.brandB.id === zoho,
    );
    expect(pair.bothMentioned).toBe(1);
    expect(await runIds(pair.runsQuery)).toEqual([run1]);
    const trend = (await t.http().get('/v1/reports/trend').query(q).set(ws.auth('read')).expect(200)).body;
    const rows = trend.measured.filter((r: { brandId: string }) => r.brandId === zoho);
    expect(rows.length).toBeGreaterThan(0);
    const total = rows.reduce((acc: number, r: { n: number }) => acc + r.n, 0);
    expect(total).toBe(2);
    for (const r of rows) {
      expect(r).toMatchObject({ name: 'Zoho', kind: 'competitor' });
      expect(r.aboveFoldRate.n).toBe(r.n);
      expect(r.shareOfVoice).toBeGreaterThan(0);
      expect(await runIds(r.runsQuery)).toHaveLength(r.n);
    }
  });
});
