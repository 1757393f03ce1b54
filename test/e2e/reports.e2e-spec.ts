// Report aggregates checked against hand computations over a small, fully known set of runs, landed by the
// scored-run factory from scripted answers (scored by the production analysis, written by the result writer).
import { PrismaService } from '../../src/infra/prisma/prisma.service';
import {
  createReportFixture,
  landFailedRun,
  landScoredRun,
  type ReportFixture,
} from '../support/scored-runs';
import { createWorkspace, startTestApp, type TestApp, type TestWorkspace } from '../support/test-app';

/** `n` filler words of one o200k token each (" the"; "the" at the very start of an answer). */
const the = (n: number, start = false) => (start && n > 0 ? `the${' the'.repeat(n - 1)}` : ' the'.repeat(n));

interface Scripted {
  chunks: string[];
  arrivalsMs: number[];
  synthetic: boolean;
}

// Four measured runs (A, B): (1st, 2nd), (2nd, 1st), (1st, absent), (absent, absent); one failed run; one
// synthetic run that must not leak into the measured figures. Each measured answer is one sentence of 99
// one-token words and a full stop: 100 o200k tokens, so a name at token i has relPosition i / 100; "A" and
// "B" are one token each. The first chunk's arrival is the TTFT.
const RUNS: Scripted[] = [
  // A token 10, visible 1500 ms, 1000 ms after the first token; B token 40, 3500 ms, 3000 ms.
  {
    chunks: [the(10, true), ` A${the(29)}`, ` B${the(58)}.`],
    arrivalsMs: [500, 1500, 3500],
    synthetic: false,
  },
  // B token 20, 2400 ms, 2000 ms after the first token; A token 60, 5400 ms, 5000 ms.
  {
    chunks: [the(20, true), ` B${the(39)}`, ` A${the(38)}.`],
    arrivalsMs: [400, 2400, 5400],
    synthetic: false,
  },
  // A twice, first at token 0 in the first chunk: visible 300 ms, 0 ms after the first token.
  { chunks: [`A${the(49)}`, ` A${the(48)}.`], arrivalsMs: [300, 600], synthetic: false },
  { chunks: [`${the(99, true)}.`], arrivalsMs: [500], synthetic: false },
  // Synthetic: A five times from token 1, visible 100 ms, 50 ms after the first token.
  { chunks: ['the', `${' A'.repeat(5)}${the(1)}.`], arrivalsMs: [50, 100], synthetic: true },
];

describe('mention and head-to-head reports', () => {
  let t: TestApp;
  let ws: TestWorkspace;
  let fx: ReportFixture;
  let projectId: string;
  let a: string;
  let b: string;

  const land = (r: Scripted, at: Date) =>
    landScoredRun(t, ws.workspaceId, projectId, {
      promptId: fx.prompts[0]!,
      engineId: fx.engines[0]!,
      synthetic: r.synthetic,
      at,
      chunks: r.chunks,
      arrivalsMs: r.arrivalsMs,
    });

  beforeAll(async () => {
    t = await startTestApp({ EGRESS_ALLOW_PRIVATE: 'true' });
    ws = await createWorkspace(t);
    fx = await createReportFixture(t, ws.auth(), {
      brands: [
        { name: 'A', kind: 'own' },
        { name: 'B', kind: 'competitor' },
      ],
      engines: 1,
      prompts: [{ text: 'report prompt', tags: ['crm'] }],
    });
    projectId = fx.projectId;
    a = fx.brands.A!;
    b = fx.brands.B!;
    const observedAt = new Date(Date.now() - 3600_000);
    for (const r of RUNS) {
      const runId = await land(r, observedAt);
      if (r.synthetic) {
        // A row scored before GEO was stored (docs/metrics.md: none until a backfill recomputes it): the GEO
        // columns are cleared by hand, on purpose, to check such rows are left out of geo.n.
        await t.app.get(PrismaService).runBrandScore.updateMany({
          where: { runId },
          data: { geoWeightedWords: null, geoShareOfAnswer: null },
        });
      }
    }
    await landFailedRun(t, ws.workspaceId, projectId, {
      promptId: fx.prompts[0]!,
      engineId: fx.engines[0]!,
      at: observedAt,
    });
  }, 120_000);
  afterAll(() => t.close());

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
        // GEO over the 4 measured runs (docs/metrics.md): each answer is one sentence (pos 0, factor e^0 = 1)
        // of 99 words, shared (k = 2) when both brands are named. A weighted words {99/2, 99/2, 99, 0} → mean
        // 49.5, shares of answer {0.5, 0.5, 1, 0} → mean 0.5; B {49.5, 49.5, 0, 0}: A's share among brands
        // 198 / (198 + 99) = 2/3.
        geo: { n: 4, meanWeightedWords: 49.5, meanShareOfAnswer: 0.5, shareOfBrands: 0.666667 },
      },
    });
    // Mean stream score: 100·(2^-0.1 + 2^-0.5 + 1 + 0) / 4.
    expect(ra.meanStreamScore).toBeCloseTo((100 * (2 ** -0.1 + 2 ** -0.5 + 1)) / 4, 4);
    const attA = 2 ** -0.1 + 2 ** -0.5 + 1;
    const attB = 2 ** -0.3 + 2 ** -0.2;
    expect(ra.attentionShareOfVoice).toBeCloseTo(attA / (attA + attB), 6);
    const rb = m.brands.find((x: { brandId: string }) => x.brandId === b);
    expect(rb.mentionRate).toEqual({ rate: 0.5, low: 0.150039, high: 0.849961 });
    // B: weighted words {49.5, 49.5, 0, 0} → mean 24.75, shares {0.5, 0.5, 0, 0} → 0.25, 99 / 297 = 1/3.
    expect(rb.compatibility.geo).toEqual({
      n: 4,
      meanWeightedWords: 24.75,
      meanShareOfAnswer: 0.25,
      shareOfBrands: 0.333333,
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
    const now = Date.now();
    const day = 24 * 3600_000;
    // Previous period (45 days ago): A mentioned in 1 of 2 runs at the first token (stream score 100), B absent.
    const at = new Date(now - 45 * day);
    await land({ chunks: [`A${the(2)}.`], arrivalsMs: [400], synthetic: false }, at);
    await land({ chunks: [`${the(3, true)}.`], arrivalsMs: [400], synthetic: false }, at);
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
