// Web app sign-in: an API key or a single-use link is exchanged for an HttpOnly session cookie that then
// authenticates like the key (role, tenancy, rate limit), with CSRF checks on writes and revocation with the key.
import { createHash } from 'node:crypto';
import http from 'node:http';
import type request from 'supertest';
import { WebSessionService } from '../../src/auth/web-session.service';
import { PrismaService } from '../../src/infra/prisma/prisma.service';
import { createWorkspace, startTestApp, type TestApp, type TestWorkspace } from '../support/test-app';

interface Session {
  cookie: string;
  token: string;
  csrf: string;
  body: Record<string, unknown>;
}

const setCookieOf = (res: request.Response): string[] => {
  const raw = res.headers['set-cookie'] as unknown;
  return Array.isArray(raw) ? (raw as string[]) : typeof raw === 'string' ? [raw] : [];
};

describe('web sessions (e2e)', () => {
  let t: TestApp;
  let ws: TestWorkspace;
  let prisma: PrismaService;

  beforeAll(async () => {
    t = await startTestApp({ ROLE: 'api', API_RATE_LIMIT_PER_MINUTE: '0' });
    prisma = t.app.get(PrismaService);
    ws = await createWorkspace(t);
  });
  afterAll(() => t.close());

  async function signIn(key: string, app: TestApp = t): Promise<Session> {
    const res = await app.http().post('/v1/sessions').send({ apiKey: key }).expect(201);
    const header = setCookieOf(res)[0] ?? '';
    const token = /^sr_session=([^;]*)/.exec(header)?.[1] ?? '';
    return {
      cookie: `sr_session=${token}`,
      token,
      csrf: res.body.csrfToken as string,
      body: res.body as Record<string, unknown>,
    };
  }

  it('exchanges a key for an HttpOnly, SameSite=Strict cookie that authenticates reads', async () => {
    const res = await t.http().post('/v1/sessions').send({ apiKey: ws.adminKey }).expect(201);
    expect(res.body).toEqual({
      workspaceId: ws.workspaceId,
      role: 'admin',
      keyName: 'initial admin key',
      keyPrefix: ws.adminKey.slice(0, 10),
      csrfToken: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      expiresAt: expect.any(String),
    });
    const hours = (Date.parse(res.body.expiresAt as string) - Date.now()) / 3_600_000;
    expect(hours).toBeGreaterThan(11.9);
    expect(hours).toBeLessThanOrEqual(12);
    const [cookie] = setCookieOf(res);
    expect(cookie).toMatch(/^sr_session=[A-Za-z0-9_-]{43}; /);
    const attributes = cookie!.split('; ').slice(1);
    expect(attributes).toEqual(
      expect.arrayContaining(['HttpOnly', 'SameSite=Strict', 'Path=/', 'Max-Age=43200']),
    );
    expect(attributes).not.toContain('Secure');
    expect(res.headers['cache-control']).toBe('no-store');

    const s = await signIn(ws.adminKey);
    await t.http().get('/v1/projects').set('Cookie', s.cookie).expect(200);
    const current = await t.http().get('/v1/sessions/current').set('Cookie', s.cookie).expect(200);
    expect(current.body).toEqual(s.body);
  });

  it('marks the cookie Secure over HTTPS: X-Forwarded-Proto only counts with TRUST_PROXY', async () => {
    const ignored = await t
      .http()
      .post('/v1/sessions')
      .set('X-Forwarded-Proto', 'https')
      .send({ apiKey: ws.adminKey })
      .expect(201);
    expect(setCookieOf(ignored)[0]).not.toMatch(/; Secure/);
    const proxied = await startTestApp({ ROLE: 'api', TRUST_PROXY: '1' });
    try {
      const res = await proxied
        .http()
        .post('/v1/sessions')
        .set('X-Forwarded-Proto', 'https')
        .send({ apiKey: ws.adminKey })
        .expect(201);
      expect(setCookieOf(res)[0]).toMatch(/; Secure(;|$)/);
    } finally {
      await proxied.close();
    }
  });

  it('refuses a bad or revoked key with a JSON 401 and stores nothing', async () => {
    const before = await prisma.webSession.count();
    for (const apiKey of ['sr_nope_' + 'x'.repeat(40), 'short', ws.adminKey + 'x']) {
      const res = await t.http().post('/v1/sessions').send({ apiKey }).expect(401);
      expect(res.body).toEqual({ error: { code: 'unauthorized', message: expect.any(String) } });
      expect(setCookieOf(res)).toEqual([]);
    }
    const extra = await t
      .http()
      .post('/v1/api-keys')
      .set(ws.auth())
      .send({ name: 'gone', role: 'admin' })
      .expect(201);
    await t.http().delete(`/v1/api-keys/${extra.body.id}`).set(ws.auth()).expect(200);
    await t.http().post('/v1/sessions').send({ apiKey: extra.body.key }).expect(401);
    await t.http().post('/v1/sessions').send({}).expect(400);
    expect(await prisma.webSession.count()).toBe(before);
  });

  it('requires the CSRF token on cookie-authenticated writes (Bearer writes need none)', async () => {
    const own = await createWorkspace(t);
    const s = await signIn(own.adminKey);
    const projects = async () =>
      (await t.http().get('/v1/projects').set(own.auth()).expect(200)).body.data as unknown[];

    const missing = await t
      .http()
      .post('/v1/projects')
      .set('Cookie', s.cookie)
      .send({ name: 'x' })
      .expect(403);
    expect(missing.body.error.code).toBe('csrf_token_invalid');
    const wrong = await t
      .http()
      .post('/v1/projects')
      .set('Cookie', s.cookie)
      .set('X-CSRF-Token', s.csrf.slice(0, -1) + (s.csrf.endsWith('A') ? 'B' : 'A'))
      .send({ name: 'x' })
      .expect(403);
    expect(wrong.body.error.code).toBe('csrf_token_invalid');
    const crossOrigin = await t
      .http()
      .post('/v1/projects')
      .set('Cookie', s.cookie)
      .set('X-CSRF-Token', s.csrf)
      .set('Origin', 'https://evil.example')
      .send({ name: 'x' })
      .expect(403);
    expect(crossOrigin.body.error.code).toBe('origin_mismatch');
    expect(await projects()).toEqual([]);

    const origin = new URL(t.baseUrl).origin;
    await t
      .http()
      .post('/v1/projects')
      .set('Cookie', s.cookie)
      .set('X-CSRF-Token', s.csrf)
      .set('Origin', origin)
      .send({ name: 'via cookie' })
      .expect(201);
    await t.http().post('/v1/projects').set(own.auth()).send({ name: 'via bearer' }).expect(201);
    expect(await projects()).toHaveLength(2);
  });

  it("a read key's session reads but cannot write", async () => {
    const s = await signIn(ws.readKey);
    expect(s.body.role).toBe('read');
    await t.http().get('/v1/projects').set('Cookie', s.cookie).expect(200);
    const res = await t
      .http()
      .post('/v1/projects')
      .set('Cookie', s.cookie)
      .set('X-CSRF-Token', s.csrf)
      .send({ name: 'nope' })
      .expect(403);
    expect(res.body.error.code).toBe('forbidden');
    await t.http().post('/v1/sessions/links').set('Cookie', s.cookie).set('X-CSRF-Token', s.csrf).expect(403);
  });

  it('signs in once with a link: 303 to /, then 303 to the error page without a session', async () => {
    const created = await t.http().post('/v1/sessions/links').set(ws.auth()).expect(201);
    expect(created.body).toEqual({
      url: expect.stringMatching(/^\/v1\/sessions\/link\?token=[A-Za-z0-9_-]{43}$/),
      expiresAt: expect.any(String),
    });
    const minutes = (Date.parse(created.body.expiresAt as string) - Date.now()) / 60_000;
    expect(minutes).toBeGreaterThan(14.9);
    expect(minutes).toBeLessThanOrEqual(15);

    const first = await t
      .http()
      .get(created.body.url as string)
      .expect(303);
    expect(first.headers.location).toBe('/');
    const cookie = /^sr_session=[^;]+/.exec(setCookieOf(first)[0] ?? '')?.[0];
    expect(cookie).toBeDefined();
    const current = await t.http().get('/v1/sessions/current').set('Cookie', cookie!).expect(200);
    expect(current.body).toMatchObject({ workspaceId: ws.workspaceId, role: 'admin' });

    const second = await t
      .http()
      .get(created.body.url as string)
      .expect(303);
    expect(second.headers.location).toBe('/sign-in?error=link-invalid');
    expect(setCookieOf(second)).toEqual([]);
    for (const bad of ['?token=nope', '', '?token=' + 'A'.repeat(43)]) {
      const res = await t.http().get(`/v1/sessions/link${bad}`).expect(303);
      expect(res.headers.location).toBe('/sign-in?error=link-invalid');
    }
  });

  it('expires links, gives one session for two concurrent clicks, and acts with the link key role', async () => {
    const service = t.app.get(WebSessionService);
    const keyId = async (key: string) =>
      (await prisma.apiKey.findUniqueOrThrow({ where: { hash: createHash('sha256').update(key).digest() } }))
        .id;
    const expired = await service.createSignInLink(ws.workspaceId, await keyId(ws.adminKey));
    await prisma.signInLink.updateMany({
      where: { tokenHash: createHash('sha256').update(expired.token).digest() },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    const late = await t.http().get(`/v1/sessions/link?token=${expired.token}`).expect(303);
    expect(late.headers.location).toBe('/sign-in?error=link-invalid');

    const link = await service.createSignInLink(ws.workspaceId, await keyId(ws.readKey));
    const clicks = await Promise.all(
      [0, 1, 2].map(() => t.http().get(`/v1/sessions/link?token=${link.token}`).expect(303)),
    );
    const winners = clicks.filter((r) => setCookieOf(r).length > 0);
    expect(winners).toHaveLength(1);
    const cookie = /^sr_session=[^;]+/.exec(setCookieOf(winners[0]!)[0]!)![0];
    const current = await t.http().get('/v1/sessions/current').set('Cookie', cookie).expect(200);
    expect(current.body.role).toBe('read');
    await expect(
      service.createSignInLink(ws.workspaceId, '00000000-0000-4000-8000-000000000000'),
    ).rejects.toMatchObject({ code: 'not_found' });
  });

  it('revoking the key ends its sessions', async () => {
    const extra = await t
      .http()
      .post('/v1/api-keys')
      .set(ws.auth())
      .send({ name: 'laptop', role: 'read' })
      .expect(201);
    const s = await signIn(extra.body.key as string);
    await t.http().get('/v1/projects').set('Cookie', s.cookie).expect(200);
    await t.http().delete(`/v1/api-keys/${extra.body.id}`).set(ws.auth()).expect(200);
    await t.http().get('/v1/projects').set('Cookie', s.cookie).expect(401);
    const rows = await prisma.webSession.findMany({ where: { apiKeyId: extra.body.id as string } });
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r.revokedAt !== null)).toBe(true);
  });

  it('signs out: DELETE needs the CSRF token, revokes the session and clears the cookie', async () => {
    const s = await signIn(ws.readKey);
    await t.http().delete('/v1/sessions/current').set('Cookie', s.cookie).expect(403);
    const res = await t
      .http()
      .delete('/v1/sessions/current')
      .set('Cookie', s.cookie)
      .set('X-CSRF-Token', s.csrf)
      .expect(204);
    expect(setCookieOf(res)[0]).toMatch(/^sr_session=; Max-Age=0; Path=\/; HttpOnly; SameSite=Strict/);
    await t.http().get('/v1/sessions/current').set('Cookie', s.cookie).expect(401);
    await t.http().get('/v1/projects').set('Cookie', s.cookie).expect(401);
  });

  it('an expired session is a 401; without a session the session routes are a 401', async () => {
    const s = await signIn(ws.adminKey);
    await prisma.webSession.updateMany({
      where: { tokenHash: createHash('sha256').update(s.token).digest() },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    const res = await t.http().get('/v1/projects').set('Cookie', s.cookie).expect(401);
    expect(res.body.error.code).toBe('unauthorized');
    await t.http().get('/v1/sessions/current').expect(401);
    await t.http().get('/v1/sessions/current').set(ws.auth()).expect(401);
    await t.http().delete('/v1/sessions/current').set(ws.auth()).expect(401);
    await t.http().get('/v1/projects').set('Cookie', 'sr_session=garbage').expect(401);
  });

  it('stores only the SHA-256 of the cookie value', async () => {
    const s = await signIn(ws.adminKey);
    const rows = await prisma.$queryRawUnsafe<Record<string, unknown>[]>(
      `SELECT * FROM web_sessions WHERE "tokenHash" = $1`,
      createHash('sha256').update(s.token).digest(),
    );
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows[0], (_, v: unknown) => (typeof v === 'bigint' ? String(v) : v))).not.toContain(
      s.token,
    );
    expect(rows[0]!.csrfToken).toBe(s.csrf);
    expect(s.csrf).not.toBe(s.token);
  });

  it("another workspace's resources are 404 through a session too", async () => {
    const other = await createWorkspace(t);
    const theirs = await t.http().post('/v1/projects').set(other.auth()).send({ name: 'theirs' }).expect(201);
    const s = await signIn(ws.adminKey);
    await t.http().get(`/v1/projects/${theirs.body.id}`).set('Cookie', s.cookie).expect(404);
    await t
      .http()
      .delete(`/v1/projects/${theirs.body.id}`)
      .set('Cookie', s.cookie)
      .set('X-CSRF-Token', s.csrf)
      .expect(404);
    await t.http().get(`/v1/projects/${theirs.body.id}`).set(other.auth()).expect(200);
  });

  it('the live SSE feed accepts the cookie (native EventSource sends no Authorization header)', async () => {
    const project = await t.http().post('/v1/projects').set(ws.auth()).send({ name: 'live' }).expect(201);
    const s = await signIn(ws.readKey);
    const open = (headers: Record<string, string>) =>
      new Promise<http.IncomingMessage>((resolve, reject) => {
        const req = http.get(`${t.baseUrl}/v1/projects/${project.body.id}/events`, {
          headers: { Accept: 'text/event-stream', ...headers },
        });
        req.on('response', (res) => {
          resolve(res);
          req.destroy();
        });
        req.on('error', reject);
      });
    const res = await open({ Cookie: s.cookie });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/event-stream/);
    expect((await open({})).statusCode).toBe(401);
  });
});
