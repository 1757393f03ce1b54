// startAttempt reads what the attempt needs (engine, prompt text, project settings, brands) in the statement
// that starts it, as JSON rendered by Postgres. The records must be exactly what the repositories return, and a
// row deleted (or moved out of the run's workspace) while the run waited must read as missing. Real Postgres.
import { Client } from 'pg';
import { BrandRepository } from '../../src/brands/brand.repository';
import { EngineRepository } from '../../src/engines/engine.repository';
import { ProjectRepository } from '../../src/projects/project.repository';
import { PromptRepository } from '../../src/prompts/prompt.repository';
import { testLedger, type TestLedger } from '../support/ledger-runs';
import {
  createPipelineFixture,
  createUnqueuedRun,
  deleteQueueKeys,
  isolatedQueuePrefix,
} from '../support/pipeline';
import { createWorkspace, startTestApp, type TestApp, type TestWorkspace } from '../support/test-app';

const PREFIX = isolatedQueuePrefix('setup');

describe('startAttempt reads the attempt setup in the same statement', () => {
  let t: TestApp;
  let pg: Client;
  let ledger: TestLedger;
  let ws: TestWorkspace;

  beforeAll(async () => {
    t = await startTestApp({ ROLE: 'api', QUEUE_PREFIX: PREFIX, EGRESS_ALLOW_PRIVATE: 'true' });
    ws = await createWorkspace(t);
    ledger = testLedger(t.app);
    pg = new Client({ connectionString: process.env.DATABASE_URL });
    await pg.connect();
  });

  afterAll(async () => {
    await pg.end();
    await t.close();
    await deleteQueueKeys(PREFIX);
  });

  async function fixture() {
    const fx = await createPipelineFixture(t, ws, {
      baseUrl: 'http://127.0.0.1:9/v1',
      credential: 'sk-setup-test-key-1234',
      project: { foldTokens: 42, halfLifeMs: 7000 },
      brands: [
        { name: 'Acme', kind: 'own', aliases: ['ACME Corp', 'Acmé'] },
        { name: 'Globex' },
        { name: 'Initech', aliases: ['Initrode'] },
      ],
    });
    await t
      .http()
      .patch(`/v1/engines/${fx.engineId}`)
      .set(ws.auth())
      .send({ parameters: { temperature: 0.2, maxTokens: 300 }, maxConcurrency: 7 })
      .expect(200);
    await t
      .http()
      .patch(`/v1/brands/${fx.brands.Initech!}`)
      .set(ws.auth())
      .send({ exclusions: ['Initech Park'], domains: ['initech.example'] })
      .expect(200);
    return fx;
  }

  const queuedRun = (fx: { projectId: string; promptId: string; engineId: string }): Promise<string> =>
    createUnqueuedRun(ledger, ws.workspaceId, fx);

  it('returns the same records the repositories read', async () => {
    const fx = await fixture();
    const started = await ledger.startAttempt(await queuedRun(fx), new Date());
    expect(started).not.toBeNull();
    const { setup } = started!;

    const engine = await t.app.get(EngineRepository).find(ws.workspaceId, fx.engineId);
    const prompt = await t.app.get(PromptRepository).find(ws.workspaceId, fx.promptId);
    const project = await t.app.get(ProjectRepository).find(ws.workspaceId, fx.projectId);
    const brands = await t.app.get(BrandRepository).listForProject(fx.projectId);

    // Dates, the ciphertext bytes, the stored enum label ('openai-compatible') and the parsed parameters.
    expect(setup.engine).toEqual(engine);
    expect(setup.engine!.provider).toBe('openai-compatible');
    expect(Buffer.from(setup.engine!.credentialCiphertext!)).toEqual(
      Buffer.from(engine!.credentialCiphertext!),
    );
    expect(setup.engine!.parameters).toMatchObject({ temperature: 0.2, maxTokens: 300 });
    expect(setup.engine!.maxConcurrency).toBe(7);
    expect(setup.promptText).toBe(prompt!.text);
    expect(setup.project).toEqual({ foldTokens: project!.foldTokens, halfLifeMs: project!.halfLifeMs });
    expect(setup.project).toEqual({ foldTokens: 42, halfLifeMs: 7000 });
    expect(setup.brands).toEqual(brands);
    expect(setup.brands.map((b) => b.name)).toEqual(['Acme', 'Globex', 'Initech']);
    expect(setup.brands[0]!.aliases.map((a) => a.text)).toEqual(['ACME Corp', 'Acmé']);
    expect(setup.brands[2]).toMatchObject({ exclusions: ['Initech Park'], domains: ['initech.example'] });
  });

  it('reads a deleted engine or prompt as missing, and a project without brands as no brands', async () => {
    const fx = await fixture();
    const runId = await queuedRun(fx);
    await pg.query('DELETE FROM brands WHERE "projectId" = $1', [fx.projectId]);
    await pg.query('DELETE FROM engines WHERE id = $1', [fx.engineId]);
    const started = await ledger.startAttempt(runId, new Date());
    expect(started!.setup.engine).toBeNull();
    expect(started!.setup.brands).toEqual([]);
    expect(started!.setup.promptText).toBe('What are the best CRM tools?');

    const fx2 = await fixture();
    const runId2 = await queuedRun(fx2);
    await pg.query('DELETE FROM tracked_prompts WHERE id = $1', [fx2.promptId]);
    const started2 = await ledger.startAttempt(runId2, new Date());
    expect(started2!.setup.promptText).toBeNull();
    expect(started2!.setup.engine).not.toBeNull();
  });

  it('reads rows of another workspace as missing', async () => {
    const fx = await fixture();
    const runId = await queuedRun(fx);
    const other = await createWorkspace(t);
    await pg.query('UPDATE engines SET "workspaceId" = $1 WHERE id = $2', [other.workspaceId, fx.engineId]);
    await pg.query('UPDATE projects SET "workspaceId" = $1 WHERE id = $2', [other.workspaceId, fx.projectId]);
    const started = await ledger.startAttempt(runId, new Date());
    expect(started!.setup.engine).toBeNull();
    expect(started!.setup.project).toBeNull();
  });

  it('starts nothing and reads nothing for a terminal run', async () => {
    const fx = await fixture();
    const runId = await queuedRun(fx);
    await pg.query(`UPDATE runs SET status = 'failed', "failureReason" = 'test' WHERE id = $1`, [runId]);
    expect(await ledger.startAttempt(runId, new Date())).toBeNull();
    const { rows } = await pg.query('SELECT count(*)::int AS n FROM run_attempts WHERE "runId" = $1', [
      runId,
    ]);
    expect(rows[0].n).toBe(0);
  });
});
