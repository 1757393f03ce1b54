// The input rules at the edge (docs/api.md, "Input rules") and the smaller hardening of issue 23: each case
// the outside probe found answers 400 naming the field and stores nothing; a Postgres that is starting up
// gives 503 with Retry-After; readiness says nothing about hosts and fails until migrations are applied.
import path from 'node:path';
import { Client } from 'pg';
import { generateApiKey } from '../../src/auth/api-key-format';
import { withDatabase } from '../../src/infra/database/database-url';
import { applyMigrations, ensureDatabase } from '../../src/infra/database/migrator';
import { startFakePostgresStartingUp } from '../support/fake-postgres-starting-up';
import { createWorkspace, startTestApp, type TestApp, type TestWorkspace } from '../support/test-app';

interface ErrorBody {
  error: { code: string; message: string; details?: { path: string; message: string }[] };
}

const paths = (body: unknown): string[] => ((body as ErrorBody).error.details ?? []).map((d) => d.path);

describe('input rules', () => {
  let t: TestApp;
  let ws: TestWorkspace;
  let projectId: string;
  let engineId: string;

  beforeAll(async () => {
    t = await startTestApp({ ROLE: 'api', API_RATE_LIMIT_PER_MINUTE: '0' });
    ws = await createWorkspace(t);
    const p = await t.http().post('/v1/projects').set(ws.auth()).send({ name: 'rules' }).expect(201);
    projectId = p.body.id as string;
    const e = await t
      .http()
      .post('/v1/engines')
      .set(ws.auth())
      .send({ name: 'demo', provider: 'demo', model: 'demo' })
      .expect(201);
    engineId = e.body.id as string;
  });

  afterAll(() => t.close());

  const projectNames = async (): Promise<string[]> => {
    const res = await t.http().get('/v1/projects?limit=200').set(ws.auth()).expect(200);
    return (res.body.data as { name: string }[]).map((p) => p.name);
  };

  it('answers 400 naming the field for a NUL, and stores nothing', async () => {
    const before = await projectNames();
    const res = await t.http().post('/v1/projects').set(ws.auth()).send({ name: 'p Ac\u0000me' }).expect(400);
    expect(res.body.error.code).toBe('validation_failed');
    expect(paths(res.body)).toEqual(['body.name']);
    expect(res.body.error.message).toContain('U+0000');
    expect(await projectNames()).toEqual(before);
  });

  it('names the array element and nested field holding a lone surrogate', async () => {
    const brand = await t
      .http()
      .post(`/v1/projects/${projectId}/brands`)
      .set(ws.auth())
      .send({ name: 'Acme', kind: 'own', aliases: [{ text: 'a' }, { text: 'b' }, { text: 'x\ud800y' }] })
      .expect(400);
    expect(paths(brand.body)).toEqual(['body.aliases.2.text']);
    const engine = await t
      .http()
      .post('/v1/engines')
      .set(ws.auth())
      .send({ name: 'e', provider: 'demo', model: 'm', parameters: { systemPrompt: '\udc00' } })
      .expect(400);
    expect(paths(engine.body)).toEqual(['body.parameters.systemPrompt']);
    expect(engine.body.error.message).toContain('lone surrogate U+DC00');
  });

  it('refuses invalid UTF-8 bytes in the raw body instead of storing U+FFFD', async () => {
    const before = await projectNames();
    const raw = Buffer.concat([Buffer.from('{"name":"caf'), Buffer.from([0xc3, 0x28]), Buffer.from('"}')]);
    // Raw bytes over real HTTP: supertest would serialize a Buffer as JSON.
    const sent = await fetch(`${t.baseUrl}/v1/projects`, {
      method: 'POST',
      headers: { ...ws.auth(), 'Content-Type': 'application/json' },
      body: new Uint8Array(raw),
    });
    expect(sent.status).toBe(400);
    const res = { body: (await sent.json()) as ErrorBody };
    expect(paths(res.body)).toEqual(['body.name']);
    expect(res.body.error.message).toContain('UTF-8');
    expect(await projectNames()).toEqual(before);
    // A U+FFFD sent as valid UTF-8 is just a character: stored as sent.
    const ok = await t.http().post('/v1/projects').set(ws.auth()).send({ name: 'r\ufffd' }).expect(201);
    expect(ok.body.name).toBe('r\ufffd');
  });

  it('refuses control characters and bidi overrides, keeps tab, newline and direction marks', async () => {
    for (const [name, code] of [
      ['a\u001bb', 'U+001B'],
      ['a\u0085b', 'U+0085'],
      ['evil\u202egnp.exe', 'U+202E'],
      ['x\u2066y', 'U+2066'],
    ]) {
      const res = await t.http().post('/v1/projects').set(ws.auth()).send({ name }).expect(400);
      expect(res.body.error.message).toContain(code);
    }
    const text = 'line one\n\tline two \u200f\u05e9\u05dc\u05d5\u05dd!';
    const ok = await t
      .http()
      .post(`/v1/projects/${projectId}/prompts`)
      .set(ws.auth())
      .send({ text, cron: '0 9 * * *', engineIds: [engineId] })
      .expect(201);
    expect(ok.body.text).toBe(text);
  });

  it('refuses numbers that are not finite or not exactly representable', async () => {
    for (const raw of [
      '{"name":"e","provider":"demo","model":"m","maxConcurrency":1e400}',
      '{"name":"e","provider":"demo","model":"m","maxConcurrency":9007199254740993}',
    ]) {
      const res = await t
        .http()
        .post('/v1/engines')
        .set(ws.auth())
        .set('Content-Type', 'application/json')
        .send(raw)
        .expect(400);
      expect(paths(res.body)).toEqual(['body.maxConcurrency']);
    }
    await t.http().get('/v1/projects?limit=1e400').set(ws.auth()).expect(400);
    await t.http().get('/v1/projects?limit=NaN').set(ws.auth()).expect(400);
  });

  it('answers 400 for report dates outside 2000..2100 and for NUL or broken encoding in tags', async () => {
    for (const query of [
      'from=0000-01-01T00:00:00Z&to=0000-02-01T00:00:00Z',
      'from=1999-12-31T23:59:59Z',
      'to=2100-01-01T00:00:00Z',
      'tags=%00',
      'tags=%FF',
      'tags=%ED%A0%80',
    ]) {
      for (const report of ['mentions', 'head-to-head', 'trend', 'citations', 'arrival']) {
        const res = await t
          .http()
          .get(`/v1/reports/${report}?projectId=${projectId}&${query}`)
          .set(ws.auth())
          .expect(400);
        expect(paths(res.body).some((p) => /^query\.(from|to|tags)$/.test(p))).toBe(true);
      }
    }
    await t
      .http()
      .get(`/v1/reports/mentions?projectId=${projectId}&from=2000-01-01T00:00:00Z&to=2000-02-01T00:00:00Z`)
      .set(ws.auth())
      .expect(200);
    await t.http().get('/v1/runs?from=0000-01-01T00:00:00Z').set(ws.auth()).expect(400);
  });

  it('refuses engine base URLs with a query string or fragment', async () => {
    for (const baseUrl of [
      'https://93.184.215.14/v1?x=1',
      'https://93.184.215.14/v1#frag',
      'https://93.184.215.14/v1?',
    ]) {
      const res = await t
        .http()
        .post('/v1/engines')
        .set(ws.auth())
        .send({ name: 'q', provider: 'openai-compatible', model: 'm', baseUrl })
        .expect(400);
      expect(paths(res.body)).toEqual(['body.baseUrl']);
    }
  });

  it('tells an unauthenticated readiness probe only the check names and their status', async () => {
    const res = await t.http().get('/health/ready').expect(200);
    expect(res.body).toEqual({
      status: 'ok',
      checks: { postgres: { ok: true }, migrations: { ok: true }, redis: { ok: true } },
    });
  });
});

describe('a Postgres that is starting up', () => {
  it('gives 503 with Retry-After, not 500', async () => {
    const fake = await startFakePostgresStartingUp();
    const t = await startTestApp({ ROLE: 'api', DATABASE_URL: fake.url });
    try {
      const res = await t.http().get('/v1/projects').set('Authorization', `Bearer ${generateApiKey().key}`);
      expect(res.status).toBe(503);
      expect(res.body.error.code).toBe('service_unavailable');
      expect(res.headers['retry-after']).toBe('5');
      expect(fake.connections()).toBeGreaterThan(0);
      const ready = await t.http().get('/health/ready').expect(503);
      expect(ready.body.checks.postgres).toEqual({ ok: false });
      expect(JSON.stringify(ready.body)).not.toContain('127.0.0.1');
    } finally {
      await t.close();
      await fake.close();
    }
  });
});

describe('readiness on an unmigrated database', () => {
  it('fails until every migration is applied', async () => {
    const base = process.env.DATABASE_URL as string;
    const name = `${new URL(base).pathname.slice(1)}_unmigrated`;
    const url = withDatabase(base, name);
    await ensureDatabase(url);
    const reset = new Client({ connectionString: url });
    await reset.connect();
    await reset.query('DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public;');
    await reset.end();
    const t = await startTestApp({ ROLE: 'api', DATABASE_URL: url });
    try {
      const before = await t.http().get('/health/ready').expect(503);
      expect(before.body.checks).toEqual({
        postgres: { ok: true },
        migrations: { ok: false },
        redis: { ok: true },
      });
      await applyMigrations(url, path.resolve(__dirname, '../../prisma/migrations'));
      const after = await t.http().get('/health/ready').expect(200);
      expect(after.body.checks.migrations).toEqual({ ok: true });
    } finally {
      await t.close();
      const admin = new Client({ connectionString: withDatabase(base, 'postgres') });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await admin.end();
    }
  }, 120_000);
});
