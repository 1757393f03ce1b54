// Alerts through the real pipeline: runs land (fake provider over HTTP, real worker, Postgres, Redis), the
// alerts worker evaluates the project's rules, an `alert.triggered` webhook arrives signed at a local
// receiver, and the alert log lists it; plus the rules API (validation, roles) and idempotent re-evaluation.
import { AlertEvaluationService } from '../../src/alerts/alert-evaluation.service';
import { PrismaService } from '../../src/infra/prisma/prisma.service';
import { type FakeOpenAiServer } from '../fakes/fake-openai-server';
import { openAiChunkEvents, writesOf } from '../fakes/openai-sse-script';
import {
  createPipelineFixture,
  runNow,
  startPipelineHarness,
  waitForRun,
  type PipelineHarness,
  type PipelineFixture,
} from '../support/pipeline';
import { createWorkspace, type TestApp, type TestWorkspace } from '../support/test-app';
import { until } from '../support/wait';
import { hasValidSignature, WebhookReceiver } from '../support/webhook-receiver';

interface AlertView {
  id: string;
  ruleId: string;
  ruleName: string;
  kind: string;
  transition: string;
  runId: string;
  figures: Record<string, unknown>;
  triggeredAt: string;
}

describe('alerts', () => {
  let h: PipelineHarness;
  let fake: FakeOpenAiServer;
  let baseUrl: string;
  let receiver: WebhookReceiver;
  let t: TestApp;

  beforeAll(async () => {
    h = await startPipelineHarness('alerts', { RUN_MAX_ATTEMPTS: '1', WEBHOOK_BACKOFF_MS: '50' });
    ({ fake, baseUrl, t } = h);
    receiver = new WebhookReceiver();
    await receiver.start();
  });
  afterAll(async () => {
    await h.stop();
    await receiver.stop();
  });

  const fixture = (ws: TestWorkspace) =>
    createPipelineFixture(t, ws, {
      baseUrl,
      brands: [
        { name: 'Acme', kind: 'own' },
        { name: 'Zenith', kind: 'competitor' },
      ],
    });

  /** One run whose answer is `text`, waited until it succeeded. */
  async function landRun(ws: TestWorkspace, f: PipelineFixture, text: string[]): Promise<string> {
    fake.enqueue({ writes: writesOf(openAiChunkEvents(text), 1) });
    const run = await waitForRun(t, ws, await runNow(t, ws, f.promptId));
    expect(run.status).toBe('succeeded');
    return run.id;
  }

  async function alertLog(ws: TestWorkspace, projectId: string): Promise<AlertView[]> {
    const res = await t.http().get(`/v1/projects/${projectId}/alerts`).set(ws.auth('read')).expect(200);
    return res.body.data as AlertView[];
  }

  /** Waits until the alerts job of `runId` has evaluated the rule (its lastRunId moved to the run). */
  async function evaluated(ws: TestWorkspace, ruleId: string, runId: string) {
    return until(`rule ${ruleId} evaluated for ${runId}`, async () => {
      const res = await t.http().get(`/v1/alert-rules/${ruleId}`).set(ws.auth('read')).expect(200);
      return res.body.state.lastRunId === runId ? (res.body as { state: Record<string, unknown> }) : null;
    });
  }

  it('fires competitor_overtake once through the pipeline, signed webhook and alert log, no flapping', async () => {
    const ws = await createWorkspace(t);
    const f = await fixture(ws);
    const hook = await t
      .http()
      .post('/v1/webhooks')
      .set(ws.auth())
      .send({ url: receiver.url('/overtake'), events: ['alert.triggered'] })
      .expect(201);
    const secret = hook.body.secret as string;
    const rule = await t
      .http()
      .post(`/v1/projects/${f.projectId}/alert-rules`)
      .set(ws.auth())
      .send({
        name: 'Zenith overtakes',
        kind: 'competitor_overtake',
        params: { competitorId: f.brands.Zenith, windowHours: 1, minRuns: 1, hysteresisPoints: 10 },
      })
      .expect(201);
    expect(rule.body).toMatchObject({
      kind: 'competitor_overtake',
      enabled: true,
      params: { competitorId: f.brands.Zenith, windowHours: 1, minRuns: 1, hysteresisPoints: 10 },
      state: { firing: false, lastRunId: null },
    });
    const ruleId = rule.body.id as string;

    // Acme first: the competitor leads in 0 of 1 head-to-heads.
    const r1 = await landRun(ws, f, ['Acme ', 'beats Zenith.']);
    expect((await evaluated(ws, ruleId, r1)).state).toMatchObject({ firing: false, lastValue: 0 });
    // Zenith first: 1 of 2 = 50%, not more than half.
    const r2 = await landRun(ws, f, ['Zenith ', 'beats Acme.']);
    expect((await evaluated(ws, ruleId, r2)).state).toMatchObject({ firing: false, lastValue: 50 });
    // 2 of 3: overtaken.
    const r3 = await landRun(ws, f, ['Zenith ', 'then Acme.']);
    expect((await evaluated(ws, ruleId, r3)).state).toMatchObject({ firing: true });
    // 2 of 4 = 50% and 3 of 5 = 60%: around the threshold but never cleared to 40%: no second alert.
    const r4 = await landRun(ws, f, ['Acme ', 'then Zenith.']);
    await evaluated(ws, ruleId, r4);
    const r5 = await landRun(ws, f, ['Zenith ', 'then Acme.']);
    expect((await evaluated(ws, ruleId, r5)).state).toMatchObject({ firing: true, lastValue: 60 });

    const log = await alertLog(ws, f.projectId);
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({
      ruleId,
      ruleName: 'Zenith overtakes',
      kind: 'competitor_overtake',
      transition: 'fired',
      runId: r3,
      figures: {
        brandId: f.brands.Acme,
        competitorId: f.brands.Zenith,
        windowHours: 1,
        bothMentioned: 3,
        competitorFirst: 2,
        competitorFirstRatePercent: 66.666667,
        thresholdPercent: 50,
      },
    });

    const received = await until('the alert.triggered webhook', () =>
      Promise.resolve(receiver.received.get('/overtake')?.[0] ?? null),
    );
    expect(hasValidSignature(received, secret)).toBe(true);
    const body = JSON.parse(received.raw.toString('utf8'));
    expect(body).toMatchObject({
      type: 'alert.triggered',
      data: {
        alertId: log[0]!.id,
        ruleId,
        kind: 'competitor_overtake',
        transition: 'fired',
        projectId: f.projectId,
        runId: r3,
        triggeredAt: log[0]!.triggeredAt,
        synthetic: false,
        figures: log[0]!.figures,
      },
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(receiver.received.get('/overtake')).toHaveLength(1);

    // Evaluating the same landing again (a retried job, a second worker) neither duplicates the alert nor
    // notifies twice, even concurrently and even if the rule's state were lost.
    const alerts = t.app.get(AlertEvaluationService);
    await t.app.get(PrismaService).alertRule.update({ where: { id: ruleId }, data: { firing: false } });
    const again = await Promise.all([alerts.evaluateLanding(r3), alerts.evaluateLanding(r3)]);
    expect(again.map((a) => a.triggered)).toEqual([0, 0]);
    expect(await alertLog(ws, f.projectId)).toHaveLength(1);
    const deliveries = await t
      .http()
      .get(`/v1/webhooks/${hook.body.id}/deliveries`)
      .set(ws.auth())
      .expect(200);
    expect(deliveries.body.data).toHaveLength(1);
    expect(deliveries.body.data[0]).toMatchObject({ event: 'alert.triggered', status: 'succeeded' });
  });

  it('a rule whose brand is gone records the error and never fails the run', async () => {
    const ws = await createWorkspace(t);
    const f = await fixture(ws);
    const rule = await t
      .http()
      .post(`/v1/projects/${f.projectId}/alert-rules`)
      .set(ws.auth())
      .send({
        name: 'fold',
        kind: 'above_fold_change',
        params: { brandId: f.brands.Zenith, thresholdPercent: 50 },
      })
      .expect(201);
    await t.http().delete(`/v1/brands/${f.brands.Zenith}`).set(ws.auth()).expect(204);
    await landRun(ws, f, ['Acme ', 'wins.']);
    const state = await until('the error recorded', async () => {
      const res = await t.http().get(`/v1/alert-rules/${rule.body.id}`).set(ws.auth()).expect(200);
      return res.body.state.lastError ? (res.body.state as Record<string, unknown>) : null;
    });
    expect(state.lastError).toBe(`brand ${f.brands.Zenith} no longer exists`);
    expect(await alertLog(ws, f.projectId)).toEqual([]);
  });

  it('validates rules strictly: kinds, parameters, brands of the project, roles', async () => {
    const ws = await createWorkspace(t);
    const f = await fixture(ws);
    const other = await fixture(ws);
    const path = `/v1/projects/${f.projectId}/alert-rules`;
    const bad: unknown[] = [
      { name: 'x', kind: 'mention_spike', params: {} },
      { name: 'x', kind: 'mention_rate_drop', params: {} },
      { name: 'x', kind: 'mention_rate_drop', params: { dropPoints: 10, hysteresisPoints: 20 } },
      { name: 'x', kind: 'mention_rate_drop', params: { dropPoints: 10, extra: 1 } },
      { name: 'x', kind: 'mention_rate_drop', params: { dropPoints: 10, windowHours: 0 } },
      { name: 'x', kind: 'competitor_overtake', params: {} },
      { name: 'x', kind: 'competitor_overtake', params: { competitorId: other.brands.Zenith } },
      { name: 'x', kind: 'above_fold_change', params: { thresholdPercent: 100 } },
      { name: 'x', kind: 'above_fold_change', params: { thresholdPercent: 40, direction: 'up' } },
      { name: '', kind: 'first_own_domain_citation', params: {} },
      { name: 'x', kind: 'first_own_domain_citation', params: {}, firing: true },
    ];
    for (const body of bad) {
      const res = await t
        .http()
        .post(path)
        .set(ws.auth())
        .send(body as object);
      expect([res.status, res.body.error?.code, body]).toEqual([400, 'validation_failed', body]);
    }
    const list = await t.http().get(path).set(ws.auth('read')).expect(200);
    expect(list.body.data).toEqual([]);

    await t
      .http()
      .post(path)
      .set(ws.auth('read'))
      .send({ name: 'x', kind: 'first_own_domain_citation', params: {} })
      .expect(403);
    const created = await t
      .http()
      .post(path)
      .set(ws.auth())
      .send({ name: 'drop', kind: 'mention_rate_drop', params: { dropPoints: 15 } })
      .expect(201);
    expect(created.body.params).toEqual({
      windowHours: 168,
      dropPoints: 15,
      minRuns: 10,
      hysteresisPoints: 7.5,
    });
    const id = created.body.id as string;
    await t.http().get(`/v1/alert-rules/${id}`).set(ws.auth('read')).expect(200);
    await t.http().patch(`/v1/alert-rules/${id}`).set(ws.auth('read')).send({ enabled: false }).expect(403);
    // New parameters are validated against the rule's kind and replace the old ones.
    await t
      .http()
      .patch(`/v1/alert-rules/${id}`)
      .set(ws.auth())
      .send({ params: { thresholdPercent: 50 } })
      .expect(400);
    const patched = await t
      .http()
      .patch(`/v1/alert-rules/${id}`)
      .set(ws.auth())
      .send({ enabled: false, params: { dropPoints: 30, brandId: f.brands.Zenith } })
      .expect(200);
    expect(patched.body).toMatchObject({
      enabled: false,
      params: { dropPoints: 30, hysteresisPoints: 15, brandId: f.brands.Zenith },
    });
    await t.http().delete(`/v1/alert-rules/${id}`).set(ws.auth('read')).expect(403);
    await t.http().delete(`/v1/alert-rules/${id}`).set(ws.auth()).expect(204);
    await t.http().get(`/v1/alert-rules/${id}`).set(ws.auth()).expect(404);
  });
});
