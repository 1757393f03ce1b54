// Redis down: the API answers promptly. "Run now" accepts the click (202, the runs queued in Postgres) within a
// few seconds instead of hanging for the outage; a retry with the same Idempotency-Key gets the same runs; the
// run starts once Redis is back and runs exactly once. The other routes that touch Redis answer promptly too:
// readiness and live events with 503, brand edits (which enqueue a backfill) as usual, the rate limiter fails
// open. A private redis-server (its own port and directory) is stopped and started again; the shared one is
// never touched.
import { randomUUID } from 'node:crypto';
import { FakeOpenAiServer } from '../fakes/fake-openai-server';
import { openAiChunkEvents, writesOf } from '../fakes/openai-sse-script';
import { PrivateRedis, waitFor } from '../faults/private-services';
import { createPipelineFixture, isolatedQueuePrefix, type PipelineFixture } from '../support/pipeline';
import { createWorkspace, startTestApp, type TestApp, type TestWorkspace } from '../support/test-app';

/** "Promptly": the enqueue wait (2 s) plus a loaded machine's slack; the hang was the whole outage. */
const PROMPT_MS = 6_000;

describe('Redis down: the API answers promptly and no click is lost', () => {
  const fake = new FakeOpenAiServer();
  let redis: PrivateRedis;
  let t: TestApp;
  let ws: TestWorkspace;
  let fx: PipelineFixture;
  let redisDown = false;

  beforeAll(async () => {
    redis = await PrivateRedis.start(`/tmp/streamrank-redis-outage-${process.pid}`);
    const { baseUrl } = await fake.start();
    t = await startTestApp({
      ROLE: 'all',
      REDIS_URL: redis.url,
      QUEUE_PREFIX: isolatedQueuePrefix('redis-down'),
      EGRESS_ALLOW_PRIVATE: 'true',
      API_RATE_LIMIT_PER_MINUTE: '1000',
    });
    ws = await createWorkspace(t);
    fx = await createPipelineFixture(t, ws, { baseUrl, brands: [{ name: 'Acme' }] });
  }, 60_000);

  afterAll(async () => {
    // A failure mid-outage leaves Redis down, and the app's queues would wait for it to close.
    if (redisDown) await redis.startServer();
    await t?.close();
    await fake.stop();
    await redis?.stop();
  }, 60_000);

  const answer = () => ({ writes: writesOf(openAiChunkEvents(['Acme ', 'is ', 'fine.']), 5) });

  async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
    const t0 = performance.now();
    const value = await work();
    return { value, ms: performance.now() - t0 };
  }

  async function statusOf(runId: string): Promise<string> {
    const res = await t.http().get(`/v1/runs/${runId}`).set(ws.auth('read')).expect(200);
    return (res.body as { status: string }).status;
  }

  it('accepts "run now" at once, runs it once Redis is back, and never twice', async () => {
    fake.enqueue(answer());
    const warm = await t.http().post(`/v1/prompts/${fx.promptId}/run`).set(ws.auth()).send({}).expect(202);
    const warmRun = (warm.body as { runIds: string[] }).runIds[0]!;
    await waitFor('the first run to succeed', async () => (await statusOf(warmRun)) === 'succeeded', 30_000);

    await redis.shutdown();
    redisDown = true;
    const key = randomUUID();
    const click = await timed(() =>
      t.http().post(`/v1/prompts/${fx.promptId}/run`).set(ws.auth()).set('Idempotency-Key', key).send({}),
    );
    expect(click.value.status).toBe(202);
    expect(click.ms).toBeLessThan(PROMPT_MS);
    const runId = (click.value.body as { runIds: string[] }).runIds[0]!;
    expect(await statusOf(runId)).toBe('queued');

    // The client's retry (it did not trust the first answer): the same run, not a second one.
    const retry = await timed(() =>
      t.http().post(`/v1/prompts/${fx.promptId}/run`).set(ws.auth()).set('Idempotency-Key', key).send({}),
    );
    expect(retry.value.status).toBe(202);
    expect(retry.value.headers['idempotent-replayed']).toBe('true');
    expect((retry.value.body as { runIds: string[] }).runIds).toEqual([runId]);
    expect(retry.ms).toBeLessThan(PROMPT_MS);

    // Other routes that touch Redis.
    const ready = await timed(() => t.http().get('/health/ready'));
    expect(ready.value.status).toBe(503);
    expect(ready.ms).toBeLessThan(PROMPT_MS);
    const events = await timed(() => t.http().get(`/v1/runs/${warmRun}/events`).set(ws.auth('read')));
    expect(events.value.status).toBe(503);
    expect(events.ms).toBeLessThan(PROMPT_MS);
    // Adding a brand enqueues a backfill of the project.
    const brand = await timed(() =>
      t
        .http()
        .post(`/v1/projects/${fx.projectId}/brands`)
        .set(ws.auth())
        .send({ name: 'Globex', kind: 'competitor' }),
    );
    expect(brand.value.status).toBe(201);
    expect(brand.ms).toBeLessThan(PROMPT_MS);
    // The rate limiter fails open (its check gives up in 250 ms): reads go on.
    const list = await timed(() => t.http().get(`/v1/runs?projectId=${fx.projectId}`).set(ws.auth('read')));
    expect(list.value.status).toBe(200);
    expect(list.ms).toBeLessThan(PROMPT_MS);

    // Redis back: the held enqueue is sent, the run starts without waiting for the reconciler (disabled here).
    fake.enqueue(answer());
    fake.enqueue(answer()); // only taken if the run were executed twice
    await redis.startServer();
    redisDown = false;
    await waitFor('the accepted run to succeed', async () => (await statusOf(runId)) === 'succeeded', 60_000);
    const run = await t.http().get(`/v1/runs/${runId}`).set(ws.auth('read')).expect(200);
    expect((run.body as { attempts: number }).attempts).toBe(1);
    await waitFor(
      'the queue to be idle',
      async () => {
        const list = await t.http().get(`/v1/runs?projectId=${fx.projectId}`).set(ws.auth('read'));
        return (list.body as { data: { status: string }[] }).data.every((r) => r.status !== 'running');
      },
      10_000,
    );
    // The warm run, then this one: two provider calls for two runs.
    expect(fake.requests).toHaveLength(2);
  }, 180_000);
});
