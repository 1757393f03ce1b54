// Per-API-key rate limiting: a fixed one-minute window counted in Redis, so every API replica shares it.
import { type Redis } from 'ioredis';
import { REDIS } from '../../src/infra/redis/redis.module';
import { startPipelineHarness, type PipelineHarness } from '../support/pipeline';
import { createWorkspace, type TestApp, type TestWorkspace } from '../support/test-app';

describe('API rate limiting (e2e)', () => {
  const opts = { ROLE: 'api', API_RATE_LIMIT_PER_MINUTE: '5' };
  let h: PipelineHarness | undefined;
  let a: TestApp;
  let b: TestApp;

  beforeAll(async () => {
    h = await startPipelineHarness('ratelimit', opts);
    a = h.t;
    b = await h.startApp(opts);
  });

  afterAll(() => h?.stop());

  it('answers the 6th request of a minute with 429, Retry-After and RateLimit-* headers', async () => {
    const ws = await createWorkspace(a);
    for (let i = 1; i <= 5; i++) {
      const res = await a.http().get('/v1/projects').set(ws.auth()).expect(200);
      expect(res.headers['ratelimit-limit']).toBe('5');
      expect(res.headers['ratelimit-remaining']).toBe(String(5 - i));
      const reset = Number(res.headers['ratelimit-reset']);
      expect(reset).toBeGreaterThanOrEqual(1);
      expect(reset).toBeLessThanOrEqual(60);
    }
    const res = await a.http().get('/v1/projects').set(ws.auth()).expect(429);
    expect(res.body).toEqual({ error: { code: 'rate_limited', message: expect.any(String) } });
    const retryAfter = Number(res.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(res.headers['ratelimit-remaining']).toBe('0');

    // Another key, even of the same workspace, has its own counter.
    const other = await a.http().get('/v1/projects').set(ws.auth('read')).expect(200);
    expect(other.headers['ratelimit-remaining']).toBe('4');
  });

  it('limits after authentication: unauthenticated and public requests are not counted', async () => {
    const ws = await createWorkspace(a);
    await a.http().get('/v1/projects').expect(401);
    const health = await a.http().get('/health/live');
    expect(health.headers['ratelimit-limit']).toBeUndefined();
    const res = await a.http().get('/v1/projects').set(ws.auth()).expect(200);
    expect(res.headers['ratelimit-remaining']).toBe('4');
  });

  it('shares the counter between two API instances on the same Redis', async () => {
    const ws = await createWorkspace(a);
    for (let i = 0; i < 3; i++) await a.http().get('/v1/projects').set(ws.auth()).expect(200);
    for (let i = 0; i < 2; i++) await b.http().get('/v1/projects').set(ws.auth()).expect(200);
    await a.http().get('/v1/projects').set(ws.auth()).expect(429);
    const res = await b.http().get('/v1/projects').set(ws.auth()).expect(429);
    expect(res.headers['retry-after']).toBeDefined();
  });

  it('fails open when Redis is unreachable: requests pass without RateLimit headers', async () => {
    const c = await h!.startApp(opts);
    const redis = c.app.get<Redis>(REDIS);
    try {
      const ws: TestWorkspace = await createWorkspace(c);
      redis.disconnect();
      for (let i = 0; i < 7; i++) {
        const res = await c.http().get('/v1/projects').set(ws.auth()).expect(200);
        expect(res.headers['ratelimit-limit']).toBeUndefined();
      }
    } finally {
      // Reconnect so the app shuts down as usual.
      if (redis.status === 'end') await redis.connect();
      await c.close();
    }
  });
});
