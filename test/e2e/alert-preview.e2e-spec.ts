// The 30-day preview of an alert rule and the webhook test event, against real Postgres, Redis and worker.
// Preview: a seeded history (runs landed by the scored-run factory at past request times) on which a
// mention_rate_drop rule fires at exactly one known landing; the live evaluation, run landing by landing on the
// same history, stores exactly the alerts the preview announced. A bad body is a 400 that stores nothing.
// Test event: a signed `webhook.test` delivery through the real delivery path (retried on a 500), in the
// delivery log marked as a test; a rotated secret signs the next one.
import { AlertEvaluationService } from '../../src/alerts/alert-evaluation.service';
import { PrismaService } from '../../src/infra/prisma/prisma.service';
import {
  createPipelineFixture,
  startPipelineHarness,
  type PipelineFixture,
  type PipelineHarness,
} from '../support/pipeline';
import { landScoredRun } from '../support/scored-runs';
import { createWorkspace, type TestApp, type TestWorkspace } from '../support/test-app';
import { until } from '../support/wait';
import { hasValidSignature, WebhookReceiver } from '../support/webhook-receiver';

const HOUR = 3600_000;
/** Five days ago on the hour: the seeded history lies well inside the last 30 days. */
const T = new Date(Math.floor((Date.now() - 5 * 24 * HOUR) / HOUR) * HOUR);
const at = (h: number): Date => new Date(T.getTime() + h * HOUR);

interface Firing {
  at: string;
  runId: string;
  synthetic: boolean;
  transition: string;
  figures: Record<string, unknown>;
}

describe('alert rule preview and webhook test events', () => {
  let h: PipelineHarness;
  let t: TestApp;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    h = await startPipelineHarness('alertprev', { WEBHOOK_BACKOFF_MS: '50' });
    t = h.t;
    receiver = new WebhookReceiver();
    await receiver.start();
  });
  afterAll(async () => {
    await h.stop();
    await receiver.stop();
  });

  async function setup(): Promise<{ ws: TestWorkspace; f: PipelineFixture }> {
    const ws = await createWorkspace(t);
    const f = await createPipelineFixture(t, ws, {
      baseUrl: 'http://127.0.0.1:9/v1',
      brands: [
        { name: 'Acme', kind: 'own' },
        { name: 'Zenith', kind: 'competitor' },
      ],
    });
    return { ws, f };
  }

  const seed = (ws: TestWorkspace, f: PipelineFixture, when: Date, mentioned: boolean): Promise<string> =>
    landScoredRun(t, ws.workspaceId, f.projectId, {
      promptId: f.promptId,
      engineId: f.engineId,
      at: when,
      chunks: [mentioned ? 'Acme is the pick.' : 'No tool stands out.'],
    });

  const RULE = {
    name: 'Acme drops',
    kind: 'mention_rate_drop',
    params: { windowHours: 24, dropPoints: 20, minRuns: 3 },
  };

  it('fires on the seeded history exactly where the live evaluation fires', async () => {
    const { ws, f } = await setup();
    // 31 days ago: outside the preview's range.
    await seed(ws, f, new Date(Date.now() - 31 * 24 * HOUR), true);
    // Every 2 h: six runs naming Acme (T-72h..T-62h), six that do not (T-48h..T-38h), six naming it again.
    const runs: string[] = [];
    for (const [start, mentioned] of [
      [-72, true],
      [-48, false],
      [-24, true],
    ] as const) {
      for (let k = 0; k < 6; k++) runs.push(await seed(ws, f, at(start + 2 * k), mentioned));
    }

    const res = await t
      .http()
      .post(`/v1/projects/${f.projectId}/alert-rules/preview`)
      .set(ws.auth())
      .send(RULE)
      .expect(200);
    const preview = res.body as { landings: number; decided: number; firings: Firing[]; firingNow: boolean };
    expect(preview.landings).toBe(18);
    // At T-44h the trailing day holds 3 of 6 runs naming Acme, the day before 3 of 3: a 50-point drop. The
    // drop then stays above the threshold until T-20h, where it is back to 0 (cleared, no second alert).
    expect(preview.firings).toEqual([
      {
        at: at(-44).toISOString(),
        runId: runs[8],
        synthetic: false,
        transition: 'fired',
        figures: {
          brandId: f.brands.Acme,
          windowHours: 24,
          windowStart: new Date(at(-68).getTime() + 1).toISOString(),
          windowEnd: new Date(at(-44).getTime() + 1).toISOString(),
          currentRatePercent: 50,
          previousRatePercent: 100,
          dropPoints: 50,
          thresholdPoints: 20,
          currentN: 6,
          previousN: 3,
        },
      },
    ]);
    expect(preview.firingNow).toBe(false);
    // Up to T-46h (eight landings) the day before the trailing day holds fewer than minRuns runs: undecided.
    expect(preview.decided).toBe(18 - 8);

    // The live evaluation over the same landings, in order: the same alerts, nothing more.
    const rule = await t.http().post(`/v1/projects/${f.projectId}/alert-rules`).set(ws.auth()).send(RULE);
    expect(rule.status).toBe(201);
    const alerts = t.app.get(AlertEvaluationService);
    for (const runId of runs) await alerts.evaluateLanding(runId);
    const log = await t.http().get(`/v1/projects/${f.projectId}/alerts`).set(ws.auth('read')).expect(200);
    expect(
      (log.body.data as Firing[]).map(({ runId, transition, figures }) => ({ runId, transition, figures })),
    ).toEqual(preview.firings.map(({ runId, transition, figures }) => ({ runId, transition, figures })));
  });

  it('answers a bad body with a 400 naming the field, and stores nothing', async () => {
    const { ws, f } = await setup();
    await seed(ws, f, at(-1), true);
    const prisma = t.app.get(PrismaService);
    const before = {
      rules: await prisma.alertRule.count({ where: { projectId: f.projectId } }),
      events: await prisma.alertEvent.count({ where: { projectId: f.projectId } }),
    };
    const url = `/v1/projects/${f.projectId}/alert-rules/preview`;
    const bad = await t
      .http()
      .post(url)
      .set(ws.auth())
      .send({ ...RULE, params: { ...RULE.params, dropPoints: 0 } })
      .expect(400);
    expect(bad.body.error).toMatchObject({
      code: 'validation_failed',
      details: [expect.objectContaining({ path: 'body.params.dropPoints' })],
    });
    const foreign = await t
      .http()
      .post(url)
      .set(ws.auth())
      .send({ ...RULE, params: { ...RULE.params, brandId: '00000000-0000-4000-8000-000000000000' } })
      .expect(400);
    expect(foreign.body.error.details).toEqual([
      { path: 'body.params.brandId', message: 'brandId must name a brand of this project' },
    ]);
    await t.http().post(url).set(ws.auth('read')).send(RULE).expect(403);
    expect({
      rules: await prisma.alertRule.count({ where: { projectId: f.projectId } }),
      events: await prisma.alertEvent.count({ where: { projectId: f.projectId } }),
    }).toEqual(before);
  });

  interface Delivery {
    id: string;
    event: string;
    status: string;
    attempts: number;
    lastStatusCode: number | null;
    test: boolean;
  }
  const deliveries = async (ws: TestWorkspace, id: string): Promise<Delivery[]> =>
    (await t.http().get(`/v1/webhooks/${id}/deliveries`).set(ws.auth()).expect(200)).body.data as Delivery[];

  it('sends a signed test event through the delivery path, retried and logged as a test', async () => {
    const ws = await createWorkspace(t);
    const created = await t
      .http()
      .post('/v1/webhooks')
      .set(ws.auth())
      .send({ url: receiver.url('/test-event', [500]), events: ['alert.triggered'] })
      .expect(201);
    const { id, secret } = created.body as { id: string; secret: string };
    const sent = await t.http().post(`/v1/webhooks/${id}/test`).set(ws.auth()).expect(202);
    const deliveryId = sent.body.deliveryId as string;

    const [delivered] = await until('test delivery succeeded', async () => {
      const log = await deliveries(ws, id);
      return log[0]?.status === 'succeeded' ? log : null;
    });
    expect(delivered).toMatchObject({
      id: deliveryId,
      event: 'webhook.test',
      test: true,
      attempts: 2,
      lastStatusCode: 200,
    });
    const received = receiver.received.get('/test-event') ?? [];
    expect(received).toHaveLength(2);
    for (const r of received) {
      expect(r.headers['webhook-id']).toBe(deliveryId);
      expect(hasValidSignature(r, secret)).toBe(true);
    }
    expect(JSON.parse(received[1]!.raw.toString('utf8'))).toMatchObject({
      id: deliveryId,
      type: 'webhook.test',
      data: { webhookId: id, test: true },
    });

    // A rotated secret is shown once and signs the next test event; the old one no longer does.
    const rotated = await t.http().post(`/v1/webhooks/${id}/rotate-secret`).set(ws.auth()).expect(200);
    const newSecret = rotated.body.secret as string;
    expect(newSecret).toMatch(/^whsec_/);
    expect(newSecret).not.toBe(secret);
    const got = await t.http().get(`/v1/webhooks/${id}`).set(ws.auth()).expect(200);
    expect(got.body).not.toHaveProperty('secret');
    await t.http().post(`/v1/webhooks/${id}/test`).set(ws.auth()).expect(202);
    const third = await until('second test received', () =>
      Promise.resolve(receiver.received.get('/test-event')?.[2] ?? null),
    );
    expect(hasValidSignature(third, newSecret)).toBe(true);
    expect(hasValidSignature(third, secret)).toBe(false);

    // Read keys send nothing; an inactive webhook refuses (409) and logs nothing.
    await t.http().post(`/v1/webhooks/${id}/test`).set(ws.auth('read')).expect(403);
    await t.http().patch(`/v1/webhooks/${id}`).set(ws.auth()).send({ active: false }).expect(200);
    await until('second test logged', async () => ((await deliveries(ws, id)).length === 2 ? true : null));
    await t.http().post(`/v1/webhooks/${id}/test`).set(ws.auth()).expect(409);
    expect(await deliveries(ws, id)).toHaveLength(2);
  });
});
