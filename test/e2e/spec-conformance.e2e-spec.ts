// Spec conformance on real data: a realistic scenario (keys, project, brands, engine on a scripted provider,
// webhook, prompt, a succeeded and a failed run through the real pipeline, reports in JSON and CSV, usage,
// backfills, webhook deliveries, the run's event stream, deletes) where EVERY response is checked against the
// committed OpenAPI document: documented status, content type, and the JSON body against the operation's
// response schema (strict: no missing, renamed or extra field). The fuzz test mostly sees empty lists; this
// one sees filled-in runs, mentions, scores, attempt logs, report rows and delivery payloads.
import { readFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type request from 'supertest';
import { openAiChunkEvents } from '../fakes/openai-sse-script';
import { OpenApiContract, HTTP_METHODS, type OpenApiDoc } from '../support/openapi-contract';
import { startPipelineHarness, TERMINAL_STATUSES, type PipelineHarness } from '../support/pipeline';

const doc = JSON.parse(readFileSync(path.resolve(__dirname, '../../openapi.json'), 'utf8')) as OpenApiDoc;

describe('spec conformance (realistic scenario, every response validated against openapi.json)', () => {
  let h: PipelineHarness;
  let origin: string;
  const contract = new OpenApiContract(doc);
  /** `METHOD template` of every operation answered with a 2xx that conformed. */
  const covered = new Set<string>();

  beforeAll(async () => {
    h = await startPipelineHarness('conform', { API_RATE_LIMIT_PER_MINUTE: '0' });
    origin = new URL(h.baseUrl).origin;
  });
  afterAll(() => h.stop());

  /** Sends, then fails with the spec violations (if any); returns the response for the scenario to use. */
  async function conform(req: request.Test, expectedStatus: number): Promise<request.Response> {
    const res = await req;
    const { errors } = contract.checkResponse(res);
    const r = (res as unknown as { req: { method: string; path: string } }).req;
    expect({ call: `${r.method} ${r.path}`, status: res.status, errors }).toEqual({
      call: `${r.method} ${r.path}`,
      status: expectedStatus,
      errors: [],
    });
    if (res.status < 300) covered.add(`${r.method} ${contract.templateOf(r.method, r.path)}`);
    return res;
  }

  const get = (url: string, role: 'admin' | 'read' = 'read') => h.t.http().get(url).set(h.ws.auth(role));
  const post = (url: string, body: object = {}) => h.t.http().post(url).set(h.ws.auth()).send(body);
  const patch = (url: string, body: object) => h.t.http().patch(url).set(h.ws.auth()).send(body);
  const del = (url: string) => h.t.http().delete(url).set(h.ws.auth());

  async function waitTerminal(runId: string): Promise<request.Response> {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const res = await get(`/v1/runs/${runId}`);
      if (TERMINAL_STATUSES.includes((res.body as { status: string }).status) || Date.now() > deadline) {
        return conform(get(`/v1/runs/${runId}`), 200);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  it('every response of the scenario matches the spec', async () => {
    // API keys
    const key = await conform(post('/v1/api-keys', { name: 'dashboards', role: 'read' }), 201);
    await conform(get('/v1/api-keys', 'admin'), 200);
    await conform(del(`/v1/api-keys/${key.body.id}`), 200);

    // Project, brands (with aliases, exclusions, domains)
    const project = await conform(post('/v1/projects', { name: 'CRM watch' }), 201);
    const projectId = project.body.id as string;
    await conform(get('/v1/projects'), 200);
    await conform(get(`/v1/projects/${projectId}`), 200);
    await conform(patch(`/v1/projects/${projectId}`, { foldTokens: 120 }), 200);
    const acme = await conform(
      post(`/v1/projects/${projectId}/brands`, {
        name: 'Acme',
        kind: 'own',
        aliases: [{ text: 'Acme CRM', caseSensitive: true }],
        exclusions: ['Acme Corp'],
        domains: ['https://www.acme.com/'],
      }),
      201,
    );
    const globex = await conform(
      post(`/v1/projects/${projectId}/brands`, { name: 'Globex', kind: 'competitor' }),
      201,
    );
    await conform(get(`/v1/projects/${projectId}/brands?limit=1`), 200);
    await conform(get(`/v1/brands/${acme.body.id}`), 200);
    await conform(patch(`/v1/brands/${globex.body.id}`, { aliases: [{ text: 'Globex Inc' }] }), 200);
    const explained = await conform(
      post(`/v1/projects/${projectId}/brands/explain`, { text: 'Acme CRM beats acme crm and Globexes.' }),
      200,
    );
    expect(explained.body.nearMisses.length).toBeGreaterThan(0);

    // Engine on the scripted provider, webhook on the same fake server
    const engine = await conform(
      post('/v1/engines', {
        name: 'fake gpt',
        provider: 'openai-compatible',
        model: 'gpt-fake',
        baseUrl: `${origin}/conform/v1`,
        credential: 'sk-conformance-1234',
        parameters: { temperature: 0.2, maxTokens: 500 },
      }),
      201,
    );
    const engineId = engine.body.id as string;
    await conform(get('/v1/engines'), 200);
    await conform(get(`/v1/engines/${engineId}`), 200);
    await conform(patch(`/v1/engines/${engineId}`, { name: 'fake gpt 2' }), 200);
    h.fake.enqueue({ status: 200, writes: [{ delayMs: 0, bytes: 'ok' }] }, '/hook');
    const webhook = await conform(
      post('/v1/webhooks', { url: `${origin}/hook`, events: ['run.completed', 'run.failed'] }),
      201,
    );
    const webhookId = webhook.body.id as string;
    await conform(get('/v1/webhooks', 'admin'), 200);
    await conform(get(`/v1/webhooks/${webhookId}`, 'admin'), 200);
    await conform(patch(`/v1/webhooks/${webhookId}`, { active: true }), 200);

    // Alert rules (evaluated when the runs below land) and the alert log
    const rule = await conform(
      post(`/v1/projects/${projectId}/alert-rules`, {
        name: 'rival ahead',
        kind: 'competitor_overtake',
        params: { competitorId: globex.body.id as string, windowHours: 24, minRuns: 1 },
      }),
      201,
    );
    const ruleId = rule.body.id as string;
    await conform(get(`/v1/projects/${projectId}/alert-rules`), 200);
    await conform(get(`/v1/alert-rules/${ruleId}`), 200);
    await conform(patch(`/v1/alert-rules/${ruleId}`, { enabled: true }), 200);

    // Prompt, then a succeeded run through the real pipeline
    const prompt = await conform(
      post(`/v1/projects/${projectId}/prompts`, {
        text: 'What are the best CRM tools?',
        engineIds: [engineId],
        cron: '0 9 * * 1',
        timezone: 'Europe/Paris',
        tags: ['crm'],
      }),
      201,
    );
    const promptId = prompt.body.id as string;
    await conform(get(`/v1/projects/${projectId}/prompts`), 200);
    await conform(get(`/v1/prompts/${promptId}`), 200);
    await conform(get('/v1/schedules/preview?cron=0%209%20*%20*%201-5&timezone=Europe%2FBerlin'), 200);
    await conform(get('/v1/schedules/preview?cron=nope'), 400);
    await conform(patch(`/v1/prompts/${promptId}`, { samplesPerSlot: 1 }), 200);
    await conform(get(`/v1/engines/${engineId}/prompts`), 200);
    // Test connection: one short call each (the saved engine at the fake, an unsaved demo engine); no run.
    h.fake.enqueue(
      { writes: openAiChunkEvents(['OK']).map((bytes) => ({ delayMs: 0, bytes })) },
      '/conform/v1/chat/completions',
    );
    expect((await conform(post(`/v1/engines/${engineId}/test`, {}), 200)).body.outcome).toBe('ok');
    await conform(post('/v1/engines/test', { provider: 'demo', model: 'streamrank-demo' }), 200);
    const texts = ['The best', ' CRM tools:', '\n\n1. **Acme', ' CRM**', ' is fast.', '\n2. Globex', ' Inc.'];
    h.fake.enqueue(
      { writes: openAiChunkEvents(texts).map((bytes) => ({ delayMs: 5, bytes })) },
      '/conform/v1/chat/completions',
    );
    const ran = await conform(
      h.t.http().post(`/v1/prompts/${promptId}/run`).set(h.ws.auth()).set('Idempotency-Key', 'k-1').send({}),
      202,
    );
    const runId = (ran.body.runIds as string[])[0]!;
    const run = await waitTerminal(runId);
    expect(run.body).toMatchObject({ status: 'succeeded' });
    expect(run.body.mentions.length).toBeGreaterThan(0);
    expect(run.body.scores.length).toBe(2);
    await conform(get(`/v1/runs/${runId}/tokens`), 200);

    // A failed run: the provider answers 400 (not retried), so the attempt log has an HTTP status
    h.fake.enqueue(
      {
        status: 400,
        headers: { 'content-type': 'application/json' },
        writes: [{ delayMs: 0, bytes: '{"error":{"message":"bad model","type":"invalid_request_error"}}' }],
      },
      '/conform/v1/chat/completions',
    );
    const ran2 = await conform(post(`/v1/prompts/${promptId}/run`), 202);
    const failed = await waitTerminal((ran2.body.runIds as string[])[0]!);
    expect(failed.body).toMatchObject({ status: 'failed' });
    expect(failed.body.attemptLog[0].httpStatus).toBe(400);

    // Runs list (JSON and CSV), the finished run's event stream (replayed, then closed)
    const runs = await conform(get(`/v1/runs?projectId=${projectId}`), 200);
    expect(runs.body.data).toHaveLength(2);
    await conform(get(`/v1/runs?projectId=${projectId}&format=csv`), 200);
    const events = await conform(get(`/v1/runs/${runId}/events`).timeout(10_000), 200);
    expect(events.text).toContain('event: scores');

    // Reports, in JSON and in CSV
    const q = `projectId=${projectId}`;
    const mentions = await conform(get(`/v1/reports/mentions?${q}`), 200);
    expect(mentions.body.measured.brands.length).toBe(2);
    await conform(get(`/v1/reports/mentions?${q}`).set('Accept', 'text/csv'), 200);
    const h2h = await conform(get(`/v1/reports/head-to-head?${q}`), 200);
    expect(h2h.body.measured.length).toBeGreaterThan(0);
    await conform(get(`/v1/reports/head-to-head?${q}&format=csv`), 200);
    const trend = await conform(get(`/v1/reports/trend?${q}&bucket=week&tags=crm`), 200);
    expect(trend.body.measured.length).toBeGreaterThan(0);
    await conform(get(`/v1/reports/trend?${q}&format=csv`), 200);
    await conform(get(`/v1/reports/citations?${q}`), 200);
    await conform(get(`/v1/reports/citations?${q}&format=csv`), 200);
    // Breakdowns and gaps
    const grouped = await conform(get(`/v1/reports/mentions?${q}&groupBy=engine,tag`), 200);
    expect(grouped.body.groups.measured.length).toBeGreaterThan(0);
    await conform(get(`/v1/reports/mentions?${q}&groupBy=engine&format=csv`), 200);
    await conform(get(`/v1/reports/head-to-head?${q}&groupBy=prompt,brand`), 200);
    await conform(get(`/v1/reports/head-to-head?${q}&groupBy=day&format=csv`), 200);
    await conform(get(`/v1/reports/citations?${q}&groupBy=week`), 200);
    await conform(get(`/v1/reports/citations?${q}&groupBy=brand&format=csv`), 200);
    await conform(get(`/v1/reports/gaps?${q}`), 200);
    await conform(get(`/v1/reports/gaps?${q}&format=csv`), 200);
    await conform(get(`/v1/reports/gaps/domains?${q}`), 200);
    await conform(get(`/v1/reports/gaps/domains?${q}&format=csv`), 200);
    // Export links: created by an admin, listed by a read key, pulled without a key, revoked.
    const link = await conform(
      post(`/v1/projects/${projectId}/export-links`, {
        name: 'weekly sheet',
        report: 'mentions',
        filters: { groupBy: ['engine'] },
        windowDays: 7,
      }),
      201,
    );
    await conform(get(`/v1/projects/${projectId}/export-links`), 200);
    await conform(h.t.http().get(`${link.body.path as string}?header=1`), 200);
    await conform(del(`/v1/projects/${projectId}/export-links/${link.body.id as string}`), 200);
    const arrival = await conform(get(`/v1/reports/arrival?${q}`), 200);
    expect(arrival.body.measured.brands.length).toBe(2);
    // A report group's drill-down is a valid runs-list query.
    const drill = new URLSearchParams({ ...mentions.body.measured.brands[0].runsQuery, mentioned: 'true' });
    await conform(get(`/v1/runs?${drill.toString()}`), 200);

    // Usage, backfills
    const usage = await conform(get('/v1/usage?days=3'), 200);
    expect(usage.body.today.runs.total).toBe(2);
    const backfill = await conform(post(`/v1/projects/${projectId}/backfills`), 202);
    await conform(get(`/v1/projects/${projectId}/backfills`), 200);
    await conform(get(`/v1/backfills/${backfill.body.id}`), 200);

    // Webhook deliveries (run.completed and run.failed were queued for the two runs)
    const deadline = Date.now() + 10_000;
    let deliveries: request.Response;
    do {
      deliveries = await get(`/v1/webhooks/${webhookId}/deliveries`, 'admin');
      if ((deliveries.body.data as unknown[]).length >= 2) break;
      await new Promise((r) => setTimeout(r, 100));
    } while (Date.now() < deadline);
    deliveries = await conform(get(`/v1/webhooks/${webhookId}/deliveries`, 'admin'), 200);
    expect(deliveries.body.data.length).toBeGreaterThanOrEqual(2);
    // A test event (through the same delivery path) and a new signing secret, shown once
    await conform(post(`/v1/webhooks/${webhookId}/test`, {}), 202);
    await conform(post(`/v1/webhooks/${webhookId}/rotate-secret`, {}), 200);

    // The project's live feed never ends: check its status and content type, then hang up
    const feed = await new Promise<http.IncomingMessage>((resolve, reject) => {
      const req = http.get(`${h.t.baseUrl}/v1/projects/${projectId}/events`, { headers: h.ws.auth('read') });
      req.on('response', (res) => {
        resolve(res);
        req.destroy();
      });
      req.on('error', reject);
    });
    const feedCheck = contract.check(
      'get',
      '/v1/projects/{projectId}/events',
      feed.statusCode ?? 0,
      feed.headers['content-type'],
      '',
    );
    expect(feedCheck).toEqual({ errors: [], matched: '200' });
    covered.add('GET /v1/projects/{projectId}/events');

    // Web app sessions: a key exchanged for the cookie, the session read back, a sign-in link, sign-out
    const signedIn = await conform(h.t.http().post('/v1/sessions').send({ apiKey: h.ws.readKey }), 201);
    const cookie = /^sr_session=[^;]+/.exec(String(signedIn.headers['set-cookie']?.[0]))?.[0] ?? '';
    await conform(h.t.http().get('/v1/sessions/current').set('Cookie', cookie), 200);
    await conform(h.t.http().post('/v1/sessions/links').set(h.ws.auth()), 201);
    const csrf = signedIn.body.csrfToken as string;
    await conform(
      h.t.http().delete('/v1/sessions/current').set('Cookie', cookie).set('X-CSRF-Token', csrf),
      204,
    );

    // Health, and an error body
    await conform(h.t.http().get('/health/live'), 200);
    await conform(h.t.http().get('/health/ready'), 200);
    await conform(get('/v1/projects/00000000-0000-4000-8000-000000000000'), 404);
    await conform(post('/v1/projects', { name: '' }), 400);

    await conform(get(`/v1/projects/${projectId}/alerts`), 200);
    await conform(
      post(`/v1/projects/${projectId}/alert-rules/preview`, {
        name: 'rival ahead',
        kind: 'competitor_overtake',
        params: { competitorId: globex.body.id as string, windowHours: 24, minRuns: 1 },
      }),
      200,
    );

    // Deletes, children first
    await conform(del(`/v1/alert-rules/${ruleId}`), 204);
    await conform(del(`/v1/prompts/${promptId}`), 204);
    await conform(del(`/v1/brands/${globex.body.id}`), 204);
    await conform(del(`/v1/webhooks/${webhookId}`), 204);
    await conform(del(`/v1/engines/${engineId}`), 204);
    await conform(del(`/v1/projects/${projectId}`), 204);
  }, 90_000);

  it('the scenario exercised every operation of the document', () => {
    const all: string[] = [];
    for (const [p, item] of Object.entries(doc.paths)) {
      for (const m of HTTP_METHODS) {
        if (item[m] && !p.startsWith('/docs')) all.push(`${m.toUpperCase()} ${p}`);
      }
    }
    const missing = all.filter((op) => !covered.has(op));
    if (missing.length) {
      throw new Error(
        `not exercised with a 2xx by the conformance scenario (add a step to spec-conformance.e2e-spec.ts):\n` +
          missing.join('\n'),
      );
    }
  });
});
