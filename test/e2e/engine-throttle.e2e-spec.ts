// Per-engine limits hold across worker processes: two app instances (each a BullMQ worker with room for 8
// streams) share one engine limited to 3 concurrent streams; the fake provider counts the streams it has open
// at once. A refused run is deferred, never failed and never charged an attempt. The minute limit and lease
// expiry are checked on the Redis script itself (real Redis).
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { PrismaService } from '../../src/infra/prisma/prisma.service';
import { EngineThrottle } from '../../src/runs/execution/engine-throttle';
import { openAiChunkEvents, writesOf } from '../fakes/openai-sse-script';
import {
  createPipelineFixture,
  startPipelineHarness,
  waitForRun,
  type PipelineHarness,
} from '../support/pipeline';
import { startTestApp, type TestApp } from '../support/test-app';

describe('engine throttle (e2e)', () => {
  let h: PipelineHarness;
  let second: TestApp;

  beforeAll(async () => {
    const env = { WORKER_CONCURRENCY: '8', MAX_SAMPLES_PER_SLOT: '20', ENGINE_THROTTLE_RETRY_MS: '100' };
    h = await startPipelineHarness('throttle', env);
    second = await startTestApp({
      ROLE: 'worker',
      SCHEDULER_ENABLED: 'false',
      QUEUE_PREFIX: h.t.config.QUEUE_PREFIX,
      EGRESS_ALLOW_PRIVATE: 'true',
      RUN_BACKOFF_MS: '20',
      ...env,
    });
  });

  afterAll(async () => {
    await second?.close();
    await h?.stop();
  });

  it('validates the limits and returns them (null = unlimited)', async () => {
    const { t, ws, baseUrl } = h;
    const fx = await createPipelineFixture(t, ws, { baseUrl, brands: [{ name: 'Acme' }] });
    const bad = await t.http().patch(`/v1/engines/${fx.engineId}`).set(ws.auth()).send({ maxConcurrency: 0 });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('validation_failed');
    const before = await t.http().get(`/v1/engines/${fx.engineId}`).set(ws.auth('read')).expect(200);
    expect(before.body).toMatchObject({ maxConcurrency: null, maxRequestsPerMinute: null });
    const res = await t
      .http()
      .patch(`/v1/engines/${fx.engineId}`)
      .set(ws.auth())
      .send({ maxConcurrency: 2, maxRequestsPerMinute: 100 })
      .expect(200);
    expect(res.body).toMatchObject({ maxConcurrency: 2, maxRequestsPerMinute: 100 });
    const cleared = await t
      .http()
      .patch(`/v1/engines/${fx.engineId}`)
      .set(ws.auth())
      .send({ maxConcurrency: null })
      .expect(200);
    expect(cleared.body).toMatchObject({ maxConcurrency: null, maxRequestsPerMinute: 100 });
  });

  it('never opens more streams than maxConcurrency across two workers; every run succeeds once', async () => {
    const { t, ws, fake, baseUrl } = h;
    const runs = 16;
    const limit = 3;
    const fx = await createPipelineFixture(t, ws, { baseUrl, brands: [{ name: 'Acme' }] });
    await t
      .http()
      .patch(`/v1/engines/${fx.engineId}`)
      .set(ws.auth())
      .send({ maxConcurrency: limit })
      .expect(200);
    // Each answer streams for ~300 ms, so unthrottled the 16 workers' slots would open 16 streams at once.
    for (let i = 0; i < runs; i++) {
      fake.enqueue({ writes: writesOf(openAiChunkEvents(Array(15).fill('Acme ')), 20) });
    }
    fake.maxOpenStreams = 0;
    const res = await t
      .http()
      .post(`/v1/prompts/${fx.promptId}/run`)
      .set(ws.auth())
      .send({ samples: runs })
      .expect(202);
    const runIds = res.body.runIds as string[];
    expect(runIds).toHaveLength(runs);
    const done = [];
    for (const id of runIds) done.push(await waitForRun(t, ws, id, 60_000));
    expect(done.map((r) => r.status)).toEqual(Array(runs).fill('succeeded'));
    expect(fake.maxOpenStreams).toBe(limit);
    expect(fake.openStreams).toBe(0);
    // Deferrals are not attempts: every run made exactly one provider call.
    const prisma = t.app.get(PrismaService);
    const attempts = await prisma.runAttempt.groupBy({
      by: ['runId'],
      where: { runId: { in: runIds } },
      _count: { _all: true },
    });
    expect(attempts.map((a) => a._count._all)).toEqual(Array(runs).fill(1));
    // Every lease was released.
    const redis = new Redis(t.config.REDIS_URL);
    try {
      expect(await redis.zcard(t.app.get(EngineThrottle).slotsKey(fx.engineId))).toBe(0);
    } finally {
      redis.disconnect();
    }
  }, 90_000);

  it("honours a 429's retry-after for the whole engine: no other run calls it before then", async () => {
    const { t, ws, fake, baseUrl } = h;
    const fx = await createPipelineFixture(t, ws, { baseUrl, brands: [{ name: 'Acme' }] });
    const retryAfterMs = 1500;
    const limited = fake.enqueue({
      status: 429,
      headers: { 'content-type': 'application/json', 'retry-after-ms': String(retryAfterMs) },
      writes: [{ delayMs: 0, bytes: JSON.stringify({ error: { message: 'slow down', type: 'requests' } }) }],
    });
    for (let i = 0; i < 5; i++) fake.enqueue({ writes: writesOf(openAiChunkEvents(['Acme ']), 5) });
    const first = await t.http().post(`/v1/prompts/${fx.promptId}/run`).set(ws.auth()).send({}).expect(202);
    const exchange = await limited.finished;
    // Four more runs of the same engine while it is paused: all wait out the rest of the retry-after.
    const more = await t
      .http()
      .post(`/v1/prompts/${fx.promptId}/run`)
      .set(ws.auth())
      .send({ samples: 4 })
      .expect(202);
    const runIds = [...(first.body.runIds as string[]), ...(more.body.runIds as string[])];
    for (const id of runIds) expect((await waitForRun(t, ws, id, 30_000)).status).toBe('succeeded');
    const later = fake.exchanges.filter(
      (e) => e.requestReceivedAtMs > exchange.requestReceivedAtMs && e.request.body.includes('CRM'),
    );
    expect(later).toHaveLength(5);
    for (const e of later) {
      expect(e.requestReceivedAtMs - exchange.requestReceivedAtMs).toBeGreaterThanOrEqual(retryAfterMs - 50);
    }
  }, 60_000);

  it('counts calls per sliding minute and frees a crashed holder after its lease', async () => {
    const throttle = second.app.get(EngineThrottle);
    const perMinute = { engineId: randomUUID(), maxConcurrency: null, maxRequestsPerMinute: 3 };
    for (let i = 0; i < 3; i++) expect((await throttle.acquire(perMinute)).admitted).toBe(true);
    const refused = await throttle.acquire(perMinute);
    expect(refused.admitted).toBe(false);
    // The oldest call leaves the window in ~60 s (jittered ±50 %).
    if (!refused.admitted) expect(refused.retryInMs).toBeGreaterThan(25_000);

    // A holder that never releases (its worker was killed): the slot comes back once the lease expires.
    const lease = 300;
    const short = await startTestApp({
      ROLE: 'worker',
      SCHEDULER_ENABLED: 'false',
      QUEUE_PREFIX: h.t.config.QUEUE_PREFIX,
      ENGINE_SLOT_LEASE_MS: String(lease),
    });
    try {
      const shortThrottle = short.app.get(EngineThrottle);
      const one = { engineId: randomUUID(), maxConcurrency: 1, maxRequestsPerMinute: null };
      const held = await shortThrottle.acquire(one);
      expect(held.admitted).toBe(true);
      // While held and renewed, the slot stays taken well past one lease.
      await new Promise((resolve) => setTimeout(resolve, lease * 3));
      expect((await shortThrottle.acquire(one)).admitted).toBe(false);
      if (held.admitted) await held.lease.release();
      const free = await shortThrottle.acquire(one); // released: free again
      expect(free.admitted).toBe(true);
      if (free.admitted) await free.lease.release();
      // A killed worker's lease: written by its last renewal, never released nor renewed again.
      const redis = new Redis(short.config.REDIS_URL);
      try {
        const key = shortThrottle.slotsKey(one.engineId);
        await redis.del(key);
        await redis.zadd(key, Date.now() + lease, 'dead-worker-lease');
        expect((await shortThrottle.acquire(one)).admitted).toBe(false);
        const deadline = Date.now() + 5000;
        let admitted = false;
        while (!admitted && Date.now() < deadline) {
          await new Promise((resolve) => setTimeout(resolve, 50));
          const again = await shortThrottle.acquire(one);
          admitted = again.admitted;
          if (again.admitted) await again.lease.release();
        }
        expect(admitted).toBe(true);
      } finally {
        redis.disconnect();
      }
    } finally {
      await short.close();
    }
  }, 30_000);
});
