// The MCP write tools over Streamable HTTP, with the SDK's own client against the real app: a read key cannot
// call them, bad arguments are a tool error and change nothing (rows counted before and after), run-now is
// idempotent by its key (the REST Idempotency-Key claim), and each write equals its REST route's effect,
// the alias change queueing the same backfill.
import { Client as Pg } from 'pg';
import { countRows, mcpClients, toolText, writableRows } from '../support/mcp-clients';
import { deleteQueueKeys, isolatedQueuePrefix } from '../support/pipeline';
import { ACME_GLOBEX_INITECH, createReportFixture, type ReportFixture } from '../support/scored-runs';
import { createWorkspace, startTestApp, type TestApp, type TestWorkspace } from '../support/test-app';

type Json = Record<string, unknown>;

const WRITE_TOOLS = ['create_alert_rule', 'create_prompt', 'run_prompt_now', 'update_brand_aliases'];

describe('MCP write tools over Streamable HTTP', () => {
  const prefix = isolatedQueuePrefix('mcp-writes');
  let t: TestApp;
  let a: TestWorkspace;
  let fx: ReportFixture;
  let pg: Pg;
  const mcp = mcpClients(() => t.baseUrl);

  const count = (sql: string, params: unknown[] = []) => countRows(pg, sql, params);
  const snapshot = () => writableRows(pg);
  const text = toolText;
  const connect = (key: string, mode?: 'legacy' | 'auto') => mcp.connect(key, mode);

  beforeAll(async () => {
    t = await startTestApp({ QUEUE_PREFIX: prefix, EGRESS_ALLOW_PRIVATE: 'true' });
    pg = new Pg({ connectionString: process.env.DATABASE_URL });
    await pg.connect();
    a = await createWorkspace(t);
    fx = await createReportFixture(t, a.auth(), {
      brands: ACME_GLOBEX_INITECH,
      engines: 2,
      prompts: [{ text: 'best crm', tags: ['crm'] }],
    });
  }, 120_000);

  afterAll(async () => {
    await mcp.closeAll();
    await pg?.end();
    await t?.close();
    await deleteQueueKeys(prefix);
  });

  it('refuses write tools to a read key (not even listed) and changes nothing', async () => {
    const read = await connect(a.readKey);
    await read.listTools();
    const before = await snapshot();
    for (const name of WRITE_TOOLS) {
      // Unknown to a read key's server: a JSON-RPC error, exactly as for a tool that does not exist.
      await expect(
        read.callTool({ name, arguments: { promptId: fx.prompts[0], idempotencyKey: 'k' } }),
      ).rejects.toThrow(`Tool ${name} not found`);
    }
    expect(await snapshot()).toEqual(before);
  });

  it('answers bad arguments with a tool error and changes nothing', async () => {
    const admin = await connect(a.adminKey);
    await admin.listTools();
    const before = await snapshot();
    const bad: [string, Json][] = [
      ['create_prompt', { projectId: fx.projectId, text: 'no engines', cron: '0 0 * * *' }],
      [
        'create_prompt',
        { projectId: fx.projectId, text: 'bad cron', engineIds: fx.engines, cron: 'every full moon' },
      ],
      ['create_prompt', { projectId: 'not-a-uuid', text: 'x', engineIds: fx.engines, cron: '0 0 * * *' }],
      ['update_brand_aliases', { brandId: fx.brands.Acme, aliases: [{ text: '' }] }],
      ['update_brand_aliases', { brandId: fx.brands.Acme }],
      ['create_alert_rule', { projectId: fx.projectId, rule: { name: 'r', kind: 'nonsense', params: {} } }],
      [
        'create_alert_rule',
        {
          projectId: fx.projectId,
          rule: { name: 'r', kind: 'mention_rate_drop', params: { dropPoints: -1 } },
        },
      ],
      ['run_prompt_now', { promptId: fx.prompts[0], idempotencyKey: 'bad samples', samples: 0 }],
      ['run_prompt_now', { promptId: fx.prompts[0], idempotencyKey: 'has spaces in it' }],
      ['run_prompt_now', { promptId: fx.prompts[0] }],
      ['report_mentions', { projectId: fx.projectId, groupBy: ['day', 'week'] }],
      ['report_trend', { projectId: fx.projectId, bucket: 'month' }],
      ['list_runs', { mentioned: 'true' }],
      ['get_run_evidence', { runId: 42 }],
      ['list_projects', { limit: 100_000 }],
      ['list_projects', { unknown: true }],
    ];
    for (const [name, args] of bad) {
      const result = await admin.callTool({ name, arguments: args });
      expect({ name, args, isError: result.isError }).toEqual({ name, args, isError: true });
      expect(text(result).length).toBeGreaterThan(0);
    }
    expect(await snapshot()).toEqual(before);
  });

  it('runs a prompt now once for the same idempotency key', async () => {
    const admin = await connect(a.adminKey);
    await admin.listTools();
    const runsBefore = await count('runs WHERE "projectId" = $1', [fx.projectId]);
    const args = { promptId: fx.prompts[0], idempotencyKey: 'mcp-run-1', engineIds: [fx.engines[0]] };
    const first = await admin.callTool({ name: 'run_prompt_now', arguments: args });
    const second = await admin.callTool({ name: 'run_prompt_now', arguments: args });
    const r1 = first.structuredContent as { runIds: string[]; replayed: boolean };
    const r2 = second.structuredContent as { runIds: string[]; replayed: boolean };
    expect(r1.replayed).toBe(false);
    expect(r1.runIds).toHaveLength(1);
    expect(r2).toEqual({ runIds: r1.runIds, replayed: true });
    expect(await count('runs WHERE "projectId" = $1', [fx.projectId])).toBe(runsBefore + 1);
    // The same key on REST is the same claim: REST replays the MCP call's runs.
    const rest = await t
      .http()
      .post(`/v1/prompts/${fx.prompts[0]}/run`)
      .set(a.auth())
      .set('Idempotency-Key', 'mcp-run-1')
      .send({ engineIds: [fx.engines[0]] })
      .expect(202);
    expect(rest.body).toEqual({ runIds: r1.runIds, replayed: true });
  });

  it('creates a prompt and an alert rule, and an alias change queues the backfill REST queues', async () => {
    const admin = await connect(a.adminKey);
    await admin.listTools();
    const prompt = await admin.callTool({
      name: 'create_prompt',
      arguments: {
        projectId: fx.projectId,
        text: 'crm with mcp',
        engineIds: fx.engines,
        cron: '0 9 * * 1',
        tags: ['mcp'],
      },
    });
    expect(prompt.isError ?? false).toBe(false);
    const created = prompt.structuredContent as Json;
    expect(
      await t
        .http()
        .get(`/v1/prompts/${String(created.id)}`)
        .set(a.auth())
        .expect(200),
    ).toMatchObject({
      body: created,
    });

    const rule = await admin.callTool({
      name: 'create_alert_rule',
      arguments: {
        projectId: fx.projectId,
        rule: {
          name: 'Acme drop',
          kind: 'mention_rate_drop',
          params: { brandId: fx.brands.Acme, dropPoints: 10 },
        },
      },
    });
    expect(rule.structuredContent).toMatchObject({
      kind: 'mention_rate_drop',
      params: { dropPoints: 10, hysteresisPoints: 5 },
    });

    // A queued backfill is reused by the next request, so settle the fixture's before each edit.
    const settle = () =>
      pg.query(
        `UPDATE backfills SET status = 'succeeded', "finishedAt" = now() WHERE "projectId" = $1 AND status = 'queued'`,
        [fx.projectId],
      );
    const queued = () =>
      count(`backfills WHERE "projectId" = $1 AND status = 'queued' AND reason = 'brand.updated'`, [
        fx.projectId,
      ]);
    await settle();
    const brand = await admin.callTool({
      name: 'update_brand_aliases',
      arguments: {
        brandId: fx.brands.Acme,
        aliases: [{ text: 'ACME Corp' }, { text: 'acme.io', caseSensitive: false }],
      },
    });
    expect(brand.structuredContent).toMatchObject({
      id: fx.brands.Acme,
      aliases: [{ text: 'ACME Corp' }, { text: 'acme.io', caseSensitive: false }],
    });
    expect(await queued()).toBe(1);
    // The REST route queues one the same way (the change announcement both paths go through).
    await settle();
    await t.http().patch(`/v1/brands/${fx.brands.Acme}`).set(a.auth()).send({ aliases: [] }).expect(200);
    expect(await queued()).toBe(1);
  });
});
