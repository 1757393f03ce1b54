// Tenant-isolation matrix: workspace B calls every id-bearing route with workspace A's ids and must get 404,
// with A's data unchanged. The route list comes from the OpenAPI document, so a new id-bearing route that
// is not added to MATRIX fails this spec.
import { buildOpenApiDocument } from '../../src/bootstrap';
import { createWorkspace, startTestApp, type TestApp, type TestWorkspace } from '../support/test-app';

interface Ids {
  projectId: string;
  brandId: string;
  engineId: string;
  promptId: string;
  runId: string;
  apiKeyId: string;
  backfillId: string;
  webhookId: string;
  alertRuleId: string;
  exportLinkId: string;
}

type Call = { body?: unknown; query?: Record<string, string> };

/** Every route with a path parameter, keyed `METHOD path`, with how to call it using A's ids. */
const MATRIX: Record<string, (ids: Ids) => { path: string } & Call> = {
  'GET /v1/projects/{id}': (i) => ({ path: `/v1/projects/${i.projectId}` }),
  'PATCH /v1/projects/{id}': (i) => ({ path: `/v1/projects/${i.projectId}`, body: { name: 'hijacked' } }),
  'DELETE /v1/projects/{id}': (i) => ({ path: `/v1/projects/${i.projectId}` }),
  'POST /v1/projects/{projectId}/brands': (i) => ({
    path: `/v1/projects/${i.projectId}/brands`,
    body: { name: 'Intruder', kind: 'competitor' },
  }),
  'POST /v1/projects/{projectId}/brands/explain': (i) => ({
    path: `/v1/projects/${i.projectId}/brands/explain`,
    body: { text: 'Acme is great' },
  }),
  'GET /v1/projects/{projectId}/brands': (i) => ({ path: `/v1/projects/${i.projectId}/brands` }),
  'GET /v1/brands/{id}': (i) => ({ path: `/v1/brands/${i.brandId}` }),
  'PATCH /v1/brands/{id}': (i) => ({ path: `/v1/brands/${i.brandId}`, body: { name: 'hijacked' } }),
  'DELETE /v1/brands/{id}': (i) => ({ path: `/v1/brands/${i.brandId}` }),
  'GET /v1/engines/{id}': (i) => ({ path: `/v1/engines/${i.engineId}` }),
  'PATCH /v1/engines/{id}': (i) => ({ path: `/v1/engines/${i.engineId}`, body: { name: 'hijacked' } }),
  'GET /v1/engines/{id}/prompts': (i) => ({ path: `/v1/engines/${i.engineId}/prompts` }),
  'POST /v1/engines/{id}/test': (i) => ({ path: `/v1/engines/${i.engineId}/test`, body: {} }),
  'DELETE /v1/engines/{id}': (i) => ({ path: `/v1/engines/${i.engineId}` }),
  'POST /v1/projects/{projectId}/prompts': (i) => ({
    path: `/v1/projects/${i.projectId}/prompts`,
    body: { text: 'x', engineIds: [i.engineId], cron: '0 * * * *' },
  }),
  'GET /v1/projects/{projectId}/prompts': (i) => ({ path: `/v1/projects/${i.projectId}/prompts` }),
  'GET /v1/prompts/{id}': (i) => ({ path: `/v1/prompts/${i.promptId}` }),
  'PATCH /v1/prompts/{id}': (i) => ({ path: `/v1/prompts/${i.promptId}`, body: { text: 'hijacked' } }),
  'DELETE /v1/prompts/{id}': (i) => ({ path: `/v1/prompts/${i.promptId}` }),
  'POST /v1/prompts/{id}/run': (i) => ({ path: `/v1/prompts/${i.promptId}/run`, body: {} }),
  'GET /v1/runs/{id}': (i) => ({ path: `/v1/runs/${i.runId}` }),
  'GET /v1/runs/{id}/tokens': (i) => ({ path: `/v1/runs/${i.runId}/tokens` }),
  'GET /v1/runs/{id}/events': (i) => ({ path: `/v1/runs/${i.runId}/events` }),
  'GET /v1/projects/{projectId}/events': (i) => ({ path: `/v1/projects/${i.projectId}/events` }),
  'DELETE /v1/api-keys/{id}': (i) => ({ path: `/v1/api-keys/${i.apiKeyId}` }),
  'POST /v1/projects/{projectId}/backfills': (i) => ({ path: `/v1/projects/${i.projectId}/backfills` }),
  'GET /v1/projects/{projectId}/backfills': (i) => ({ path: `/v1/projects/${i.projectId}/backfills` }),
  'GET /v1/backfills/{id}': (i) => ({ path: `/v1/backfills/${i.backfillId}` }),
  'GET /v1/webhooks/{id}': (i) => ({ path: `/v1/webhooks/${i.webhookId}` }),
  'PATCH /v1/webhooks/{id}': (i) => ({ path: `/v1/webhooks/${i.webhookId}`, body: { active: false } }),
  'DELETE /v1/webhooks/{id}': (i) => ({ path: `/v1/webhooks/${i.webhookId}` }),
  'GET /v1/webhooks/{id}/deliveries': (i) => ({ path: `/v1/webhooks/${i.webhookId}/deliveries` }),
  'POST /v1/webhooks/{id}/test': (i) => ({ path: `/v1/webhooks/${i.webhookId}/test` }),
  'POST /v1/webhooks/{id}/rotate-secret': (i) => ({ path: `/v1/webhooks/${i.webhookId}/rotate-secret` }),
  'POST /v1/projects/{projectId}/alert-rules/preview': (i) => ({
    path: `/v1/projects/${i.projectId}/alert-rules/preview`,
    body: { name: 'intruder', kind: 'first_own_domain_citation', params: {} },
  }),
  'POST /v1/projects/{projectId}/alert-rules': (i) => ({
    path: `/v1/projects/${i.projectId}/alert-rules`,
    body: { name: 'intruder', kind: 'first_own_domain_citation', params: {} },
  }),
  'GET /v1/projects/{projectId}/alert-rules': (i) => ({ path: `/v1/projects/${i.projectId}/alert-rules` }),
  'GET /v1/alert-rules/{id}': (i) => ({ path: `/v1/alert-rules/${i.alertRuleId}` }),
  'PATCH /v1/alert-rules/{id}': (i) => ({
    path: `/v1/alert-rules/${i.alertRuleId}`,
    body: { enabled: false },
  }),
  'DELETE /v1/alert-rules/{id}': (i) => ({ path: `/v1/alert-rules/${i.alertRuleId}` }),
  'POST /v1/projects/{projectId}/export-links': (i) => ({
    path: `/v1/projects/${i.projectId}/export-links`,
    body: { name: 'intruder', report: 'mentions' },
  }),
  'GET /v1/projects/{projectId}/export-links': (i) => ({ path: `/v1/projects/${i.projectId}/export-links` }),
  'DELETE /v1/projects/{projectId}/export-links/{id}': (i) => ({
    path: `/v1/projects/${i.projectId}/export-links/${i.exportLinkId}`,
  }),
  'GET /v1/projects/{projectId}/alerts': (i) => ({ path: `/v1/projects/${i.projectId}/alerts` }),
};

/** Routes whose id arrives in the query string. */
const QUERY_MATRIX: Record<string, (ids: Ids) => { path: string; query: Record<string, string> }> = {
  'GET /v1/reports/mentions': (i) => ({ path: '/v1/reports/mentions', query: { projectId: i.projectId } }),
  'GET /v1/reports/trend': (i) => ({ path: '/v1/reports/trend', query: { projectId: i.projectId } }),
  'GET /v1/reports/citations': (i) => ({ path: '/v1/reports/citations', query: { projectId: i.projectId } }),
  'GET /v1/reports/arrival': (i) => ({ path: '/v1/reports/arrival', query: { projectId: i.projectId } }),
  'GET /v1/reports/gaps': (i) => ({ path: '/v1/reports/gaps', query: { projectId: i.projectId } }),
  'GET /v1/reports/gaps/domains': (i) => ({
    path: '/v1/reports/gaps/domains',
    query: { projectId: i.projectId },
  }),
  'GET /v1/reports/head-to-head': (i) => ({
    path: '/v1/reports/head-to-head',
    query: { projectId: i.projectId },
  }),
};

describe('tenant isolation', () => {
  let t: TestApp;
  let a: TestWorkspace;
  let b: TestWorkspace;
  let ids: Ids;

  beforeAll(async () => {
    // Every matrix row snapshots A's resources twice: far more than the default per-key rate limit.
    t = await startTestApp({ API_RATE_LIMIT_PER_MINUTE: '0' });
    a = await createWorkspace(t);
    b = await createWorkspace(t);
    const http = t.http;
    const project = await http().post('/v1/projects').set(a.auth()).send({ name: 'A project' }).expect(201);
    const brand = await http()
      .post(`/v1/projects/${project.body.id}/brands`)
      .set(a.auth())
      .send({ name: 'Acme', kind: 'own' })
      .expect(201);
    const engine = await http()
      .post('/v1/engines')
      .set(a.auth())
      .send({ name: 'demo', provider: 'demo', model: 'demo' })
      .expect(201);
    const prompt = await http()
      .post(`/v1/projects/${project.body.id}/prompts`)
      .set(a.auth())
      .send({ text: 'best crm?', engineIds: [engine.body.id], cron: '0 9 * * *', timezone: 'Europe/Paris' })
      .expect(201);
    const run = await http().post(`/v1/prompts/${prompt.body.id}/run`).set(a.auth()).send({}).expect(202);
    const key = await http()
      .post('/v1/api-keys')
      .set(a.auth())
      .send({ name: 'extra', role: 'read' })
      .expect(201);
    const backfills = await http().get(`/v1/projects/${project.body.id}/backfills`).set(a.auth()).expect(200);
    // A literal public IP: no DNS needed for the create-time egress check.
    const webhook = await http()
      .post('/v1/webhooks')
      .set(a.auth())
      .send({ url: 'https://93.184.215.14/hook', events: ['run.completed'] })
      .expect(201);
    const alertRule = await http()
      .post(`/v1/projects/${project.body.id}/alert-rules`)
      .set(a.auth())
      .send({ name: 'cited', kind: 'first_own_domain_citation', params: {} })
      .expect(201);
    const exportLink = await http()
      .post(`/v1/projects/${project.body.id}/export-links`)
      .set(a.auth())
      .send({ name: 'sheet', report: 'mentions' })
      .expect(201);
    ids = {
      exportLinkId: exportLink.body.id,
      projectId: project.body.id,
      brandId: brand.body.id,
      engineId: engine.body.id,
      promptId: prompt.body.id,
      runId: run.body.runIds[0],
      apiKeyId: key.body.id,
      backfillId: backfills.body.data[0].id,
      webhookId: webhook.body.id,
      alertRuleId: alertRule.body.id,
    };
  });

  afterAll(() => t.close());

  it('covers every id-bearing route of the OpenAPI document', () => {
    const doc = buildOpenApiDocument(t.app);
    const routes: string[] = [];
    const queryRoutes: string[] = [];
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const method of ['get', 'post', 'put', 'patch', 'delete'] as const) {
        const op = item[method];
        if (!op) continue;
        // The export link route takes no key: its token is the credential, whatever the caller's workspace
        // (test/e2e/export-links.e2e-spec.ts shows a link reads only its own project and report).
        if (path === '/v1/export/{file}') continue;
        const key = `${method.toUpperCase()} ${path}`;
        if (path.includes('{')) routes.push(key);
        const params = (op.parameters ?? []) as { name?: string; in?: string }[];
        if (
          !path.includes('{') &&
          params.some((p) => p.in === 'query' && p.name?.endsWith('Id') && p.name !== 'cursor')
        ) {
          if (key !== 'GET /v1/runs') queryRoutes.push(key);
        }
      }
    }
    expect(routes.sort()).toEqual(Object.keys(MATRIX).sort());
    expect(queryRoutes.sort()).toEqual(Object.keys(QUERY_MATRIX).sort());
  });

  it.each(Object.keys(MATRIX))('%s with another workspace’s id is 404 and changes nothing', async (route) => {
    const method = route.split(' ')[0]!.toLowerCase() as 'get' | 'post' | 'patch' | 'delete';
    const call = MATRIX[route]!(ids);
    const before = await snapshot();
    const res = await t
      .http()
      [method](call.path)
      .set(b.auth())
      .send(call.body as object);
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('not_found');
    expect(await snapshot()).toEqual(before);
  });

  it.each(Object.keys(QUERY_MATRIX))('%s with another workspace’s id is 404', async (route) => {
    const call = QUERY_MATRIX[route]!(ids);
    const res = await t.http().get(call.path).query(call.query).set(b.auth());
    expect(res.status).toBe(404);
  });

  it('list filters never leak another workspace’s rows', async () => {
    const runs = await t.http().get('/v1/runs').query({ projectId: ids.projectId }).set(b.auth()).expect(200);
    expect(runs.body.data).toEqual([]);
    const projects = await t.http().get('/v1/projects').set(b.auth()).expect(200);
    expect(projects.body.data).toEqual([]);
  });

  /** A's resources as A sees them (unchanged means the cross-tenant call did nothing). */
  async function snapshot() {
    const get = async (path: string) => (await t.http().get(path).set(a.auth())).body;
    return {
      project: await get(`/v1/projects/${ids.projectId}`),
      brands: await get(`/v1/projects/${ids.projectId}/brands`),
      engine: await get(`/v1/engines/${ids.engineId}`),
      prompts: await get(`/v1/projects/${ids.projectId}/prompts`),
      run: await get(`/v1/runs/${ids.runId}`),
      keys: await get('/v1/api-keys'),
      backfills: await get(`/v1/projects/${ids.projectId}/backfills`),
      webhook: await get(`/v1/webhooks/${ids.webhookId}`),
      webhookDeliveries: await get(`/v1/webhooks/${ids.webhookId}/deliveries`),
      alertRule: await get(`/v1/alert-rules/${ids.alertRuleId}`),
      alertRules: await get(`/v1/projects/${ids.projectId}/alert-rules`),
      alerts: await get(`/v1/projects/${ids.projectId}/alerts`),
      exportLinks: await get(`/v1/projects/${ids.projectId}/export-links`),
    };
  }
});
