// Alert evaluation against real Postgres with a seeded history: which runs each window counts (trailing
// window ending with the landing run, the previous window of equal length, synthetic runs apart), the
// figures stored with an alert, above-the-fold transitions, the first own-domain citation, and landings that
// arrive out of order. Runs are landed by the scored-run factory, so their request times can lie in the past.
import { AlertEvaluationService } from '../../src/alerts/alert-evaluation.service';
import {
  createPipelineFixture,
  startPipelineHarness,
  type PipelineFixture,
  type PipelineHarness,
} from '../support/pipeline';
import { landScoredRun } from '../support/scored-runs';
import { createWorkspace, type TestApp, type TestWorkspace } from '../support/test-app';

const T0 = new Date('2026-03-10T12:00:00.000Z');
const hours = (h: number): Date => new Date(T0.getTime() + h * 3600_000);

interface SeedScore {
  brand: 'Acme';
  mentioned?: boolean;
  aboveFold?: boolean;
}

describe('alert windows', () => {
  let h: PipelineHarness;
  let t: TestApp;
  let alerts: AlertEvaluationService;

  beforeAll(async () => {
    h = await startPipelineHarness('alertwin');
    t = h.t;
    alerts = t.app.get(AlertEvaluationService);
  });
  afterAll(() => h.stop());

  async function setup(): Promise<{ ws: TestWorkspace; f: PipelineFixture }> {
    const ws = await createWorkspace(t);
    const f = await createPipelineFixture(t, ws, {
      baseUrl: 'http://127.0.0.1:9/v1',
      brands: [
        { name: 'Acme', kind: 'own', domains: ['acme.com'] },
        { name: 'Zenith', kind: 'competitor' },
      ],
    });
    return { ws, f };
  }

  /**
   * A succeeded run measured at `at`, landed from an answer that names Acme (above the fold, or after more
   * words than the fold holds) or names no brand, with optional citations.
   */
  async function seedRun(
    ws: TestWorkspace,
    f: PipelineFixture,
    at: Date,
    scores: SeedScore[],
    options: {
      synthetic?: boolean;
      citations?: { url: string; domain: string; brand: 'Acme' | null }[];
    } = {},
  ): Promise<string> {
    const acme = scores.find((s) => s.brand === 'Acme');
    const answer = !acme?.mentioned
      ? 'No tool stands out.'
      : acme.aboveFold
        ? 'Acme is the pick.'
        : `${'Plenty of words come first. '.repeat(40)}Acme is the pick.`;
    return landScoredRun(t, ws.workspaceId, f.projectId, {
      promptId: f.promptId,
      engineId: f.engineId,
      at,
      synthetic: options.synthetic ?? false,
      chunks: [answer],
      citations: (options.citations ?? []).map(({ url, domain }) => ({ url, domain })),
    });
  }

  async function createRule(ws: TestWorkspace, f: PipelineFixture, body: object): Promise<string> {
    const res = await t
      .http()
      .post(`/v1/projects/${f.projectId}/alert-rules`)
      .set(ws.auth())
      .send(body)
      .expect(201);
    return res.body.id as string;
  }

  async function log(ws: TestWorkspace, f: PipelineFixture) {
    const res = await t.http().get(`/v1/projects/${f.projectId}/alerts`).set(ws.auth('read')).expect(200);
    return res.body.data as { runId: string; transition: string; figures: Record<string, unknown> }[];
  }

  it('mention_rate_drop compares the trailing window with the previous one, with minimum n', async () => {
    const { ws, f } = await setup();
    const ruleId = await createRule(ws, f, {
      name: 'drop',
      kind: 'mention_rate_drop',
      params: { windowHours: 24, dropPoints: 20, minRuns: 5 },
    });
    // Outside both windows (ignored), then the previous window (-48h, -24h]: 8 of 10 mentioned.
    await seedRun(ws, f, hours(-49), [{ brand: 'Acme' }]);
    for (let i = 0; i < 10; i++) await seedRun(ws, f, hours(-47 + i), [{ brand: 'Acme', mentioned: i < 8 }]);
    // The current window: 4 runs, all unmentioned, the last landing at -1h: too few runs to decide.
    let landing = '';
    for (let i = 0; i < 4; i++) landing = await seedRun(ws, f, hours(-4 + i), [{ brand: 'Acme' }]);
    expect(await alerts.evaluateLanding(landing)).toEqual({ evaluated: 1, triggered: 0, failed: 0 });
    const undecided = await t.http().get(`/v1/alert-rules/${ruleId}`).set(ws.auth()).expect(200);
    expect(undecided.body.state).toMatchObject({ firing: false, lastValue: null, lastRunId: null });
    // Exactly 24h before the next landing: its previous window, not its current one.
    await seedRun(ws, f, hours(-24), [{ brand: 'Acme', mentioned: true }]);
    // Synthetic runs never count towards measured windows.
    for (let i = 0; i < 5; i++) {
      await seedRun(ws, f, hours(-5), [{ brand: 'Acme', mentioned: true }], { synthetic: true });
    }
    // Fifth run (mentioned) lands at T0: current 1/5 = 20% vs previous 9/11 = 81.818182%.
    landing = await seedRun(ws, f, T0, [{ brand: 'Acme', mentioned: true }]);
    expect(await alerts.evaluateLanding(landing)).toEqual({ evaluated: 1, triggered: 1, failed: 0 });
    expect(await alerts.evaluateLanding(landing)).toEqual({ evaluated: 0, triggered: 0, failed: 0 });
    const [alert, ...more] = await log(ws, f);
    expect(more).toEqual([]);
    expect(alert).toMatchObject({
      runId: landing,
      transition: 'fired',
      figures: {
        brandId: f.brands.Acme,
        windowHours: 24,
        windowStart: hours(-24 + 1 / 3600_000).toISOString(),
        windowEnd: new Date(T0.getTime() + 1).toISOString(),
        currentRatePercent: 20,
        previousRatePercent: 81.818182,
        dropPoints: 61.818182,
        thresholdPoints: 20,
        currentN: 5,
        previousN: 11,
      },
    });
    // A landing older than the last evaluated one is already counted: skipped, state untouched.
    const late = await seedRun(ws, f, hours(-0.5), [{ brand: 'Acme' }]);
    expect(await alerts.evaluateLanding(late)).toEqual({ evaluated: 0, triggered: 0, failed: 0 });
    const rule = await t.http().get(`/v1/alert-rules/${ruleId}`).set(ws.auth()).expect(200);
    expect(rule.body.state).toMatchObject({ firing: true, lastValue: 61.818182, lastRunId: landing });
  });

  it('above_fold_change records the first side, then fires on leaving below threshold - h/2', async () => {
    const { ws, f } = await setup();
    await createRule(ws, f, {
      name: 'fold',
      kind: 'above_fold_change',
      params: { windowHours: 24, thresholdPercent: 50, hysteresisPoints: 10, minRuns: 4, direction: 'both' },
    });
    const land = async (h: number, aboveFold: boolean) => {
      const id = await seedRun(ws, f, hours(h), [{ brand: 'Acme', mentioned: true, aboveFold }]);
      return { id, result: await alerts.evaluateLanding(id) };
    };
    for (let i = 0; i < 4; i++) expect((await land(i, true)).result.triggered).toBe(0);
    // 4/5 = 80, 4/6, 4/7, 4/8 = 50 (inside the band): nothing; 4/9 = 44.4 < 45: leaving.
    for (let i = 4; i < 8; i++) expect((await land(i, false)).result.triggered).toBe(0);
    const leaving = await land(8, false);
    expect(leaving.result.triggered).toBe(1);
    expect(await log(ws, f)).toEqual([
      expect.objectContaining({
        runId: leaving.id,
        transition: 'leaving',
        figures: expect.objectContaining({ aboveFoldRatePercent: 44.444444, n: 9, aboveFold: 4 }),
      }),
    ]);
  });

  it('first_own_domain_citation fires once, on the first run citing an own domain', async () => {
    const { ws, f } = await setup();
    await createRule(ws, f, { name: 'cited', kind: 'first_own_domain_citation', params: {} });
    const other = await seedRun(ws, f, hours(0), [{ brand: 'Acme' }], {
      citations: [{ url: 'https://news.example/x', domain: 'news.example', brand: null }],
    });
    expect((await alerts.evaluateLanding(other)).triggered).toBe(0);
    const own = await seedRun(ws, f, hours(1), [{ brand: 'Acme' }], {
      citations: [
        { url: 'https://news.example/y', domain: 'news.example', brand: null },
        { url: 'https://docs.acme.com/pricing', domain: 'docs.acme.com', brand: 'Acme' },
      ],
    });
    expect((await alerts.evaluateLanding(own)).triggered).toBe(1);
    const again = await seedRun(ws, f, hours(2), [{ brand: 'Acme' }], {
      citations: [{ url: 'https://acme.com/', domain: 'acme.com', brand: 'Acme' }],
    });
    expect((await alerts.evaluateLanding(again)).triggered).toBe(0);
    expect(await log(ws, f)).toEqual([
      expect.objectContaining({
        runId: own,
        transition: 'first_citation',
        figures: {
          brandId: f.brands.Acme,
          citations: 1,
          urls: ['https://docs.acme.com/pricing'],
          domains: ['docs.acme.com'],
        },
      }),
    ]);
  });
});
