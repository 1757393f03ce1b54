// The committed TypeScript client (clients/typescript, generated from openapi.json by @hey-api/openapi-ts) against
// the real service listening on a port: typed calls only, no casts. It creates a project, brands, an engine on
// a scripted provider and a prompt, runs the prompt through the real pipeline, and reads the run and reports.
// A second test regenerates the client and requires byte-identical output (run `npm run client` after
// `npm run openapi`).
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { createClient, createConfig, type Client } from '../../clients/typescript/client';
import {
  brandsControllerCreate,
  enginesControllerCreate,
  projectsControllerCreate,
  projectsControllerGet,
  promptsControllerCreate,
  reportsControllerHeadToHead,
  reportsControllerMentions,
  runsControllerGet,
  runsControllerList,
  runsControllerRun,
  runsControllerTokens,
  type RunsControllerGetResponse,
} from '../../clients/typescript';
import { openAiChunkEvents } from '../fakes/openai-sse-script';
import { startPipelineHarness, type PipelineHarness } from '../support/pipeline';

const ROOT = path.resolve(__dirname, '../..');
const CLIENT_DIR = path.join(ROOT, 'clients/typescript');

describe('generated TypeScript client against the running service', () => {
  let h: PipelineHarness;
  let client: Client;

  beforeAll(async () => {
    h = await startPipelineHarness('tsclient', { API_RATE_LIMIT_PER_MINUTE: '0' });
    const key = h.ws.adminKey;
    client = createClient(createConfig({ baseUrl: h.t.baseUrl, auth: () => key }));
  });
  afterAll(() => h.stop());

  it('creates the setup, runs a prompt through the pipeline and reads the run and reports', async () => {
    const origin = new URL(h.baseUrl).origin;
    const { data: project } = await projectsControllerCreate({
      client,
      body: { name: 'Client project', foldTokens: 100 },
      throwOnError: true,
    });
    expect(project.foldTokens).toBe(100);
    expect(project.halfLifeMs).toBe(10_000);

    const { data: acme } = await brandsControllerCreate({
      client,
      path: { projectId: project.id },
      body: { name: 'Acme', kind: 'own', domains: ['acme.com'] },
      throwOnError: true,
    });
    const { data: globex } = await brandsControllerCreate({
      client,
      path: { projectId: project.id },
      body: { name: 'Globex', kind: 'competitor' },
      throwOnError: true,
    });
    expect(acme.domains).toEqual(['acme.com']);

    const { data: engine } = await enginesControllerCreate({
      client,
      body: {
        name: 'scripted',
        provider: 'openai-compatible',
        model: 'gpt-fake',
        baseUrl: `${origin}/client/v1`,
        credential: 'sk-client-test-9876',
      },
      throwOnError: true,
    });
    expect(engine.credential).toEqual({ set: true, last4: '9876' });
    expect(engine.synthetic).toBe(false);

    const { data: prompt } = await promptsControllerCreate({
      client,
      path: { projectId: project.id },
      body: { text: 'Which CRM should I pick?', engineIds: [engine.id], cron: '0 9 * * *' },
      throwOnError: true,
    });
    expect(prompt.engineIds).toEqual([engine.id]);
    expect(prompt.timezone).toBe('UTC');

    const texts = ['Pick', ' **Globex**', ' or', ' Acme', ' CRM.'];
    h.fake.enqueue(
      { writes: openAiChunkEvents(texts).map((bytes) => ({ delayMs: 5, bytes })) },
      '/client/v1/chat/completions',
    );
    const { data: started } = await runsControllerRun({
      client,
      path: { id: prompt.id },
      body: {},
      headers: { 'Idempotency-Key': 'client-run-1' },
      throwOnError: true,
    });
    expect(started.replayed).toBe(false);
    expect(started.runIds).toHaveLength(1);
    const runId = started.runIds[0]!;

    let run: RunsControllerGetResponse;
    const deadline = Date.now() + 15_000;
    for (;;) {
      ({ data: run } = await runsControllerGet({ client, path: { id: runId }, throwOnError: true }));
      if (['succeeded', 'failed', 'skipped'].includes(run.status) || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(run.status).toBe('succeeded');
    expect(run.trigger).toBe('manual');
    expect(run.result?.answerText).toBe(texts.join(''));
    expect(run.result?.timings.ttftMs).toBeGreaterThan(0);
    expect(run.mentions.map((m) => m.brandId)).toEqual([globex.id, acme.id]);
    const globexScore = run.scores.find((s) => s.brandId === globex.id);
    expect(globexScore?.order).toBe(1);
    expect(globexScore?.mentioned).toBe(true);

    const { data: tokens } = await runsControllerTokens({ client, path: { id: runId }, throwOnError: true });
    expect(tokens.data.map((t) => t.text).join('')).toBe(texts.join(''));

    const { data: runs } = await runsControllerList({
      client,
      query: { projectId: project.id, status: 'succeeded' },
      throwOnError: true,
    });
    expect(runs.data.map((r) => r.id)).toEqual([runId]);

    const { data: report } = await reportsControllerMentions({
      client,
      query: { projectId: project.id },
      throwOnError: true,
    });
    expect(report.measured.successfulRuns).toBe(1);
    const byName = new Map(report.measured.brands.map((b) => [b.name, b]));
    expect(byName.get('Globex')?.mentionRate.rate).toBe(1);
    expect(byName.get('Acme')?.kind).toBe('own');
    expect(report.synthetic.brands).toEqual([]);

    const { data: h2h } = await reportsControllerHeadToHead({
      client,
      query: { projectId: project.id },
      throwOnError: true,
    });
    // Both ordered pairs; Globex reached the reader first.
    const globexFirst = h2h.measured.find((p) => p.brandA.id === globex.id && p.brandB.id === acme.id);
    expect(globexFirst?.bothMentioned).toBe(1);
    expect(globexFirst?.aFirstRate.rate).toBe(1);
    expect(globexFirst?.medianLeadMs).toBeGreaterThan(0);
  }, 60_000);

  it('returns typed errors without throwing', async () => {
    const res = await projectsControllerGet({
      client,
      path: { id: '00000000-0000-4000-8000-000000000000' },
    });
    expect(res.response.status).toBe(404);
    expect(res.data).toBeUndefined();
    expect(res.error?.error.code).toBe('not_found');

    const anonymous = createClient(createConfig({ baseUrl: h.t.baseUrl }));
    const denied = await projectsControllerCreate({ client: anonymous, body: { name: 'x' } });
    expect(denied.response.status).toBe(401);
    expect(denied.error?.error.code).toBe('unauthorized');
  });
});

describe('clients/typescript', () => {
  it('is what `npm run client` generates from the committed openapi.json', async () => {
    const out = mkdtempSync(path.join(tmpdir(), 'streamrank-client-'));
    try {
      await promisify(execFile)(
        process.execPath,
        [path.join(ROOT, 'node_modules/@hey-api/openapi-ts/bin/run.js'), '-f', 'openapi-ts.config.mjs', '-s'],
        { cwd: ROOT, env: { ...process.env, CLIENT_OUT: out } },
      );
      const committed = listFiles(CLIENT_DIR);
      expect(listFiles(out)).toEqual(committed);
      for (const file of committed) {
        const fresh = readFileSync(path.join(out, file), 'utf8');
        if (fresh !== readFileSync(path.join(CLIENT_DIR, file), 'utf8')) {
          throw new Error(
            `clients/typescript/${file} is stale: run \`npm run client\` and commit the result`,
          );
        }
      }
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 60_000);
});

function listFiles(dir: string, prefix = ''): string[] {
  return readdirSync(dir)
    .flatMap((name) =>
      statSync(path.join(dir, name)).isDirectory()
        ? listFiles(path.join(dir, name), `${prefix}${name}/`)
        : [`${prefix}${name}`],
    )
    .sort();
}
