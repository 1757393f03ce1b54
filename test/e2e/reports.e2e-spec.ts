// Report aggregates checked against hand computations over a small, fully known set of score rows.
import { randomUUID } from 'node:crypto';
import { PrismaService } from '../../src/infra/prisma/prisma.service';
import { trakkrPoints } from '../../src/scoring/compatibility-scores';
import { createWorkspace, startTestApp, type TestApp, type TestWorkspace } from '../support/test-app';

interface Seen {
  order: number;
  visibleMs: number;
  sinceMs: number;
  token: number;
  rel: number;
  count: number;
  /** GEO weighted words and share of answer, when the run was scored with them. */
  geo?: [number, number];
}

describe('mention and head-to-head reports', () => {
  let t: TestApp;
  let ws: TestWorkspace;
  let projectId: string;
  let a: string;
  let b: string;

  beforeAll(async () => {
    t = await startTestApp();
    ws = await createWorkspace(t);
    projectId = (await t.http().post('/v1/projects').set(ws.auth()).send({ name: 'report' }).expect(201)).body
      .id;
    a = (
      await t
        .http()
        .post(`/v1/projects/${projectId}/brands`)
        .set(ws.auth())
        .send({ name: 'A', kind: 'own' })
        .expect(201)
    ).body.id;
    b = (
      await t
        .http()
        .post(`/v1/projects/${projectId}/brands`)
        .set(ws.auth())
        .send({ name: 'B', kind: 'competitor' })
        .expect(201)
    ).body.id;
    // Four measured runs (A, B): (1st, 2nd), (2nd, 1st), (1st, absent), (absent, absent); one failed run;
    // one synthetic run that must not leak into the measured figures.
    const runs: [Seen | null, Seen | null, boolean][] = [
      [
        { order: 1, visibleMs: 1500, sinceMs: 1000, token: 10, rel: 0.1, count: 1, geo: [6, 0.3] },
        { order: 2, visibleMs: 3500, sinceMs: 3000, token: 40, rel: 0.4, count: 1, geo: [3, 0.15] },
        false,
      ],
      [
        { order: 2, visibleMs: 5400, sinceMs: 5000, token: 60, rel: 0.6, count: 1, geo: [2, 0.1] },
        { order: 1, visibleMs: 2400, sinceMs: 2000, token: 20, rel: 0.2, count: 1, geo: [5, 0.25] },
        false,
      ],
      [{ order: 1, visibleMs: 300, sinceMs: 0, token: 0, rel: 0, count: 2, geo: [4, 0.2] }, null, false],
      [null, null, false],
      [{ order: 1, visibleMs: 100, sinceMs: 50, token: 1, rel: 0.01, count: 5 }, null, true],
    ];
    const prisma = t.app.get(PrismaService);
    const observedAt = new Date(Date.now() - 3600_000);
    for (const [sa, sb, synthetic] of runs) {
      const named = [sa, sb].filter((x) => x !== null).length;
      const run = await insertRun(prisma, 'succeeded', synthetic, observedAt);
      for (const [brandId, s] of [
        [a, sa],
        [b, sb],
      ] as const) {
        const attention = s ? 2 ** (-s.sinceMs / 10_000) : 0;
        await prisma.runBrandScore.create({
          data: {
            runId: run,
            brandId,
            projectId,
            promptId: randomUUID(),
            engineId: randomUUID(),
            observedAt,
            synthetic,
            mentioned: s !== null,
            mentionCount: s?.count ?? 0,
            firstVisibleAtUs: s ? s.visibleMs * 1000 : null,
            sinceFirstTokenUs: s ? s.sinceMs * 1000 : null,
            firstTokenIndex: s?.token ?? null,
            relPosition: s ? s.rel.toFixed(8) : null,
            order: s?.order ?? null,
            aboveFold: s !== null && s.token < 150,
            attention: attention.toFixed(10),
            streamScore: (attention * 100).toFixed(8),
            // What the scorer stores: Trakkr points of the run (1st of 2 → 10, 2nd of 2 → 1, alone → 10).
            trakkrPoints: trakkrPoints(s?.order ?? null, named),
            geoWeightedWords: s?.geo?.[0].toFixed(8) ?? (synthetic ? null : '0'),
            geoShareOfAnswer: s?.geo?.[1].toFixed(10) ?? (synthetic ? null : '0'),
          },
        });
      }
    }
    await insertRun(prisma, 'failed', false, observedAt);
  });
  afterAll(() => t.close());

  async function insertRun(
    prisma: PrismaService,
    status: 'succeeded' | 'failed',
    synthetic: boolean,
    at: Date,
  ) {
    const id = randomUUID();
    await prisma.run.create({
      data: {
        id,
        workspaceId: ws.workspaceId,
        projectId,
        promptId: randomUUID(),
        engineId: randomUUID(),
        slotKey: `test:${id}`,
        slotAt: at,
        sample: 0,
        trigger: 'manual',
        status,
        synthetic,
      },
    });
    return id;
  }

  it('computes per-brand figures as computed by hand', async () => {
    const res = await t
      .http()
      .get('/v1/reports/mentions')
      .query({ projectId })
      .set(ws.auth('read'))
      .expect(200);
    const m = res.body.measured;
    expect(m.successfulRuns).toBe(4);
    expect(m.failedRuns).toBe(1);
    const ra = m.brands.find((x: { brandId: string }) => x.brandId === a);
    expect(ra).toMatchObject({
      n: 4,
      mentionedRuns: 3,
      mentionCount: 4,
      // Wilson 95% for 3/4: by hand, center (p + z²/2n)/(1 + z²/n) ± z·sqrt(p(1-p)/n + z²/4n²)/(1 + z²/n).
      mentionRate: { rate: 0.75, low: 0.300642, high: 0.954413 },
      // Percentiles come from the report digest's histograms (docs/reports.md "Digests"): exact here, since
      // every bin holds one distinct value; within 2 % in general (src/reports/digest/histogram.ts).
      // sinceFirstToken {1000, 5000, 0}: median 1000; p90 = 1000 + 0.8·(5000 − 1000) = 4200 (percentile_cont).
      timeToFirstMentionMs: { p50: 1000, p90: 4200 },
      firstVisibleAtMs: { p50: 1500, p90: 1500 + 0.8 * (5400 - 1500) },
      firstTokenIndex: { p50: 10, p90: 50 },
      meanOrder: 1.3333,
      aboveFoldRate: { rate: 0.75, low: 0.300642, high: 0.954413, n: 4 },
      // A has 4 of the 6 measured mentions.
      shareOfVoice: 0.666667,
      compatibility: {
        averagePosition: 1.3333,
        positionBands: { top: 0.666667, middle: 0.333333, bottom: 0 },
        // Trakkr points per run: 10 (1st of 2), 1 (2nd of 2), 10 (only one named), 0 (absent): mean 5.25.
        meanTrakkrPoints: 5.25,
        // GEO over the 4 measured runs: A weighted words {6, 2, 4, 0} → mean 3, shares {0.3, 0.1, 0.2, 0} →
        // mean 0.15; B {3, 5, 0, 0}: A's share among brands 12 / (12 + 8) = 0.6.
        geo: { n: 4, meanWeightedWords: 3, meanShareOfAnswer: 0.15, shareOfBrands: 0.6 },
      },
    });
    // Mean stream score: 100·(2^-0.1 + 2^-0.5 + 1 + 0) / 4.
    expect(ra.meanStreamScore).toBeCloseTo((100 * (2 ** -0.1 + 2 ** -0.5 + 1)) / 4, 4);
    const attA = 2 ** -0.1 + 2 ** -0.5 + 1;
    const attB = 2 ** -0.3 + 2 ** -0.2;
    expect(ra.attentionShareOfVoice).toBeCloseTo(attA / (attA + attB), 6);
    const rb = m.brands.find((x: { brandId: string }) => x.brandId === b);
    expect(rb.mentionRate).toEqual({ rate: 0.5, low: 0.150039, high: 0.849961 });
    expect(rb.compatibility.geo).toEqual({
      n: 4,
      meanWeightedWords: 2,
      meanShareOfAnswer: 0.1,
      shareOfBrands: 0.4,
    });
    // The synthetic run was scored before GEO was stored: no GEO figure, n = 0.
    const sa = res.body.synthetic.brands.find((x: { brandId: string }) => x.brandId === a);
    expect(sa.compatibility.geo).toEqual({
      n: 0,
      meanWeightedWords: null,
      meanShareOfAnswer: null,
      shareOfBrands: null,
    });
    // The synthetic run is reported apart.
    expect(res.body.synthetic.successfulRuns).toBe(1);
    expect(res.body.synthetic.brands.find((x: { brandId: string }) => x.brandId === a).mentionCount).toBe(5);
  });

  it('computes head to head as computed by hand', async () => {
    const res = await t
      .http()
      .get('/v1/reports/head-to-head')
      .query({ projectId })
      .set(ws.auth('read'))
      .expect(200);
    const ab = res.body.measured.find(
      (p: { brandA: { id: string }; brandB: { id: string } }) => p.brandA.id === a && p.brandB.id === b,
    );
    expect(ab).toMatchObject({
      runs: 4,
      bothMentioned: 2,
      onlyA: 1,
      onlyB: 0,
      // A first in 1 of the 2 runs with both: Wilson 95% for 1/2.
      aFirstRate: { rate: 0.5, low: 0.094531, high: 0.905469, n: 2 },
      // Leads (B − A): visible {3500 − 1500, 2400 − 5400} = {2000, −3000}, median −500; tokens {30, −40}: −5.
      medianLeadMs: -500,
      medianLeadTokens: -5,
    });
    const ba = res.body.measured.find((p: { brandA: { id: string } }) => p.brandA.id === b);
    expect(ba.medianLeadMs).toBe(500);
  });

  it('reports empty figures honestly', async () => {
    const res = await t
      .http()
      .get('/v1/reports/mentions')
      .query({ projectId, from: '2020-01-01T00:00:00Z', to: '2020-02-01T00:00:00Z' })
      .set(ws.auth('read'))
      .expect(200);
    expect(res.body.measured).toEqual({ synthetic: false, successfulRuns: 0, failedRuns: 0, brands: [] });
    await t
      .http()
      .get('/v1/reports/mentions')
      .query({ projectId, from: '2021-01-01T00:00:00Z', to: '2020-01-01T00:00:00Z' })
      .set(ws.auth())
      .expect(400);
  });
  it('filters by brand without changing shares, by engine and tag, and buckets a trend', async () => {
    const get = async (query: Record<string, string>) =>
      (
        await t
          .http()
          .get('/v1/reports/mentions')
          .query({ projectId, ...query })
          .set(ws.auth('read'))
          .expect(200)
      ).body;
    const onlyA = await get({ brandIds: a });
    expect(onlyA.measured.brands.map((x: { brandId: string }) => x.brandId)).toEqual([a]);
    expect(onlyA.measured.brands[0].shareOfVoice).toBe(0.666667);
    const noEngine = await get({ engineIds: '00000000-0000-4000-8000-000000000001' });
    expect(noEngine.measured.brands).toEqual([]);
    const noTag = await get({ tags: 'no-such-tag' });
    expect(noTag.measured.brands).toEqual([]);
    await t
      .http()
      .get('/v1/reports/mentions')
      .query({ projectId, brandIds: 'not-a-uuid' })
      .set(ws.auth())
      .expect(400);

    const trend = (
      await t
        .http()
        .get('/v1/reports/trend')
        .query({ projectId, bucket: 'day' })
        .set(ws.auth('read'))
        .expect(200)
    ).body;
    const aDays = trend.measured.filter((r: { brandId: string }) => r.brandId === a);
    expect(aDays).toHaveLength(1);
    expect(aDays[0]).toMatchObject({
      n: 4,
      mentionCount: 4,
      mentionRate: { rate: 0.75, low: 0.300642, high: 0.954413, n: 4 },
    });
    expect(new Date(aDays[0].bucket).getUTCHours()).toBe(0);
  });
  it('compares headline figures with the previous period of the same length', async () => {
    const prisma = t.app.get(PrismaService);
    const now = Date.now();
    const day = 24 * 3600_000;
    // Previous period (45 days ago): A mentioned in 1 of 2 runs at the first token (stream score 100), B absent.
    const at = new Date(now - 45 * day);
    for (const mentioned of [true, false]) {
      const run = await insertRun(prisma, 'succeeded', false, at);
      for (const brandId of [a, b]) {
        const seen = mentioned && brandId === a;
        await prisma.runBrandScore.create({
          data: {
            runId: run,
            brandId,
            projectId,
            promptId: randomUUID(),
            engineId: randomUUID(),
            observedAt: at,
            synthetic: false,
            mentioned: seen,
            mentionCount: seen ? 1 : 0,
            firstVisibleAtUs: seen ? 400_000 : null,
            sinceFirstTokenUs: seen ? 0 : null,
            firstTokenIndex: seen ? 0 : null,
            relPosition: seen ? '0.00000000' : null,
            order: seen ? 1 : null,
            aboveFold: seen,
            attention: seen ? '1.0000000000' : '0.0000000000',
            streamScore: seen ? '100.00000000' : '0.00000000',
          },
        });
      }
    }
    const res = await t
      .http()
      .get('/v1/reports/mentions')
      .query({ projectId, from: new Date(now - 30 * day).toISOString(), to: new Date(now).toISOString() })
      .set(ws.auth('read'))
      .expect(200);
    expect(res.body.previousPeriod).toEqual({
      from: new Date(now - 60 * day).toISOString(),
      to: new Date(now - 30 * day).toISOString(),
    });
    const ra = res.body.measured.brands.find((x: { brandId: string }) => x.brandId === a);
    // This period: rate 3/4, mean stream score 100·(2^-0.1 + 2^-0.5 + 1 + 0)/4 = 66.0035, share 4/6.
    // Previous: rate 1/2, mean stream score 50, share 1/1.
    // Previous above-the-fold rate 1/2; the one previous mention came at the first token (median 0 ms).
    expect(ra.previous).toEqual({
      n: 2,
      mentionRate: 0.5,
      meanStreamScore: 50,
      shareOfVoice: 1,
      aboveFoldRate: 0.5,
      timeToFirstMentionP50Ms: 0,
    });
    expect(ra.change).toMatchObject({
      mentionRatePoints: 25,
      meanStreamScore: 16.0035,
      shareOfVoicePoints: -33.3333,
    });
    const rb = res.body.measured.brands.find((x: { brandId: string }) => x.brandId === b);
    // B had no mentions before: its previous share is 0 of 1 mention, its rate 0 of 2 runs.
    expect(rb.previous).toMatchObject({ n: 2, mentionRate: 0, meanStreamScore: 0, shareOfVoice: 0 });
    expect(rb.previous.timeToFirstMentionP50Ms).toBeNull();
    expect(rb.change.timeToFirstMentionP50Ms).toBeNull();
    expect(rb.change.mentionRatePoints).toBe(50);
  });
});
