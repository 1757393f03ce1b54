import { createWorkspace, startTestApp, type TestApp, type TestWorkspace } from '../support/test-app';
import { PrismaService } from '../../src/infra/prisma/prisma.service';

describe('configuration API', () => {
  let t: TestApp;
  let ws: TestWorkspace;

  beforeAll(async () => {
    t = await startTestApp();
    ws = await createWorkspace(t);
  });
  afterAll(() => t.close());

  describe('authentication', () => {
    const unauthorized = {
      error: { code: 'unauthorized', message: 'A valid API key is required: Authorization: Bearer <key>' },
    };

    it('keeps the last live admin key: a 409 that changes nothing, until another admin key exists', async () => {
      const own = await createWorkspace(t);
      const keys = async (): Promise<{ id: string; role: string; revokedAt: string | null }[]> =>
        (await t.http().get('/v1/api-keys').set(own.auth()).expect(200)).body.data;
      const admin = (await keys()).find((k) => k.role === 'admin' && k.revokedAt === null)!;
      const refused = await t.http().delete(`/v1/api-keys/${admin.id}`).set(own.auth()).expect(409);
      expect(refused.body.error.code).toBe('conflict');
      expect((await keys()).find((k) => k.id === admin.id)?.revokedAt).toBeNull();
      const second = await t
        .http()
        .post('/v1/api-keys')
        .set(own.auth())
        .send({ name: 'second admin', role: 'admin' })
        .expect(201);
      // Two revokes at once of the last two: exactly one passes.
      const both = await Promise.all(
        [admin.id, second.body.id as string].map((id) =>
          t
            .http()
            .delete(`/v1/api-keys/${id}`)
            .set({ Authorization: `Bearer ${second.body.key}` }),
        ),
      );
      expect(both.map((r) => r.status).sort()).toEqual([200, 409]);
      // Whichever key survived still reads the list; it is the one live admin key left.
      const survivor = both[0]!.status === 200 ? (second.body.key as string) : own.adminKey;
      const after = await t
        .http()
        .get('/v1/api-keys')
        .set({ Authorization: `Bearer ${survivor}` })
        .expect(200);
      const liveAdmins = (after.body.data as { role: string; revokedAt: string | null }[]).filter(
        (k) => k.role === 'admin' && k.revokedAt === null,
      );
      expect(liveAdmins).toHaveLength(1);
    });

    it('gives missing, malformed, unknown and revoked keys the same 401 body', async () => {
      const created = await t
        .http()
        .post('/v1/api-keys')
        .set(ws.auth())
        .send({ name: 'temp', role: 'admin' })
        .expect(201);
      expect(created.body.key).toMatch(/^sr_[a-z0-9]{12}_[A-Za-z0-9_-]{43}$/);
      await t.http().delete(`/v1/api-keys/${created.body.id}`).set(ws.auth()).expect(200);
      const forged = ws.adminKey.slice(0, -4) + 'AAAA';
      const cases: Record<string, string | undefined> = {
        missing: undefined,
        malformed: 'Bearer not-a-key',
        basic: 'Basic dXNlcjpwYXNz',
        unknown: 'Bearer sr_aaaaaaaaaaaa_' + 'A'.repeat(43),
        wrongSecret: `Bearer ${forged}`,
        revoked: `Bearer ${created.body.key}`,
      };
      for (const [name, header] of Object.entries(cases)) {
        const req = t.http().get('/v1/projects');
        const res = await (header ? req.set('Authorization', header) : req);
        expect({ name, status: res.status, body: res.body }).toEqual({
          name,
          status: 401,
          body: unauthorized,
        });
      }
    });

    it('stores only a hash of the key, and shows the key once', async () => {
      const created = await t
        .http()
        .post('/v1/api-keys')
        .set(ws.auth())
        .send({ name: 'once', role: 'read' })
        .expect(201);
      const rows = await t.app.get(PrismaService).apiKey.findMany({ where: { id: created.body.id } });
      expect(Buffer.from(rows[0]!.hash).toString('utf8')).not.toContain(created.body.key);
      // The secret part follows `sr_<12 chars>_` (it may itself contain '_' or start with one: base64url).
      const secret = (created.body.key as string).slice('sr_'.length + 12 + 1);
      expect(secret).toHaveLength(43);
      expect(JSON.stringify(rows[0])).not.toContain(secret);
      const list = await t.http().get('/v1/api-keys').set(ws.auth()).expect(200);
      expect(JSON.stringify(list.body)).not.toContain(created.body.key);
    });

    it('lets read keys read but not write, and never manage keys', async () => {
      await t.http().get('/v1/projects').set(ws.auth('read')).expect(200);
      const denied = await t
        .http()
        .post('/v1/projects')
        .set(ws.auth('read'))
        .send({ name: 'nope' })
        .expect(403);
      expect(denied.body.error.code).toBe('forbidden');
      await t.http().get('/v1/api-keys').set(ws.auth('read')).expect(403);
    });

    it('serves health and docs without a key', async () => {
      await t.http().get('/health/live').expect(200);
      const ready = await t.http().get('/health/ready').expect(200);
      expect(ready.body.checks.redis.ok).toBe(true);
      const doc = await t.http().get('/docs/openapi.json').expect(200);
      expect(doc.body.paths['/v1/projects']).toBeDefined();
    });
  });

  describe('projects, brands, engines, prompts', () => {
    it('runs the full lifecycle with paging', async () => {
      const http = t.http;
      const p = await http().post('/v1/projects').set(ws.auth()).send({ name: 'CRM tools' }).expect(201);
      expect(p.body).toMatchObject({ name: 'CRM tools', foldTokens: 150, halfLifeMs: 10000 });
      const b = await http()
        .post(`/v1/projects/${p.body.id}/brands`)
        .set(ws.auth())
        .send({
          name: 'HubSpot',
          kind: 'own',
          aliases: [{ text: 'Hubspot CRM' }],
          domains: ['https://www.HubSpot.com/'],
          exclusions: [],
        })
        .expect(201);
      expect(b.body.aliases).toEqual([{ text: 'Hubspot CRM' }]);
      expect(b.body.ambiguous).toBe(false);
      expect(b.body.domains).toEqual(['hubspot.com']);
      for (let i = 0; i < 3; i++) {
        await http()
          .post(`/v1/projects/${p.body.id}/brands`)
          .set(ws.auth())
          .send({ name: `Rival ${i}`, kind: 'competitor' })
          .expect(201);
      }
      const page1 = await http().get(`/v1/projects/${p.body.id}/brands?limit=3`).set(ws.auth()).expect(200);
      expect(page1.body.data).toHaveLength(3);
      const page2 = await http()
        .get(`/v1/projects/${p.body.id}/brands`)
        .query({ limit: 3, cursor: page1.body.nextCursor })
        .set(ws.auth())
        .expect(200);
      expect(page2.body.data).toHaveLength(1);
      expect(page2.body.nextCursor).toBeNull();

      const e = await http()
        .post('/v1/engines')
        .set(ws.auth())
        .send({
          name: 'Local llama',
          provider: 'openai-compatible',
          model: 'llama3.1',
          baseUrl: 'https://llm.example.com/v1/',
          credential: 'sk-test-1234567890abcdef',
          parameters: { temperature: 0.2, maxTokens: 800 },
        })
        .expect(201);
      expect(e.body.credential).toEqual({ set: true, last4: 'cdef' });
      expect(e.body.baseUrl).toBe('https://llm.example.com/v1');
      expect(JSON.stringify(e.body)).not.toContain('sk-test');
      const moved = await http()
        .patch(`/v1/engines/${e.body.id}`)
        .set(ws.auth())
        .send({ baseUrl: 'https://evil.example/v1' })
        .expect(400);
      expect(moved.body.error.message).toMatch(/re-entering the credential/);
      await http()
        .patch(`/v1/engines/${e.body.id}`)
        .set(ws.auth())
        .send({ baseUrl: 'https://gw.example/v1', credential: 'sk-other-abcdefghijkl' })
        .expect(200);

      const pr = await http()
        .post(`/v1/projects/${p.body.id}/prompts`)
        .set(ws.auth())
        .send({
          text: 'What is the best CRM?',
          engineIds: [e.body.id],
          cron: '30 9 * * 1-5',
          timezone: 'America/New_York',
          tags: ['crm'],
        })
        .expect(201);
      expect(new Date(pr.body.nextSlotAt).getTime()).toBeGreaterThan(Date.now());
      const paused = await http()
        .patch(`/v1/prompts/${pr.body.id}`)
        .set(ws.auth())
        .send({ active: false })
        .expect(200);
      expect(paused.body.nextSlotAt).toBeNull();
      await http().delete(`/v1/prompts/${pr.body.id}`).set(ws.auth()).expect(204);
      await http().get(`/v1/prompts/${pr.body.id}`).set(ws.auth()).expect(404);
      await http().delete(`/v1/projects/${p.body.id}`).set(ws.auth()).expect(204);
      await http().get(`/v1/brands/${b.body.id}`).set(ws.auth()).expect(404);
    });

    it('encrypts credentials at rest, bound to the workspace', async () => {
      const e = await t
        .http()
        .post('/v1/engines')
        .set(ws.auth())
        .send({
          name: 'enc',
          provider: 'openai-compatible',
          model: 'm',
          baseUrl: 'https://llm.example.com/v1',
          credential: 'sk-secret-value-123456',
        })
        .expect(201);
      const row = await t.app.get(PrismaService).engine.findUniqueOrThrow({ where: { id: e.body.id } });
      expect(Buffer.from(row.credentialCiphertext!).toString('latin1')).not.toContain('sk-secret');
    });
  });

  describe('bad input gets a clear 4xx and changes nothing', () => {
    let projectId: string;
    let engineId: string;
    let brandId: string;
    let promptId: string;
    let publicEngineId: string;

    beforeAll(async () => {
      projectId = (await t.http().post('/v1/projects').set(ws.auth()).send({ name: 'bad-input' }).expect(201))
        .body.id;
      engineId = (
        await t
          .http()
          .post('/v1/engines')
          .set(ws.auth())
          .send({ name: 'bi', provider: 'demo', model: 'demo' })
          .expect(201)
      ).body.id;
      publicEngineId = (
        await t
          .http()
          .post('/v1/engines')
          .set(ws.auth())
          .send({
            name: 'public',
            provider: 'openai-compatible',
            model: 'm',
            baseUrl: 'https://llm.example.com/v1',
          })
          .expect(201)
      ).body.id;
      brandId = (
        await t
          .http()
          .post(`/v1/projects/${projectId}/brands`)
          .set(ws.auth())
          .send({ name: 'B', kind: 'own' })
          .expect(201)
      ).body.id;
      promptId = (
        await t
          .http()
          .post(`/v1/projects/${projectId}/prompts`)
          .set(ws.auth())
          .send({ text: 'q', engineIds: [engineId], cron: '0 * * * *' })
          .expect(201)
      ).body.id;
    });

    const long = 'x'.repeat(5000);
    const cases: [string, 'post' | 'patch', () => string, () => unknown, number][] = [
      ['project: missing name', 'post', () => '/v1/projects', () => ({}), 400],
      ['project: unknown property', 'post', () => '/v1/projects', () => ({ name: 'a', admin: true }), 400],
      ['project: name too long', 'post', () => '/v1/projects', () => ({ name: long }), 400],
      [
        'project: foldTokens out of range',
        'post',
        () => '/v1/projects',
        () => ({ name: 'a', foldTokens: 0 }),
        400,
      ],
      [
        'project: wrong type',
        'patch',
        () => `/v1/projects/${projectId}`,
        () => ({ halfLifeMs: 'soon' }),
        400,
      ],
      [
        'project: unknown property on update',
        'patch',
        () => `/v1/projects/${projectId}`,
        () => ({ workspaceId: 'x' }),
        400,
      ],
      [
        'brand: bad kind',
        'post',
        () => `/v1/projects/${projectId}/brands`,
        () => ({ name: 'x', kind: 'friend' }),
        400,
      ],
      [
        'brand: too many aliases',
        'post',
        () => `/v1/projects/${projectId}/brands`,
        () => ({
          name: 'x',
          kind: 'own',
          aliases: Array.from({ length: 51 }, (_, i) => ({ text: `a${i}` })),
        }),
        400,
      ],
      [
        'brand: bad domain',
        'post',
        () => `/v1/projects/${projectId}/brands`,
        () => ({ name: 'x', kind: 'own', domains: ['not a domain'] }),
        400,
      ],
      [
        'brand: alias with regex-ish unknown field',
        'patch',
        () => `/v1/brands/${brandId}`,
        () => ({ aliases: [{ text: 'a', regex: true }] }),
        400,
      ],
      ['brand: empty name', 'patch', () => `/v1/brands/${brandId}`, () => ({ name: '  ' }), 400],
      [
        'engine: unknown provider',
        'post',
        () => '/v1/engines',
        () => ({ name: 'x', provider: 'bard', model: 'm' }),
        400,
      ],
      [
        'engine: openai without credential',
        'post',
        () => '/v1/engines',
        () => ({ name: 'x', provider: 'openai', model: 'gpt' }),
        400,
      ],
      [
        'engine: compatible without baseUrl',
        'post',
        () => '/v1/engines',
        () => ({ name: 'x', provider: 'openai-compatible', model: 'm' }),
        400,
      ],
      [
        'engine: baseUrl not http',
        'post',
        () => '/v1/engines',
        () => ({ name: 'x', provider: 'openai-compatible', model: 'm', baseUrl: 'file:///etc/passwd' }),
        400,
      ],
      // Found by route-fuzz: a non-URL string used to reach `new URL` in the credentials refine (500).
      [
        'engine: baseUrl not a URL at all',
        'post',
        () => '/v1/engines',
        () => ({ name: 'x', provider: 'openai-compatible', model: 'm', baseUrl: 'not a url' }),
        400,
      ],
      [
        'engine: baseUrl patched to a non-URL',
        'patch',
        () => `/v1/engines/${publicEngineId}`,
        () => ({ baseUrl: 'ünïcode', credential: 'sk-new-0123456789ab' }),
        400,
      ],
      [
        'webhook: url not a URL at all',
        'post',
        () => '/v1/webhooks',
        () => ({ url: 'not a url', events: ['run.completed'] }),
        400,
      ],
      [
        'engine: baseUrl on a loopback (egress)',
        'post',
        () => '/v1/engines',
        () => ({ name: 'x', provider: 'openai-compatible', model: 'm', baseUrl: 'http://127.0.0.1:8080/v1' }),
        400,
      ],
      [
        'engine: baseUrl on a metadata address (egress)',
        'post',
        () => '/v1/engines',
        () => ({
          name: 'x',
          provider: 'openai-compatible',
          model: 'm',
          baseUrl: 'http://169.254.169.254/latest',
        }),
        400,
      ],
      [
        'engine: baseUrl on a IPv6 loopback (egress)',
        'post',
        () => '/v1/engines',
        () => ({ name: 'x', provider: 'openai-compatible', model: 'm', baseUrl: 'http://[::1]:11434/v1' }),
        400,
      ],
      [
        'engine: baseUrl on a decimal IPv4 loopback (egress)',
        'post',
        () => '/v1/engines',
        () => ({ name: 'x', provider: 'openai-compatible', model: 'm', baseUrl: 'http://2130706433/v1' }),
        400,
      ],
      [
        'engine: baseUrl on a private network (egress)',
        'post',
        () => '/v1/engines',
        () => ({ name: 'x', provider: 'openai-compatible', model: 'm', baseUrl: 'http://10.0.0.5/v1' }),
        400,
      ],
      [
        'engine: baseUrl on a localhost name (egress)',
        'post',
        () => '/v1/engines',
        () => ({
          name: 'x',
          provider: 'openai-compatible',
          model: 'm',
          baseUrl: 'http://localhost:11434/v1',
        }),
        400,
      ],
      [
        'engine: baseUrl moved to a private address',
        'patch',
        () => `/v1/engines/${publicEngineId}`,
        () => ({ baseUrl: 'http://192.168.1.10/v1', credential: 'sk-new-0123456789ab' }),
        400,
      ],
      [
        'engine: temperature out of range',
        'patch',
        () => `/v1/engines/${engineId}`,
        () => ({ parameters: { temperature: 9 } }),
        400,
      ],
      [
        'engine: provider is immutable',
        'patch',
        () => `/v1/engines/${engineId}`,
        () => ({ provider: 'openai' }),
        400,
      ],
      [
        'prompt: bad cron',
        'post',
        () => `/v1/projects/${projectId}/prompts`,
        () => ({ text: 'q', engineIds: [engineId], cron: 'every day' }),
        400,
      ],
      [
        'prompt: cron too frequent',
        'post',
        () => `/v1/projects/${projectId}/prompts`,
        () => ({ text: 'q', engineIds: [engineId], cron: '*/10 * * * * *' }),
        400,
      ],
      [
        'prompt: bad timezone',
        'post',
        () => `/v1/projects/${projectId}/prompts`,
        () => ({ text: 'q', engineIds: [engineId], cron: '0 * * * *', timezone: 'Mars/Olympus' }),
        400,
      ],
      [
        'prompt: too many samples',
        'post',
        () => `/v1/projects/${projectId}/prompts`,
        () => ({ text: 'q', engineIds: [engineId], cron: '0 * * * *', samplesPerSlot: 1000 }),
        400,
      ],
      [
        'prompt: no engines',
        'post',
        () => `/v1/projects/${projectId}/prompts`,
        () => ({ text: 'q', engineIds: [], cron: '0 * * * *' }),
        400,
      ],
      [
        'prompt: unknown engine',
        'post',
        () => `/v1/projects/${projectId}/prompts`,
        () => ({ text: 'q', engineIds: ['00000000-0000-4000-8000-000000000000'], cron: '0 * * * *' }),
        404,
      ],
      [
        'prompt: too many tags',
        'patch',
        () => `/v1/prompts/${promptId}`,
        () => ({ tags: Array.from({ length: 21 }, (_, i) => `t${i}`) }),
        400,
      ],
      [
        'prompt: bad cron on update',
        'patch',
        () => `/v1/prompts/${promptId}`,
        () => ({ cron: '61 * * * *' }),
        400,
      ],
      ['api key: bad role', 'post', () => '/v1/api-keys', () => ({ name: 'k', role: 'owner' }), 400],
      [
        'run now: unknown property',
        'post',
        () => `/v1/prompts/${promptId}/run`,
        () => ({ engine: 'x' }),
        400,
      ],
    ];

    it.each(cases)('%s', async (_name, method, path, body, status) => {
      const before = await counts();
      const res = await t
        .http()
        [method](path())
        .set(ws.auth())
        .send(body() as object);
      expect(res.status).toBe(status);
      expect(typeof res.body.error.code).toBe('string');
      expect(typeof res.body.error.message).toBe('string');
      expect(await counts()).toEqual(before);
      if (method === 'patch') {
        const after = await t.http().get(path()).set(ws.auth()).expect(200);
        expect(after.body.updatedAt).toBeDefined();
      }
    });

    it('rejects malformed JSON with 400 and oversized bodies with 413', async () => {
      const bad = await t
        .http()
        .post('/v1/projects')
        .set(ws.auth())
        .set('Content-Type', 'application/json')
        .send('{"name":');
      expect(bad.status).toBe(400);
      expect(bad.body.error.code).toBe('invalid_json');
      const huge = await t
        .http()
        .post('/v1/projects')
        .set(ws.auth())
        .send({ name: 'x'.repeat(300_000) });
      expect(huge.status).toBe(413);
      expect(huge.body.error.code).toBe('payload_too_large');
    });

    it('answers 404 for malformed ids and unknown routes, 409 for duplicates', async () => {
      await t.http().get('/v1/projects/not-a-uuid').set(ws.auth()).expect(404);
      const r = await t.http().get('/v1/nothing-here').set(ws.auth()).expect(404);
      expect(r.body.error.code).toBe('not_found');
      const dup = await t.http().post('/v1/projects').set(ws.auth()).send({ name: 'bad-input' }).expect(409);
      expect(dup.body.error.code).toBe('conflict');
    });

    it('bounds page sizes', async () => {
      const res = await t.http().get('/v1/projects?limit=5000').set(ws.auth()).expect(400);
      expect(res.body.error.message).toMatch(/limit/);
    });

    async function counts() {
      const prisma = t.app.get(PrismaService);
      const [projects, brands, engines, prompts, keys, runs] = await Promise.all([
        prisma.project.count(),
        prisma.brand.count(),
        prisma.engine.count(),
        prisma.trackedPrompt.count(),
        prisma.apiKey.count(),
        prisma.run.count(),
      ]);
      const snapshot = await prisma.project.findUnique({ where: { id: projectId } });
      return { projects, brands, engines, prompts, keys, runs, snapshot };
    }
  });
});
