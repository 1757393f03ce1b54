// The reconciler rebuilds queue state from the Postgres ledger: Redis losing every job (flushed) while runs are
// queued, a worker dying with its job lost while a run is `running`, and a run whose attempts are exhausted
// all end terminal, each run executed at most once per attempt, and the ledger checker finds nothing wrong.
// Private database when run alone: DATABASE_URL=postgresql://postgres@127.0.0.1:5432/streamrank_test_recon
import { randomUUID } from 'node:crypto';
import { PrismaService } from '../../src/infra/prisma/prisma.service';
import { StaleAttemptError } from '../../src/runs/results/stale-attempt-error';
import { testLedger } from '../support/ledger-runs';
import { RunReconciler } from '../../src/scheduling/run-reconciler.service';
import { type FakeOpenAiServer } from '../fakes/fake-openai-server';
import { openAiChunkEvents, writesOf } from '../fakes/openai-sse-script';
import { checkLedger } from '../support/ledger-checker';
import {
  createPipelineFixture,
  deleteQueueKeys,
  startPipelineHarness,
  waitForRun,
  type PipelineFixture,
  type PipelineHarness,
} from '../support/pipeline';
import { type TestApp, type TestWorkspace } from '../support/test-app';

describe('run reconciler (e2e)', () => {
  const common = {
    EGRESS_ALLOW_PRIVATE: 'true',
    RUN_BACKOFF_MS: '20',
    RUN_MAX_ATTEMPTS: '3',
    RUN_MAX_RATE_LIMIT_DEFERRALS: '2',
    // Any queued run is stale at once; a running run is stale 1 h after its last attempt started.
    RECONCILE_QUEUED_STALE_MS: '1',
    RUN_DEADLINE_MS: '60000',
    RECONCILE_RUNNING_MARGIN_MS: '1000',
  };
  let h: PipelineHarness | undefined;
  let fake: FakeOpenAiServer;
  let origin: string;
  let baseUrl: string;
  let api: TestApp;
  let worker: TestApp | null = null;
  let ws: TestWorkspace;
  let fx: PipelineFixture;
  const projectIds: string[] = [];

  beforeAll(async () => {
    // API only: runs are enqueued but nothing consumes them until a worker app starts.
    h = await startPipelineHarness('recon', { ...common, ROLE: 'api' });
    ({ fake, origin, baseUrl, t: api, ws } = h);
    for (let i = 0; i < 50; i++) {
      fake.enqueue({ writes: writesOf(openAiChunkEvents(['Acme ', 'beats ', 'Globex.']), 5) });
    }
    fx = await createPipelineFixture(api, ws, {
      baseUrl,
      brands: [{ name: 'Acme', kind: 'own' }, { name: 'Globex' }],
    });
    projectIds.push(fx.projectId);
  });

  afterAll(() => h?.stop());

  const prisma = () => api.app.get(PrismaService);
  const reconciler = () => api.app.get(RunReconciler);

  async function startWorker(): Promise<void> {
    worker ??= await h!.startApp({ ...common, ROLE: 'all' });
  }

  async function runNow(samples: number): Promise<string[]> {
    const res = await api
      .http()
      .post(`/v1/prompts/${fx.promptId}/run`)
      .set(ws.auth())
      .send({ samples })
      .expect(202);
    return res.body.runIds as string[];
  }

  it('re-enqueues queued runs whose jobs were lost when Redis was flushed', async () => {
    const runIds = await runNow(4);
    await deleteQueueKeys(h!.prefix);
    await startWorker();
    // No job left: the worker finds nothing, the runs stay queued.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const queued = await prisma().run.count({ where: { id: { in: runIds }, status: 'queued' } });
    expect(queued).toBe(runIds.length);

    const report = await reconciler().reconcile();
    expect(report.requeued).toBeGreaterThanOrEqual(runIds.length);
    for (const id of runIds) {
      expect(await waitForRun(api, ws, id, 15_000)).toMatchObject({ status: 'succeeded', attempts: 1 });
    }
    // A second pass is a no-op for terminal runs.
    await reconciler().reconcile();
    const done = await prisma().run.findMany({ where: { id: { in: runIds } } });
    expect(done.map((r) => [r.status, r.attempts])).toEqual(runIds.map(() => ['succeeded', 1]));
  });

  /** A run row written straight to the ledger, with no job in the queue (as if Redis had lost it). */
  async function insertRunWithoutJob(status: 'queued' | 'running'): Promise<string> {
    const run = await prisma().run.create({
      data: {
        workspaceId: ws.workspaceId,
        projectId: fx.projectId,
        promptId: fx.promptId,
        engineId: fx.engineId,
        slotKey: `m:${randomUUID()}:${fx.engineId}:0`,
        slotAt: new Date(),
        sample: 0,
        trigger: 'manual',
        status,
      },
    });
    return run.id;
  }

  const longAgo = () => new Date(Date.now() - 3600_000);

  it('recovers runs left running by a dead worker whose job was lost, fencing the zombie attempt', async () => {
    await startWorker();
    const ledger = testLedger(api.app);
    // A worker started an attempt, then died; its job vanished from Redis.
    const lostId = await insertRunWithoutJob('queued');
    const zombie = await ledger.startAttempt(lostId, new Date());
    expect(zombie).not.toBeNull();
    // A run set to running in SQL with no attempt at all (no token).
    const bareId = await insertRunWithoutJob('running');
    await prisma().$executeRaw`
      UPDATE runs SET "updatedAt" = ${longAgo()} WHERE id IN (${lostId}::uuid, ${bareId}::uuid)`;

    const report = await reconciler().reconcile();
    expect(report.recoveredRunning).toBe(2);
    const recovered = await waitForRun(api, ws, lostId, 15_000);
    expect(recovered.status).toBe('succeeded');
    expect(recovered.attemptLog.map((a) => [a.outcome, a.reasonCode])).toEqual([
      ['abandoned', 'worker_lost'],
      ['succeeded', null],
    ]);
    expect(await waitForRun(api, ws, bareId, 15_000)).toMatchObject({ status: 'succeeded', attempts: 1 });

    // The zombie attempt wakes up and tries to write its result: refused.
    await expect(
      ledger.saveRunResult(
        lostId,
        zombie!.token,
        {
          answerText: 'stale',
          reasoningText: null,
          requestSentAt: new Date(),
          headersUs: null,
          ttftUs: null,
          durationUs: 1,
          chunkArrivalsUs: [],
          chunkEnds: [],
          finishReason: 'stop',
          flags: [],
          responseModel: null,
          inputTokens: null,
          outputTokens: null,
          tokenEnds: [],
          tokenArrivalsUs: [],
          mentions: [],
          scores: [],
          citations: [],
          estimatedCostUsd: null,
        },
        new Date(),
      ),
    ).rejects.toBeInstanceOf(StaleAttemptError);
  });

  it('leaves a running run whose job is live alone', async () => {
    await startWorker();
    // A slow stream on a route of its own: the run is running, its job active, while the reconciler looks.
    const slow = await createPipelineFixture(api, ws, {
      baseUrl: `${origin}/slow/v1`,
      brands: [{ name: 'Acme', kind: 'own' }],
    });
    projectIds.push(slow.projectId);
    fake.enqueue(
      { writes: writesOf(openAiChunkEvents(['Acme ', 'slowly ', 'wins.']), 300) },
      '/slow/v1/chat/completions',
    );
    const res = await api.http().post(`/v1/prompts/${slow.promptId}/run`).set(ws.auth()).send({}).expect(202);
    const runId = (res.body.runIds as string[])[0]!;
    for (let i = 0; i < 200; i++) {
      const r = await prisma().run.findUniqueOrThrow({ where: { id: runId } });
      if (r.status === 'running') break;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await prisma().$executeRaw`UPDATE runs SET "updatedAt" = ${longAgo()} WHERE id = ${runId}::uuid`;
    const report = await reconciler().reconcile();
    expect(report.recoveredRunning).toBe(0);
    expect(await waitForRun(api, ws, runId, 15_000)).toMatchObject({ status: 'succeeded', attempts: 1 });
  });

  it('fails a non-terminal run whose attempts are exhausted (attempts_exhausted)', async () => {
    const runId = await insertRunWithoutJob('queued');
    const bound = 3 + 2;
    await prisma().$transaction([
      ...Array.from({ length: bound }, (_, i) =>
        prisma().runAttempt.create({
          data: {
            runId,
            attempt: i + 1,
            token: randomUUID(),
            startedAt: new Date(),
            finishedAt: new Date(),
            outcome: 'retrying',
            reasonCode: 'server_error',
          },
        }),
      ),
      prisma().run.update({ where: { id: runId }, data: { attempts: bound } }),
    ]);
    const report = await reconciler().reconcile();
    expect(report.exhausted).toBe(1);
    expect(await waitForRun(api, ws, runId)).toMatchObject({
      status: 'failed',
      failureReason: 'attempts_exhausted',
      attempts: bound,
    });
    // Fenced: a second pass changes nothing.
    expect((await reconciler().reconcile()).exhausted).toBe(0);
  });

  it('leaves a ledger with nothing lost and nothing twice', async () => {
    const result = await checkLedger(process.env.DATABASE_URL!, {
      projectIds,
      settleDeadline: Date.now() + 10_000,
      maxProviderCalls: 5,
    });
    expect(result.violations).toEqual([]);
    expect(result.counts.byStatus).toMatchObject({ queued: 0, running: 0 });
    expect(result.counts.byStatus.succeeded).toBe(7);
  });
});
