// Webhooks: CRUD with a secret shown once, signed deliveries of run outcomes (Standard Webhooks style) with
// retries and a delivery log, permanent 4xx, egress rules for the URL, and tenant scoping.
import { createHmac, randomUUID } from 'node:crypto';
import { PrismaService } from '../../src/infra/prisma/prisma.service';
import { WebhookReconciler } from '../../src/webhooks/webhook-reconciler.service';
import { type FakeOpenAiServer } from '../fakes/fake-openai-server';
import { openAiChunkEvents, writesOf } from '../fakes/openai-sse-script';
import {
  createPipelineFixture,
  runNow,
  startPipelineHarness,
  waitForRun,
  type PipelineHarness,
} from '../support/pipeline';
import { createWorkspace, type TestApp, type TestWorkspace } from '../support/test-app';
import { WebhookReceiver } from '../support/webhook-receiver';

interface DeliveryView {
  id: string;
  event: string;
  status: string;
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  payload: { id: string; type: string; data: Record<string, unknown> };
}

describe('webhooks', () => {
  let h: PipelineHarness;
  let fake: FakeOpenAiServer;
  let baseUrl: string;
  let receiver: WebhookReceiver;
  let t: TestApp;

  beforeAll(async () => {
    h = await startPipelineHarness('webhooks', { RUN_MAX_ATTEMPTS: '1', WEBHOOK_BACKOFF_MS: '50' });
    ({ fake, baseUrl, t } = h);
    receiver = new WebhookReceiver();
    await receiver.start();
  });
  afterAll(async () => {
    await h.stop();
    await receiver.stop();
  });

  async function createHook(ws: TestWorkspace, url: string, events = ['run.completed', 'run.failed']) {
    const res = await t.http().post('/v1/webhooks').set(ws.auth()).send({ url, events }).expect(201);
    return res.body as { id: string; secret: string; url: string; events: string[]; active: boolean };
  }

  async function waitForDeliveries(
    ws: TestWorkspace,
    webhookId: string,
    done: (d: DeliveryView[]) => boolean,
  ): Promise<DeliveryView[]> {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const res = await t.http().get(`/v1/webhooks/${webhookId}/deliveries`).set(ws.auth()).expect(200);
      const data = res.body.data as DeliveryView[];
      if (done(data)) return data;
      if (Date.now() > deadline) throw new Error(`deliveries not done: ${JSON.stringify(data, null, 2)}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  async function succeedingRun(ws: TestWorkspace): Promise<string> {
    const f = await createPipelineFixture(t, ws, { baseUrl, brands: [{ name: 'Acme', kind: 'own' }] });
    fake.enqueue({ writes: writesOf(openAiChunkEvents(['Acme ', 'wins.']), 2) });
    const run = await waitForRun(t, ws, await runNow(t, ws, f.promptId));
    expect(run.status).toBe('succeeded');
    return run.id;
  }

  it('shows the signing secret once, at creation, and never again', async () => {
    const ws = await createWorkspace(t);
    const hook = await createHook(ws, receiver.url('/secret'));
    expect(hook.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(hook).toMatchObject({ active: true, events: ['run.completed', 'run.failed'] });
    const got = await t.http().get(`/v1/webhooks/${hook.id}`).set(ws.auth()).expect(200);
    expect(got.body).not.toHaveProperty('secret');
    expect(JSON.stringify(got.body)).not.toContain(hook.secret);
    const list = await t.http().get('/v1/webhooks').set(ws.auth()).expect(200);
    expect(JSON.stringify(list.body)).not.toContain(hook.secret.slice(6));
    const patched = await t
      .http()
      .patch(`/v1/webhooks/${hook.id}`)
      .set(ws.auth())
      .send({ active: false, events: ['run.failed'] })
      .expect(200);
    expect(patched.body).toMatchObject({ active: false, events: ['run.failed'] });
    expect(patched.body).not.toHaveProperty('secret');
    await t.http().get('/v1/webhooks').set(ws.auth('read')).expect(403);
    await t
      .http()
      .post('/v1/webhooks')
      .set(ws.auth())
      .send({ url: 'ftp://example.com/x', events: ['run.done'] })
      .expect(400);
    await t.http().delete(`/v1/webhooks/${hook.id}`).set(ws.auth()).expect(204);
    await t.http().get(`/v1/webhooks/${hook.id}`).set(ws.auth()).expect(404);
  });

  it('retries a 500, delivers on the 200, and signs the raw body with the timestamp', async () => {
    const ws = await createWorkspace(t);
    const hook = await createHook(ws, receiver.url('/retry', [500]), ['run.completed']);
    const runId = await succeedingRun(ws);
    const [delivery] = await waitForDeliveries(ws, hook.id, (d) => d[0]?.status === 'succeeded');
    expect(delivery).toMatchObject({
      event: 'run.completed',
      attempts: 2,
      lastStatusCode: 200,
      lastError: null,
    });
    const requests = receiver.received.get('/retry')!;
    expect(requests).toHaveLength(2);
    for (const req of requests) {
      const id = req.headers['webhook-id'] as string;
      const ts = req.headers['webhook-timestamp'] as string;
      expect(id).toBe(delivery!.id);
      expect(Math.abs(Number(ts) - Date.now() / 1000)).toBeLessThan(60);
      const key = Buffer.from(hook.secret.slice('whsec_'.length), 'base64');
      const expected = createHmac('sha256', key).update(`${id}.${ts}.`).update(req.raw).digest('base64');
      expect(req.headers['webhook-signature']).toBe(`v1,${expected}`);
      const body = JSON.parse(req.raw.toString('utf8'));
      expect(body).toMatchObject({
        id,
        type: 'run.completed',
        data: { runId, status: 'succeeded', failureReason: null, synthetic: false },
      });
      expect(body.data.scores).toEqual([expect.objectContaining({ mentioned: true, mentionCount: 1 })]);
    }
  });

  it('treats a 410 as permanent: one attempt, failed', async () => {
    const ws = await createWorkspace(t);
    const hook = await createHook(ws, receiver.url('/gone', [410, 410, 410]), ['run.completed']);
    await succeedingRun(ws);
    const [delivery] = await waitForDeliveries(ws, hook.id, (d) => d[0]?.status === 'failed');
    expect(delivery).toMatchObject({ attempts: 1, lastStatusCode: 410, lastError: 'HTTP 410' });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(receiver.received.get('/gone')).toHaveLength(1);
  });

  it('delivers run.failed for a failed run', async () => {
    const ws = await createWorkspace(t);
    const hook = await createHook(ws, receiver.url('/failed'), ['run.failed']);
    const f = await createPipelineFixture(t, ws, { baseUrl, brands: [{ name: 'Acme', kind: 'own' }] });
    fake.enqueue({
      status: 400,
      headers: { 'content-type': 'application/json' },
      writes: [{ delayMs: 0, bytes: JSON.stringify({ error: { message: 'bad request', type: 'invalid' } }) }],
    });
    const run = await waitForRun(t, ws, await runNow(t, ws, f.promptId));
    expect(run.status).toBe('failed');
    const [delivery] = await waitForDeliveries(ws, hook.id, (d) => d[0]?.status === 'succeeded');
    expect(delivery!.payload).toMatchObject({
      type: 'run.failed',
      data: { runId: run.id, status: 'failed', failureReason: run.failureReason, engineId: f.engineId },
    });
    expect(delivery!.payload.data).not.toHaveProperty('scores');
    const body = JSON.parse(receiver.received.get('/failed')![0]!.raw.toString('utf8'));
    expect(body.type).toBe('run.failed');
  });

  it('re-enqueues a pending delivery whose job was never queued (the reconciler)', async () => {
    const ws = await createWorkspace(t);
    const hook = await createHook(ws, receiver.url('/orphan'), ['run.completed']);
    const id = randomUUID();
    const createdAt = new Date(Date.now() - 10 * 60_000);
    await t.app.get(PrismaService).webhookDelivery.create({
      data: {
        id,
        webhookId: hook.id,
        workspaceId: ws.workspaceId,
        event: 'run.completed',
        payload: {
          id,
          type: 'run.completed',
          createdAt: createdAt.toISOString(),
          data: { runId: randomUUID() },
        },
        createdAt,
      },
    });
    expect(await t.app.get(WebhookReconciler).reconcile()).toBeGreaterThanOrEqual(1);
    const [delivery] = await waitForDeliveries(ws, hook.id, (d) => d[0]?.status === 'succeeded');
    expect(delivery).toMatchObject({ id, attempts: 1, lastStatusCode: 200 });
    expect(receiver.received.get('/orphan')).toHaveLength(1);
    // Idempotent: a second pass finds nothing overdue.
    expect(await t.app.get(WebhookReconciler).reconcile()).toBe(0);
  });

  it('another workspace’s webhook id is a 404', async () => {
    const a = await createWorkspace(t);
    const b = await createWorkspace(t);
    const hook = await createHook(a, receiver.url('/tenant'));
    await t.http().get(`/v1/webhooks/${hook.id}`).set(b.auth()).expect(404);
    await t.http().patch(`/v1/webhooks/${hook.id}`).set(b.auth()).send({ active: false }).expect(404);
    await t.http().get(`/v1/webhooks/${hook.id}/deliveries`).set(b.auth()).expect(404);
    await t.http().delete(`/v1/webhooks/${hook.id}`).set(b.auth()).expect(404);
    const still = await t.http().get(`/v1/webhooks/${hook.id}`).set(a.auth()).expect(200);
    expect(still.body.active).toBe(true);
  });

  it('refuses a private URL when EGRESS_ALLOW_PRIVATE is off', async () => {
    const strict = await h.startApp({ EGRESS_ALLOW_PRIVATE: 'false' });
    try {
      const ws = await createWorkspace(strict);
      for (const url of ['http://127.0.0.1:9/hook', 'http://169.254.169.254/latest', 'http://localhost/x']) {
        const res = await strict
          .http()
          .post('/v1/webhooks')
          .set(ws.auth())
          .send({ url, events: ['run.completed'] })
          .expect(400);
        expect(res.body.error.code).toBe('validation_failed');
        expect(res.body.error.message).toMatch(/body\.url: egress blocked/);
      }
      const list = await strict.http().get('/v1/webhooks').set(ws.auth()).expect(200);
      expect(list.body.data).toEqual([]);
    } finally {
      await strict.close();
    }
  });
});
