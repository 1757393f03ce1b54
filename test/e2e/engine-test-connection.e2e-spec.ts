// Test connection (POST /v1/engines/:id/test and /v1/engines/test): one short real call through the run
// adapters to the fake provider, answered with its outcome class, and nothing stored (no run, no credential
// change, no disabling).
import net from 'node:net';
import { PrismaService } from '../../src/infra/prisma/prisma.service';
import { TEST_MAX_TOKENS, TEST_PROMPT } from '../../src/runs/api/engine-connection-test.service';
import { anthropicTextEvents } from '../fakes/anthropic-sse-script';
import { type FakeOpenAiServer, type FakeScript } from '../fakes/fake-openai-server';
import { openAiChunkEvents, writesOf } from '../fakes/openai-sse-script';
import { startPipelineHarness, type PipelineHarness } from '../support/pipeline';
import { type TestApp, type TestWorkspace } from '../support/test-app';

const KEY = 'sk-stored-key-0123456789abcd';
const json = (status: number, body: unknown): FakeScript => ({
  status,
  headers: { 'content-type': 'application/json' },
  writes: [{ delayMs: 0, bytes: JSON.stringify(body) }],
});
const ok = (texts: string[]): FakeScript => ({ writes: writesOf(openAiChunkEvents(texts), 1) });

/** A port nothing listens on: bound, then closed. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('engine test connection', () => {
  let h: PipelineHarness;
  let fake: FakeOpenAiServer;
  let t: TestApp;
  let ws: TestWorkspace;
  let engineId: string;

  const runCount = () => t.app.get(PrismaService).run.count({ where: { workspaceId: ws.workspaceId } });
  const testEngine = (id: string, body: object = {}, app: TestApp = t) =>
    app.http().post(`/v1/engines/${id}/test`).set(ws.auth()).send(body);

  beforeAll(async () => {
    h = await startPipelineHarness('enginetest');
    ({ fake, t, ws } = h);
    const engine = await t
      .http()
      .post('/v1/engines')
      .set(ws.auth())
      .send({
        name: 'fake openai-compatible',
        provider: 'openai-compatible',
        model: 'gpt-fake',
        baseUrl: h.baseUrl,
        credential: KEY,
        parameters: { webSearch: true, maxTokens: 2000, systemPrompt: 'Be brief.' },
      })
      .expect(201);
    engineId = engine.body.id as string;
  });
  afterAll(() => h.stop());

  it('ok: one short streaming call with the stored key; no run is stored', async () => {
    const runsBefore = await runCount();
    const before = fake.requests.length;
    fake.enqueue(ok(['O', 'K']));
    const res = await testEngine(engineId).expect(200);
    expect(res.body).toMatchObject({ outcome: 'ok', errorCode: null, httpStatus: 200, reply: 'OK' });
    expect(res.body.ttftMs).toEqual(expect.any(Number));
    expect(res.body.latencyMs).toEqual(expect.any(Number));
    expect(fake.requests.length - before).toBe(1);
    const request = fake.requests.at(-1)!;
    expect(request.headers.authorization).toBe(`Bearer ${KEY}`);
    const body = JSON.parse(request.body);
    expect(body.stream).toBe(true);
    expect(body.max_tokens).toBe(TEST_MAX_TOKENS);
    expect(JSON.stringify(body.messages)).toContain(TEST_PROMPT);
    expect(JSON.stringify(body.messages)).toContain('Be brief.');
    expect(await runCount()).toBe(runsBefore);
  });

  it('auth: a 401 is "auth", the key scrubbed from the message, and the engine stays enabled', async () => {
    fake.enqueue(
      json(401, { error: { message: `Incorrect API key provided: ${KEY}.`, type: 'invalid_request_error' } }),
    );
    const res = await testEngine(engineId).expect(200);
    expect(res.body).toMatchObject({ outcome: 'auth', errorCode: 'auth_failed', httpStatus: 401 });
    expect(res.body.message).toContain('Incorrect API key provided');
    expect(res.body.message).not.toContain(KEY);
    const engine = await t.http().get(`/v1/engines/${engineId}`).set(ws.auth()).expect(200);
    expect(engine.body.disabledReason).toBeNull();
  });

  it('rate limited: a plain 429', async () => {
    fake.enqueue(json(429, { error: { message: 'Rate limit reached', type: 'requests' } }));
    const res = await testEngine(engineId).expect(200);
    expect(res.body).toMatchObject({ outcome: 'rate_limited', errorCode: 'rate_limited', httpStatus: 429 });
  });

  it('quota: OpenAI insufficient_quota, and a 402', async () => {
    fake.enqueue(
      json(429, { error: { message: 'You exceeded your current quota', type: 'insufficient_quota' } }),
    );
    const res = await testEngine(engineId).expect(200);
    expect(res.body).toMatchObject({ outcome: 'quota', errorCode: 'quota_exhausted', httpStatus: 429 });
    fake.enqueue(json(402, { error: { message: 'Payment required' } }));
    expect((await testEngine(engineId).expect(200)).body).toMatchObject({
      outcome: 'quota',
      httpStatus: 402,
    });
  });

  it('an anthropic engine speaks its own protocol through the same test', async () => {
    const engine = await t
      .http()
      .post('/v1/engines')
      .set(ws.auth())
      .send({
        name: 'fake anthropic',
        provider: 'anthropic',
        model: 'claude-fake',
        baseUrl: h.baseUrl,
        credential: KEY,
      })
      .expect(201);
    fake.enqueue({ writes: writesOf(anthropicTextEvents(['OK']), 1) }, '/v1/messages');
    const res = await testEngine(engine.body.id).expect(200);
    expect(res.body).toMatchObject({ outcome: 'ok', model: 'claude-fake', reply: 'OK' });
    expect(fake.requests.at(-1)!.headers['x-api-key']).toBe(KEY);
  });

  it('unreachable: an unsaved configuration on a closed port', async () => {
    const port = await closedPort();
    const res = await t
      .http()
      .post('/v1/engines/test')
      .set(ws.auth())
      .send({ provider: 'openai-compatible', model: 'm', baseUrl: `http://127.0.0.1:${port}/v1` })
      .expect(200);
    expect(res.body).toMatchObject({
      outcome: 'unreachable',
      errorCode: 'connection_reset',
      httpStatus: null,
    });
    expect(res.body.message).toContain('ECONNREFUSED');
  });

  it('egress refused: where private addresses are not allowed, no request leaves', async () => {
    const strict = await h.startApp({ EGRESS_ALLOW_PRIVATE: 'false' });
    const before = fake.requests.length;
    const saved = await testEngine(engineId, {}, strict).expect(200);
    expect(saved.body).toMatchObject({ outcome: 'egress_refused', errorCode: 'invalid_request' });
    expect(saved.body.message).toContain('egress blocked');
    // Every adapter checks a literal-IP host itself (node skips the DNS hook for those).
    const kinds = [
      { provider: 'openai' },
      { provider: 'openai', parameters: { api: 'responses' } },
      { provider: 'anthropic' },
      { provider: 'gemini' },
      { provider: 'perplexity' },
      { provider: 'openai-compatible' },
      { provider: 'openai-compatible', parameters: { ollamaNative: true } },
    ];
    for (const kind of kinds) {
      const draft = await strict
        .http()
        .post('/v1/engines/test')
        .set(ws.auth())
        .send({ ...kind, model: 'm', baseUrl: 'http://169.254.169.254/v1', credential: KEY })
        .expect(200);
      expect({ kind, outcome: draft.body.outcome }).toEqual({ kind, outcome: 'egress_refused' });
      expect(draft.body.message).toContain('link-local');
    }
    expect(fake.requests.length).toBe(before);
  });

  it('unsaved changes: a new key is used for the call and not stored', async () => {
    const fresh = 'sk-unsaved-key-9876543210wxyz';
    fake.enqueue(ok(['OK']));
    await testEngine(engineId, { credential: fresh, model: 'gpt-other' }).expect(200);
    const request = fake.requests.at(-1)!;
    expect(request.headers.authorization).toBe(`Bearer ${fresh}`);
    expect(JSON.parse(request.body).model).toBe('gpt-other');
    const engine = await t.http().get(`/v1/engines/${engineId}`).set(ws.auth()).expect(200);
    expect(engine.body).toMatchObject({ model: 'gpt-fake', credential: { set: true, last4: KEY.slice(-4) } });
  });

  it('refuses what an update refuses: a stored key never follows a new base URL', async () => {
    const before = fake.requests.length;
    const res = await testEngine(engineId, { baseUrl: 'https://elsewhere.example/v1' }).expect(400);
    expect(res.body.error.details).toEqual([
      { path: 'body.credential', message: 'is required when baseUrl changes' },
    ]);
    const bad = await t
      .http()
      .post('/v1/engines/test')
      .set(ws.auth())
      .send({ provider: 'openai' })
      .expect(400);
    expect(bad.body.error.code).toBe('validation_failed');
    expect(fake.requests.length).toBe(before);
  });

  it('a key HTTP cannot carry is an invalid request, not a server error', async () => {
    const res = await t
      .http()
      .post('/v1/engines/test')
      .set(ws.auth())
      .send({ provider: 'openai', model: 'gpt', baseUrl: h.baseUrl, credential: 'sk-שלום-0123456789' })
      .expect(200);
    expect(res.body).toMatchObject({ outcome: 'invalid_request', errorCode: 'invalid_request' });
    expect(res.body.message).not.toContain('שלום');
  });

  it('is admin only', async () => {
    await testEngine(engineId).set(ws.auth('read')).expect(403);
    await t
      .http()
      .post('/v1/engines/test')
      .set(ws.auth('read'))
      .send({ provider: 'demo', model: 'demo' })
      .expect(403);
  });

  it('PATCH enabled disables by hand and re-enables; GET :id/prompts lists the prompts that use it', async () => {
    const off = await t
      .http()
      .patch(`/v1/engines/${engineId}`)
      .set(ws.auth())
      .send({ enabled: false })
      .expect(200);
    expect(off.body.disabledReason).toBe('disabled by an admin');
    const on = await t
      .http()
      .patch(`/v1/engines/${engineId}`)
      .set(ws.auth())
      .send({ enabled: true })
      .expect(200);
    expect(on.body.disabledReason).toBeNull();

    const project = await t
      .http()
      .post('/v1/projects')
      .set(ws.auth())
      .send({ name: 'uses engine' })
      .expect(201);
    const prompt = await t
      .http()
      .post(`/v1/projects/${project.body.id}/prompts`)
      .set(ws.auth())
      .send({ text: 'Which CRM?', engineIds: [engineId], cron: '0 0 1 1 *' })
      .expect(201);
    const used = await t.http().get(`/v1/engines/${engineId}/prompts`).set(ws.auth('read')).expect(200);
    expect(used.body).toEqual({
      data: [
        {
          id: prompt.body.id,
          projectId: project.body.id,
          projectName: 'uses engine',
          text: 'Which CRM?',
          engineCount: 1,
        },
      ],
      total: 1,
    });
  });
});
