// The MCP server over stdio, as a local assistant starts it: the SDK's client spawns `src/cli/cli.ts mcp`
// (what `npm run cli -- mcp` runs) with the API key in STREAMRANK_API_KEY, against the same database.
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { deleteQueueKeys, isolatedQueuePrefix } from '../support/pipeline';
import {
  ACME_GLOBEX_INITECH,
  createReportFixture,
  landScoredRun,
  type ReportFixture,
} from '../support/scored-runs';
import { createWorkspace, startTestApp, type TestApp, type TestWorkspace } from '../support/test-app';

const ROOT = resolve(__dirname, '../..');
const CLI = ['-r', './scripts/load-env.js', '-r', './scripts/swc-register.js', 'src/cli/cli.ts', 'mcp'];
const WRITE_TOOLS = ['create_alert_rule', 'create_prompt', 'run_prompt_now', 'update_brand_aliases'];

describe('MCP over stdio (npm run cli -- mcp)', () => {
  const prefix = isolatedQueuePrefix('mcp-stdio');
  let t: TestApp;
  let a: TestWorkspace;
  let b: TestWorkspace;
  let fx: ReportFixture;
  let runId: string;
  const clients: Client[] = [];

  const childEnv = (key?: string): Record<string, string> => {
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
    delete env.STREAMRANK_API_KEY;
    return { ...env, QUEUE_PREFIX: prefix, ...(key === undefined ? {} : { STREAMRANK_API_KEY: key }) };
  };

  async function connect(key: string, mode: 'legacy' | 'auto' = 'legacy'): Promise<Client> {
    const client = new Client({ name: 'mcp-stdio-e2e', version: '1.0.0' }, { versionNegotiation: { mode } });
    await client.connect(
      new StdioClientTransport({
        command: process.execPath,
        args: CLI,
        cwd: ROOT,
        env: childEnv(key),
        stderr: 'pipe',
      }),
    );
    clients.push(client);
    return client;
  }

  /** Runs the command to its end without a client: exit code and stderr. */
  const runAlone = (key?: string) =>
    new Promise<{ code: number | null; stderr: string }>((done) => {
      const child = spawn(process.execPath, CLI, {
        cwd: ROOT,
        env: childEnv(key),
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('close', (code) => done({ code, stderr }));
    });

  beforeAll(async () => {
    t = await startTestApp({ QUEUE_PREFIX: prefix, EGRESS_ALLOW_PRIVATE: 'true' });
    a = await createWorkspace(t);
    b = await createWorkspace(t);
    fx = await createReportFixture(t, a.auth(), {
      brands: ACME_GLOBEX_INITECH,
      engines: 1,
      prompts: [{ text: 'best crm', tags: ['crm'] }],
    });
    runId = await landScoredRun(t, a.workspaceId, fx.projectId, {
      promptId: fx.prompts[0]!,
      engineId: fx.engines[0]!,
      at: new Date(Date.now() - 3_600_000),
      chunks: ['Acme beats ', 'Globex.'],
      citations: [{ url: 'https://acme.com/', domain: 'acme.com' }],
    });
  }, 120_000);

  afterAll(async () => {
    for (const c of clients) await c.close().catch(() => undefined);
    await t?.close();
    await deleteQueueKeys(prefix);
  });

  it('acts as a read key: read tools only, answers equal to REST', async () => {
    const client = await connect(a.readKey);
    const names = (await client.listTools()).tools.map((x) => x.name);
    expect(names).toContain('report_mentions');
    expect(names.filter((n) => WRITE_TOOLS.includes(n))).toEqual([]);
    const projects = await client.callTool({ name: 'list_projects', arguments: {} });
    const rest = await t.http().get('/v1/projects').set(a.auth('read')).expect(200);
    expect(projects.structuredContent).toEqual(rest.body);

    const evidence = await client.callTool({ name: 'get_run_evidence', arguments: { runId } });
    expect(evidence.structuredContent).toMatchObject({ id: runId, answer: { text: 'Acme beats Globex.' } });
    await expect(client.callTool({ name: 'run_prompt_now', arguments: {} })).rejects.toThrow(
      'Tool run_prompt_now not found',
    );
  }, 60_000);

  it("acts as an admin key: write tools, idempotent run-now; another workspace's ids are not found", async () => {
    const client = await connect(a.adminKey, 'auto');
    const names = (await client.listTools()).tools.map((x) => x.name);
    expect(names).toEqual(expect.arrayContaining(WRITE_TOOLS));
    const args = { promptId: fx.prompts[0], idempotencyKey: 'stdio-1' };
    const first = (await client.callTool({ name: 'run_prompt_now', arguments: args })).structuredContent;
    const second = (await client.callTool({ name: 'run_prompt_now', arguments: args })).structuredContent;
    expect(second).toEqual({ ...(first as object), replayed: true });

    const other = await connect(b.adminKey);
    await other.listTools();
    const result = await other.callTool({ name: 'report_mentions', arguments: { projectId: fx.projectId } });
    expect(result.isError).toBe(true);
    expect(result.content).toEqual([{ type: 'text', text: 'not_found: Project not found' }]);
  }, 60_000);

  it('refuses to start without a live key', async () => {
    expect(await runAlone()).toEqual({ code: 2, stderr: expect.stringContaining('set STREAMRANK_API_KEY') });
    expect(await runAlone('sr_not_a_real_key_0000000000000000000000')).toEqual({
      code: 2,
      stderr: expect.stringContaining('STREAMRANK_API_KEY is not a live API key'),
    });
  }, 60_000);
});
