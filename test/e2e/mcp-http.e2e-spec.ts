// The MCP server over Streamable HTTP at /mcp, driven by the SDK's own client against the real app (Postgres,
// Redis, the API's auth): auth and rate limit, tools per role, every output valid against its declared output
// schema (the client validates too) and equal to the REST answer, tenancy, the resource and prompt templates,
// both protocol eras. The write tools: mcp-http-writes.e2e-spec.ts.
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Client as Pg } from 'pg';
import { type Client } from '@modelcontextprotocol/client';
import { mcpClients, toolText, writableRows } from '../support/mcp-clients';
import { deleteQueueKeys, isolatedQueuePrefix } from '../support/pipeline';
import {
  ACME_GLOBEX_INITECH,
  createReportFixture,
  landScoredRun,
  type ReportFixture,
} from '../support/scored-runs';
import { createWorkspace, startTestApp, type TestApp, type TestWorkspace } from '../support/test-app';

type Json = Record<string, unknown>;
type Tool = Awaited<ReturnType<Client['listTools']>>['tools'][number];

const READ_TOOLS = [
  'get_run_evidence',
  'list_brands',
  'list_engines',
  'list_projects',
  'list_prompts',
  'list_runs',
  'list_tags',
  'report_arrival',
  'report_citations',
  'report_gap_domains',
  'report_gaps',
  'report_head_to_head',
  'report_mentions',
  'report_trend',
];
const WRITE_TOOLS = ['create_alert_rule', 'create_prompt', 'run_prompt_now', 'update_brand_aliases'];

const ANSWERS = [
  {
    chunks: ['Acme is fine, ', 'but Globex is better.'],
    citations: [{ url: 'https://g2.com/a', domain: 'g2.com' }],
  },
  {
    chunks: ['Globex and ', 'Initech lead.'],
    citations: [{ url: 'https://globex.com/', domain: 'globex.com' }],
  },
  { chunks: ['Acme first.'], citations: [{ url: 'https://acme.com/', domain: 'acme.com' }] },
];

const INITIALIZE = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
};

describe('MCP over Streamable HTTP: the per-key rate limit', () => {
  const prefix = isolatedQueuePrefix('mcp-rl');
  let t: TestApp;
  afterAll(async () => {
    await t?.close();
    await deleteQueueKeys(prefix);
  });

  it('answers 429 with the API error body past the limit', async () => {
    t = await startTestApp({ QUEUE_PREFIX: prefix, API_RATE_LIMIT_PER_MINUTE: '2' });
    const ws = await createWorkspace(t);
    const post = () =>
      t
        .http()
        .post('/mcp')
        .set(ws.auth('read'))
        .set('Accept', 'application/json, text/event-stream')
        .send(INITIALIZE);
    expect((await post()).status).toBe(200);
    expect((await post()).status).toBe(200);
    const limited = await post().expect(429);
    expect(limited.body).toEqual({ error: { code: 'rate_limited', message: expect.any(String) } });
    expect(limited.headers['retry-after']).toBeDefined();
  });
});

describe('MCP over Streamable HTTP', () => {
  const prefix = isolatedQueuePrefix('mcp-http');
  let t: TestApp;
  let a: TestWorkspace;
  let b: TestWorkspace;
  let fx: ReportFixture;
  let fxB: ReportFixture;
  let runId: string;
  let pg: Pg;
  const mcp = mcpClients(() => t.baseUrl);
  const from = new Date(Date.now() - 2 * 86_400_000).toISOString();
  const to = new Date(Date.now() + 3_600_000).toISOString();

  const snapshot = () => writableRows(pg);
  const text = toolText;
  const connect = (key: string, mode: 'legacy' | 'auto' = 'legacy') => mcp.connect(key, mode);

  beforeAll(async () => {
    t = await startTestApp({ QUEUE_PREFIX: prefix, EGRESS_ALLOW_PRIVATE: 'true' });
    pg = new Pg({ connectionString: process.env.DATABASE_URL });
    await pg.connect();
    a = await createWorkspace(t);
    b = await createWorkspace(t);
    const spec = {
      brands: ACME_GLOBEX_INITECH,
      engines: 2,
      prompts: [
        { text: 'best crm', tags: ['crm', 'buying'] },
        { text: 'crm for startups', tags: ['crm'] },
      ],
    };
    fx = await createReportFixture(t, a.auth(), spec);
    fxB = await createReportFixture(t, b.auth(), spec);
    const start = Date.now() - 86_400_000;
    for (let i = 0; i < 9; i++) {
      const answer = ANSWERS[i % 3]!;
      const id = await landScoredRun(t, a.workspaceId, fx.projectId, {
        promptId: fx.prompts[i % 2]!,
        engineId: fx.engines[i % 2]!,
        synthetic: i === 8,
        at: new Date(start + i * 600_000),
        chunks: answer.chunks,
        citations: answer.citations,
      });
      if (i === 0) runId = id;
    }
  }, 120_000);

  afterAll(async () => {
    await mcp.closeAll();
    await pg?.end();
    await t?.close();
    await deleteQueueKeys(prefix);
  });

  it('answers 401 with the API error body without a key, and serves no sessions', async () => {
    const res = await t.http().post('/mcp').send({ jsonrpc: '2.0', id: 1, method: 'tools/list' }).expect(401);
    expect(res.body).toEqual({ error: { code: 'unauthorized', message: expect.any(String) } });
    await t.http().post('/mcp').set('Authorization', 'Bearer sr_nope_nope').send({}).expect(401);
    // Authenticated like any API route: the per-key rate limit counts it; stateless: no session id.
    const init = await t
      .http()
      .post('/mcp')
      .set(a.auth('read'))
      .set('Accept', 'application/json, text/event-stream')
      .send(INITIALIZE)
      .expect(200);
    expect(init.headers['ratelimit-limit']).toBe('600');
    expect(init.headers['mcp-session-id']).toBeUndefined();
    // Stateless: no session to open a stream on or delete.
    await t.http().get('/mcp').set(a.auth('read')).set('Accept', 'text/event-stream').expect(405);
    await t.http().delete('/mcp').set(a.auth('read')).expect(405);
  });

  it('lists the read tools to a read key and the write tools only to an admin key', async () => {
    const read = await connect(a.readKey);
    const admin = await connect(a.adminKey);
    const readTools = (await read.listTools()).tools;
    const adminTools = (await admin.listTools()).tools;
    expect(readTools.map((x) => x.name).sort()).toEqual(READ_TOOLS);
    expect(adminTools.map((x) => x.name).sort()).toEqual([...READ_TOOLS, ...WRITE_TOOLS].sort());
    for (const tool of readTools) {
      expect(tool.annotations).toMatchObject({ readOnlyHint: true, idempotentHint: true });
      expect(tool.outputSchema).toMatchObject({ type: 'object' });
    }
    for (const name of WRITE_TOOLS) {
      expect(adminTools.find((x) => x.name === name)?.annotations?.readOnlyHint).toBe(false);
    }
  });

  it('answers every read tool with structured content valid against its output schema and equal to REST', async () => {
    const client = await connect(a.readKey);
    const tools = new Map((await client.listTools()).tools.map((x) => [x.name, x]));
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
    const range = { projectId: fx.projectId, from, to };
    const rest = async (path: string, query: Json = {}) =>
      (await t.http().get(path).query(query).set(a.auth('read')).expect(200)).body as Json;
    const cases: [string, Json, Json | null][] = [
      ['list_projects', {}, await rest('/v1/projects')],
      ['list_brands', { projectId: fx.projectId }, await rest(`/v1/projects/${fx.projectId}/brands`)],
      ['list_engines', { limit: 10 }, await rest('/v1/engines', { limit: 10 })],
      ['list_prompts', { projectId: fx.projectId }, await rest(`/v1/projects/${fx.projectId}/prompts`)],
      ['list_tags', { projectId: fx.projectId }, null],
      ['report_mentions', range, await rest('/v1/reports/mentions', range)],
      [
        'report_mentions',
        { ...range, groupBy: ['engine'], tags: ['crm'] },
        await rest('/v1/reports/mentions', { ...range, groupBy: 'engine', tags: 'crm' }),
      ],
      [
        'report_head_to_head',
        { ...range, groupBy: 'prompt' },
        await rest('/v1/reports/head-to-head', { ...range, groupBy: 'prompt' }),
      ],
      ['report_citations', range, await rest('/v1/reports/citations', range)],
      [
        'report_trend',
        { ...range, bucket: 'day' },
        await rest('/v1/reports/trend', { ...range, bucket: 'day' }),
      ],
      [
        'report_arrival',
        { ...range, engineIds: [fx.engines[0]] },
        await rest('/v1/reports/arrival', { ...range, engineIds: fx.engines[0] }),
      ],
      ['report_gaps', range, await rest('/v1/reports/gaps', range)],
      ['report_gap_domains', range, await rest('/v1/reports/gaps/domains', range)],
      [
        'list_runs',
        { projectId: fx.projectId, limit: 5 },
        await rest('/v1/runs', { projectId: fx.projectId, limit: 5 }),
      ],
      ['get_run_evidence', { runId }, null],
    ];
    const called = new Set<string>();
    for (const [name, args, expected] of cases) {
      const result = await client.callTool({ name, arguments: args });
      expect({ name, isError: result.isError ?? false }).toEqual({ name, isError: false });
      const validate = ajv.compile((tools.get(name) as Tool).outputSchema!);
      expect({ name, valid: validate(result.structuredContent), errors: validate.errors }).toEqual({
        name,
        valid: true,
        errors: null,
      });
      expect(text(result).length).toBeGreaterThan(0);
      expect(text(result)).not.toContain('\n');
      if (expected) expect(result.structuredContent).toEqual(expected);
      called.add(name);
    }
    expect([...called].sort()).toEqual(READ_TOOLS);

    const tags = (await client.callTool({ name: 'list_tags', arguments: { projectId: fx.projectId } }))
      .structuredContent;
    expect(tags).toEqual({
      projectId: fx.projectId,
      tags: [
        { tag: 'crm', prompts: 2, activePrompts: 2 },
        { tag: 'buying', prompts: 1, activePrompts: 1 },
      ],
    });
    const evidence = (await client.callTool({ name: 'get_run_evidence', arguments: { runId } }))
      .structuredContent as Json;
    const detail = await rest(`/v1/runs/${runId}`);
    expect(evidence.mentions).toEqual(detail.mentions);
    expect(evidence.citations).toEqual(detail.citations);
    expect((evidence.answer as Json).text).toBe('Acme is fine, but Globex is better.');
    expect(evidence.question).toBe('best crm');
    const events = (evidence.timeline as { events: { kind: string; detail: string }[] }).events;
    expect(events.map((e) => e.kind)).toEqual([
      'first_token',
      'first_mention',
      'citation',
      'first_mention',
      'end',
    ]);
  });

  it('labels synthetic runs in the summary and keeps n and intervals in it', async () => {
    const client = await connect(a.readKey);
    const result = await client.callTool({
      name: 'report_mentions',
      arguments: { projectId: fx.projectId, from, to },
    });
    const line = text(result);
    expect(line).toMatch(/Acme \d+(\.\d)?% \(95% CI [\d.]+%–[\d.]+%, n=8\)/);
    expect(line).toContain('Synthetic (demo engine) runs, reported apart: 1.');
    const sc = result.structuredContent as { synthetic: { successfulRuns: number } };
    expect(sc.synthetic.successfulRuns).toBe(1);
  });

  it("answers another workspace's ids as not found, never with data", async () => {
    const read = await connect(b.readKey);
    const admin = await connect(b.adminKey);
    await read.listTools();
    await admin.listTools();
    const before = await snapshot();
    const calls: [Client, string, Json][] = [
      [read, 'list_brands', { projectId: fx.projectId }],
      [read, 'list_prompts', { projectId: fx.projectId }],
      [read, 'list_tags', { projectId: fx.projectId }],
      [read, 'report_mentions', { projectId: fx.projectId }],
      [read, 'report_gaps', { projectId: fx.projectId }],
      [read, 'report_arrival', { projectId: fx.projectId }],
      [read, 'get_run_evidence', { runId }],
      [admin, 'run_prompt_now', { promptId: fx.prompts[0], idempotencyKey: 'cross-tenant' }],
      [
        admin,
        'create_prompt',
        { projectId: fx.projectId, text: 'x', engineIds: fxB.engines, cron: '0 0 * * *' },
      ],
      [admin, 'update_brand_aliases', { brandId: fx.brands.Acme, aliases: [{ text: 'ACME Corp' }] }],
      [
        admin,
        'create_alert_rule',
        { projectId: fx.projectId, rule: { name: 'r', kind: 'first_own_domain_citation', params: {} } },
      ],
    ];
    for (const [client, name, args] of calls) {
      const result = await client.callTool({ name, arguments: args });
      expect({ name, isError: result.isError, text: text(result) }).toEqual({
        name,
        isError: true,
        text: expect.stringMatching(/^not_found: /),
      });
      expect(result.structuredContent).toBeUndefined();
    }
    expect(text(await read.callTool({ name: 'get_run_evidence', arguments: { runId } }))).toBe(
      'not_found: Run not found',
    );
    // B's own list holds only B's runs: A's never leak into it.
    const runs = (await read.callTool({ name: 'list_runs', arguments: {} })).structuredContent as {
      data: Json[];
    };
    expect(runs.data).toEqual([]);
    expect(await snapshot()).toEqual(before);
  });

  it('serves docs/metrics.md as a resource and two prompt templates', async () => {
    const client = await connect(a.readKey);
    const resources = (await client.listResources()).resources;
    expect(resources.map((r) => r.uri)).toEqual(['streamrank://docs/metrics.md']);
    const doc = await client.readResource({ uri: 'streamrank://docs/metrics.md' });
    expect((doc.contents[0] as { text: string }).text).toBe(
      readFileSync(resolve(__dirname, '../../docs/metrics.md'), 'utf8'),
    );
    const prompts = (await client.listPrompts()).prompts.map((p) => p.name).sort();
    expect(prompts).toEqual(['competitor_deep_dive', 'weekly_visibility_review']);
    const review = await client.getPrompt({
      name: 'weekly_visibility_review',
      arguments: { projectId: fx.projectId },
    });
    expect(JSON.stringify(review.messages)).toContain(fx.projectId);
    const dive = await client.getPrompt({
      name: 'competitor_deep_dive',
      arguments: { projectId: fx.projectId, competitor: 'Globex' },
    });
    expect(JSON.stringify(dive.messages)).toContain('Globex');
  });

  it('speaks the 2026-07-28 protocol too (version negotiation), statelessly', async () => {
    const client = await connect(a.adminKey, 'auto');
    const tools = (await client.listTools()).tools.map((x) => x.name).sort();
    expect(tools).toEqual([...READ_TOOLS, ...WRITE_TOOLS].sort());
    const result = await client.callTool({ name: 'list_brands', arguments: { projectId: fx.projectId } });
    expect((result.structuredContent as { data: unknown[] }).data).toHaveLength(3);
  });
});
