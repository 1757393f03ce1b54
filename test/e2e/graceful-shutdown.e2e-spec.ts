// SIGTERM semantics (app.close()): in-flight streams get SHUTDOWN_GRACE_MS to finish; the ones still running
// are aborted, recorded as `interrupted` (not a failure of the engine) and re-run by the next worker.
import { FakeOpenAiServer } from '../fakes/fake-openai-server';
import { openAiChunkEvents, writesOf } from '../fakes/openai-sse-script';
import {
  createPipelineFixture,
  deleteQueueKeys,
  isolatedQueuePrefix,
  runNow,
  waitForRun,
} from '../support/pipeline';
import { createWorkspace, startTestApp, type TestApp } from '../support/test-app';

describe('graceful shutdown', () => {
  const prefix = isolatedQueuePrefix('shutdown');
  let fake: FakeOpenAiServer;
  let baseUrl: string;
  const opts = { ROLE: 'all', QUEUE_PREFIX: prefix, EGRESS_ALLOW_PRIVATE: 'true', RUN_BACKOFF_MS: '20' };

  beforeAll(async () => {
    fake = new FakeOpenAiServer();
    baseUrl = (await fake.start()).baseUrl;
  });
  afterAll(async () => {
    await fake.stop();
    await deleteQueueKeys(prefix);
  });

  async function waitUntilRunning(t: TestApp, auth: Record<string, string>, runId: string) {
    for (let i = 0; i < 200; i++) {
      const r = (await t.http().get(`/v1/runs/${runId}`).set(auth)).body;
      if (r.status === 'running') return;
      await new Promise((res) => setTimeout(res, 20));
    }
    throw new Error('run never started');
  }

  it('lets a stream that ends within the grace period finish', async () => {
    const t = await startTestApp({ ...opts, SHUTDOWN_GRACE_MS: '3000' });
    const ws = await createWorkspace(t);
    const f = await createPipelineFixture(t, ws, { baseUrl, brands: [{ name: 'Acme', kind: 'own' }] });
    fake.enqueue({ writes: writesOf(openAiChunkEvents(['Acme ', 'is ', 'fine.']), 150) });
    const runId = await runNow(t, ws, f.promptId);
    await waitUntilRunning(t, ws.auth(), runId);
    await t.close();
    const t2 = await startTestApp({ ...opts, ROLE: 'api' });
    const run = await waitForRun(t2, ws, runId);
    expect(run.status).toBe('succeeded');
    await t2.close();
  });

  it('aborts a stream still running after the grace period and re-runs it, never failing it', async () => {
    const t = await startTestApp({ ...opts, SHUTDOWN_GRACE_MS: '100' });
    const ws = await createWorkspace(t);
    const f = await createPipelineFixture(t, ws, { baseUrl, brands: [{ name: 'Acme', kind: 'own' }] });
    // First attempt: a stream that stalls mid-answer; second attempt (the next worker): a complete answer.
    fake.enqueue({ writes: writesOf(openAiChunkEvents(['Acme ', 'is']).slice(0, 2), 10), ending: 'hang' });
    fake.enqueue({ writes: writesOf(openAiChunkEvents(['Acme ', 'is ', 'back.']), 5) });
    const runId = await runNow(t, ws, f.promptId);
    await waitUntilRunning(t, ws.auth(), runId);
    const started = Date.now();
    await t.close();
    expect(Date.now() - started).toBeLessThan(5000);

    const t2 = await startTestApp(opts);
    const run = await waitForRun(t2, ws, runId);
    expect(run.status).toBe('succeeded');
    const log = (run as unknown as { attemptLog: { outcome: string; reasonCode: string | null }[] })
      .attemptLog;
    expect(log.map((a) => [a.outcome, a.reasonCode])).toEqual([
      ['retrying', 'interrupted'],
      ['succeeded', null],
    ]);
    await t2.close();
  });
});
