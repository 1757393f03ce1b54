// The run pipeline end to end, failure paths: truncated streams, in-band stream errors, HTTP errors and the
// queue's retries, the attempt log, Idempotency-Key on "run now", and the attempt-token fence.
import { type RunResultWrite } from '../../src/runs/results/run-result.types';
import { StaleAttemptError } from '../../src/runs/results/stale-attempt-error';
import { testLedger } from '../support/ledger-runs';
import { type Worker } from 'node:worker_threads';
import { PrismaService } from '../../src/infra/prisma/prisma.service';
import { AnswerCapturePool } from '../../src/capture/threads/answer-capture-pool';
import { RunExecutor } from '../../src/runs/execution/run-executor.service';
import { type FakeExchange, type FakeOpenAiServer, type FakeScript } from '../fakes/fake-openai-server';
import { openAiChunkEvents, writesOf } from '../fakes/openai-sse-script';
import {
  createPipelineFixture,
  createUnqueuedRun,
  runNow,
  startPipelineHarness,
  waitForRun,
  type PipelineFixture,
  type PipelineHarness,
} from '../support/pipeline';
import { type TestApp, type TestWorkspace } from '../support/test-app';

const sse = (texts: string[], options: Parameters<typeof openAiChunkEvents>[1] = {}) =>
  writesOf(openAiChunkEvents(texts, options), 5);

const success = (texts = ['Acme is ', 'the answer.']): FakeScript => ({ writes: sse(texts) });

const httpError = (status: number, body: object, headers: Record<string, string> = {}): FakeScript => ({
  status,
  headers: { 'content-type': 'application/json', ...headers },
  writes: [{ delayMs: 0, bytes: JSON.stringify(body) }],
});

describe('run pipeline (e2e): failures, retries, idempotency, fencing', () => {
  let h: PipelineHarness | undefined;
  let t: TestApp;
  let ws: TestWorkspace;
  let fake: FakeOpenAiServer;
  let origin: string;
  let routeCounter = 0;

  beforeAll(async () => {
    h = await startPipelineHarness('rp-fail', { RUN_BACKOFF_MS: '50', RUN_MAX_ATTEMPTS: '3' });
    ({ t, ws, fake, origin } = h);
  });

  afterAll(() => h?.stop());

  /** A prompt on a fresh fake-server route, with the given scripts queued for its successive requests. */
  async function scripted(
    scripts: FakeScript[],
  ): Promise<PipelineFixture & { route: string; exchanges: Promise<FakeExchange>[] }> {
    const name = `f${++routeCounter}`;
    const fx = await createPipelineFixture(t, ws, {
      baseUrl: `${origin}/${name}/v1`,
      brands: [{ name: 'Acme', kind: 'own' }],
    });
    const route = `/${name}/v1/chat/completions`;
    const exchanges = scripts.map((s) => fake.enqueue(s, route).finished);
    return { ...fx, route, exchanges };
  }

  /** Requests the fake received on a fixture's route. */
  const hits = (route: string) => fake.requests.filter((r) => r.path === route).length;

  it('fails a stream cut before data: [DONE] on every attempt as `truncated`, keeping the partial text', async () => {
    const fx = await scripted([
      { writes: sse(['Acme is', ' the'], { done: false, usage: null, finishReason: null }) },
      // Cut mid-event: the last event has no terminating blank line.
      {
        writes: [
          ...sse(['Acme is', ' the best'], { done: false }),
          { delayMs: 5, bytes: 'data: {"choices":[{"ind' },
        ],
      },
      // A finish_reason arrived, but no [DONE]: still truncated (the wire contract is strict).
      { writes: sse(['Acme is', ' the best', ' CRM'], { done: false }) },
    ]);
    const run = await waitForRun(t, ws, await runNow(t, ws, fx.promptId));
    await Promise.all(fx.exchanges);
    expect(run).toMatchObject({ status: 'failed', failureReason: 'truncated', attempts: 3 });
    expect(hits(fx.route)).toBe(3);
    expect(run.result).toMatchObject({ complete: false, answerText: 'Acme is the best CRM', flags: [] });
    expect(run.result!.chunks.at(-1)!.charEnd).toBe('Acme is the best CRM'.length);
    // The kept text counts its tokens (o200k: "Ac" "me" " is" " the" " best" " CRM").
    expect(run.result!.answerTokens).toBe(6);
    // Failed runs are not scored: no mentions, no score rows.
    expect(run.mentions).toEqual([]);
    expect(run.scores).toEqual([]);
    expect(run.attemptLog).toEqual([
      expect.objectContaining({ attempt: 1, outcome: 'retrying', reasonCode: 'truncated', httpStatus: null }),
      expect.objectContaining({ attempt: 2, outcome: 'retrying', reasonCode: 'truncated', httpStatus: null }),
      expect.objectContaining({ attempt: 3, outcome: 'failed', reasonCode: 'truncated', httpStatus: null }),
    ]);
  });

  it('retries a retryable in-stream error object, then succeeds', async () => {
    const errorEvent = 'data: {"error":{"message":"The server is overloaded","type":"server_error"}}\n\n';
    const fx = await scripted([
      {
        writes: [
          ...sse(['Acme is'], { done: false, usage: null, finishReason: null }),
          { delayMs: 5, bytes: errorEvent },
        ],
      },
      success(),
    ]);
    const run = await waitForRun(t, ws, await runNow(t, ws, fx.promptId));
    expect(run).toMatchObject({ status: 'succeeded', attempts: 2, failureReason: null });
    expect(run.result).toMatchObject({ complete: true, answerText: 'Acme is the answer.' });
    expect(run.attemptLog).toEqual([
      expect.objectContaining({ attempt: 1, outcome: 'retrying', reasonCode: 'stream_error' }),
      expect.objectContaining({ attempt: 2, outcome: 'succeeded', reasonCode: null }),
    ]);
    expect(run.attemptLog[0]!.message).toContain('server_error');
    expect(run.mentions).toHaveLength(1);
  });

  it('records a capture thread dying mid-stream as capture_thread_failed (not the engine), then re-runs', async () => {
    const fx = await scripted([
      // Slow enough for the thread to die mid-answer.
      { writes: writesOf(openAiChunkEvents(['Acme ', 'is ', 'still ', 'streaming.']), 150) },
      success(),
    ]);
    const firstRequest = fx.exchanges[0]!;
    const runId = await runNow(t, ws, fx.promptId);
    // Kill the capture thread holding the stream once the fake has started answering.
    while (!fake.exchanges.some((e) => e.request.path === fx.route && e.writeTimesMs.length > 0)) {
      await new Promise((r) => setTimeout(r, 10));
    }
    const pool: unknown = t.app.get(AnswerCapturePool);
    const { threads } = pool as { threads: { worker: Worker; load: number }[] };
    await Promise.all(threads.filter((th) => th.load > 0).map((th) => th.worker.terminate()));
    const run = await waitForRun(t, ws, runId);
    await firstRequest;
    expect(run).toMatchObject({ status: 'succeeded', attempts: 2, failureReason: null });
    expect(run.attemptLog).toEqual([
      expect.objectContaining({ attempt: 1, outcome: 'retrying', reasonCode: 'capture_thread_failed' }),
      expect.objectContaining({ attempt: 2, outcome: 'succeeded', reasonCode: null }),
    ]);
    expect(run.result).toMatchObject({ complete: true, answerText: 'Acme is the answer.' });
  });

  it('fails at once on a non-retryable in-stream error, keeping the partial text', async () => {
    const errorEvent =
      'data: {"error":{"message":"This model\'s maximum context length is 8192 tokens","type":"invalid_request_error","code":"context_length_exceeded"}}\n\n';
    const fx = await scripted([
      {
        writes: [
          ...sse(['Acme is'], { done: false, usage: null, finishReason: null }),
          { delayMs: 5, bytes: errorEvent },
        ],
      },
      success(),
    ]);
    const run = await waitForRun(t, ws, await runNow(t, ws, fx.promptId));
    expect(run).toMatchObject({ status: 'failed', failureReason: 'stream_error', attempts: 1 });
    expect(run.failureMessage).toContain('maximum context length');
    expect(run.result).toMatchObject({ complete: false, answerText: 'Acme is' });
    expect(run.attemptLog).toEqual([
      expect.objectContaining({ attempt: 1, outcome: 'failed', reasonCode: 'stream_error' }),
    ]);
    expect(hits(fx.route)).toBe(1);
  });

  it.each([
    {
      name: '429 with retry-after-ms',
      first: httpError(
        429,
        { error: { message: 'Rate limit reached', type: 'requests' } },
        { 'retry-after-ms': '100' },
      ),
      reasonCode: 'rate_limited',
      httpStatus: 429,
      retryAfterMs: 100,
    },
    {
      name: '429 with retry-after (seconds)',
      first: httpError(
        429,
        { error: { message: 'Rate limit reached', type: 'tokens' } },
        { 'retry-after': '1' },
      ),
      reasonCode: 'rate_limited',
      httpStatus: 429,
      retryAfterMs: 1000,
    },
    {
      name: '500',
      first: httpError(500, { error: { message: 'internal error', type: 'server_error' } }),
      reasonCode: 'server_error',
      httpStatus: 500,
      retryAfterMs: null,
    },
  ])('retries after HTTP $name, then succeeds', async ({ first, reasonCode, httpStatus, retryAfterMs }) => {
    const fx = await scripted([first, success()]);
    const run = await waitForRun(t, ws, await runNow(t, ws, fx.promptId));
    const [failed, succeeded] = await Promise.all(fx.exchanges);
    expect(run).toMatchObject({ status: 'succeeded', attempts: 2, failureReason: null });
    expect(run.result).toMatchObject({
      complete: true,
      answerText: 'Acme is the answer.',
      finishReason: 'stop',
    });
    expect(run.attemptLog).toEqual([
      expect.objectContaining({ attempt: 1, outcome: 'retrying', reasonCode, httpStatus, retryAfterMs }),
      expect.objectContaining({ attempt: 2, outcome: 'succeeded', reasonCode: null, httpStatus: null }),
    ]);
    if (retryAfterMs !== null) {
      // The provider's requested delay was honoured by the queue's backoff.
      expect(succeeded!.requestReceivedAtMs - failed!.requestReceivedAtMs).toBeGreaterThanOrEqual(
        retryAfterMs,
      );
    }
  });

  it('fails at once on HTTP 401 with `auth_failed` and disables the engine', async () => {
    const fx = await scripted([
      httpError(401, { error: { message: 'Incorrect API key provided', type: 'invalid_request_error' } }),
      success(),
    ]);
    const run = await waitForRun(t, ws, await runNow(t, ws, fx.promptId));
    expect(run).toMatchObject({ status: 'failed', failureReason: 'auth_failed', attempts: 1 });
    expect(run.attemptLog).toEqual([
      expect.objectContaining({ attempt: 1, outcome: 'failed', reasonCode: 'auth_failed', httpStatus: 401 }),
    ]);
    expect(hits(fx.route)).toBe(1);
    // Nothing was streamed: no partial result to keep.
    expect(run.result === null || run.result.answerText === '').toBe(true);
    const engine = await t.http().get(`/v1/engines/${fx.engineId}`).set(ws.auth()).expect(200);
    expect(engine.body.disabledReason).toEqual(expect.stringContaining('401'));
    // The credential never leaks into what is stored or shown.
    expect(JSON.stringify(run)).not.toContain('sk-fake-test-key');
  });

  describe('Idempotency-Key on POST /v1/prompts/:id/run', () => {
    it('returns the same runs for a repeated request and runs them once', async () => {
      const fx = await scripted([success(), success()]);
      const key = `idem-${Date.now()}`;
      const first = await t
        .http()
        .post(`/v1/prompts/${fx.promptId}/run`)
        .set(ws.auth())
        .set('Idempotency-Key', key)
        .send({})
        .expect(202);
      expect(first.headers['idempotent-replayed']).toBeUndefined();
      expect(first.body).toMatchObject({ runIds: [expect.any(String)], replayed: false });
      const second = await t
        .http()
        .post(`/v1/prompts/${fx.promptId}/run`)
        .set(ws.auth())
        .set('Idempotency-Key', key)
        .send({})
        .expect(202);
      expect(second.headers['idempotent-replayed']).toBe('true');
      expect(second.body).toEqual({ runIds: first.body.runIds, replayed: true });
      const run = await waitForRun(t, ws, first.body.runIds[0]);
      expect(run.status).toBe('succeeded');
      // A replay after completion changes nothing either.
      const third = await t
        .http()
        .post(`/v1/prompts/${fx.promptId}/run`)
        .set(ws.auth())
        .set('Idempotency-Key', key)
        .send({ engineIds: [fx.engineId] })
        .expect(202);
      expect(third.body.runIds).toEqual(first.body.runIds);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(hits(fx.route)).toBe(1);
      const runs = await t.app.get(PrismaService).run.count({ where: { promptId: fx.promptId } });
      expect(runs).toBe(1);
    });

    it('refuses the same key with a different body (422)', async () => {
      const fx = await scripted([success()]);
      const key = `idem-diff-${Date.now()}`;
      const first = await t
        .http()
        .post(`/v1/prompts/${fx.promptId}/run`)
        .set(ws.auth())
        .set('Idempotency-Key', key)
        .send({})
        .expect(202);
      const res = await t
        .http()
        .post(`/v1/prompts/${fx.promptId}/run`)
        .set(ws.auth())
        .set('Idempotency-Key', key)
        .send({ samples: 2 })
        .expect(422);
      expect(res.body.error.code).toBe('idempotency_key_reused');
      await waitForRun(t, ws, first.body.runIds[0]);
      const runs = await t.app.get(PrismaService).run.count({ where: { promptId: fx.promptId } });
      expect(runs).toBe(1);
    });
  });

  it('fails a run whose prompt was deleted before it started as configuration_deleted, calling no engine', async () => {
    const ledger = testLedger(t.app);
    // Created straight in the ledger (never enqueued) and executed here, after the prompt is gone.
    const fx = await scripted([success()]);
    const runIds = [await createUnqueuedRun(ledger, ws.workspaceId, fx)];
    await t.http().delete(`/v1/prompts/${fx.promptId}`).set(ws.auth()).expect(204);
    const outcome = await t.app.get(RunExecutor).execute(runIds[0]!, { attemptsMade: 0, maxAttempts: 3 });
    expect(outcome).toBe('failed');
    const run = await waitForRun(t, ws, runIds[0]!);
    expect(run).toMatchObject({ status: 'failed', failureReason: 'configuration_deleted' });
    expect(run.attemptLog).toEqual([
      expect.objectContaining({ attempt: 1, outcome: 'failed', reasonCode: 'configuration_deleted' }),
    ]);
    expect(hits(fx.route)).toBe(0);
  });

  it('refuses a result written with a stale attempt token, and writes nothing', async () => {
    const prisma = t.app.get(PrismaService);
    const ledger = testLedger(t.app);
    // Runs created straight in the ledger are never enqueued, so no worker races this test.
    const fx = await scripted([]);
    const runIds = [await createUnqueuedRun(ledger, ws.workspaceId, fx)];
    const runId = runIds[0]!;
    const old = await ledger.startAttempt(runId, new Date());
    // The first attempt's job stalled; the queue started another one.
    const current = await ledger.startAttempt(runId, new Date());
    expect(old).not.toBeNull();
    expect(current).not.toBeNull();
    expect(current!.attempt).toBe(2);
    const result: RunResultWrite = {
      answerText: 'Acme wins.',
      reasoningText: null,
      requestSentAt: new Date(),
      headersUs: 1000,
      ttftUs: 2000,
      durationUs: 3000,
      chunkArrivalsUs: [2000],
      chunkEnds: [10],
      finishReason: 'stop',
      flags: [],
      responseModel: 'gpt-fake',
      inputTokens: 1,
      outputTokens: 3,
      citations: [],
      estimatedCostUsd: null,
      tokenEnds: [4, 9, 10],
      tokenArrivalsUs: [2000, 2000, 2000],
      mentions: [
        {
          brandId: fx.brands.Acme!,
          matched: 'Acme',
          charStart: 0,
          charEnd: 4,
          tokenIndex: 0,
          visibleAtUs: 2000,
          sinceFirstTokenUs: 0,
          relPosition: '0',
          sentenceIndex: 0,
          listRank: null,
          inHeading: false,
          inBold: false,
          snippet: 'Acme wins.',
          sentiment: 'positive',
          sentimentScore: '0.245',
        },
      ],
      scores: [
        {
          brandId: fx.brands.Acme!,
          mentioned: true,
          mentionCount: 1,
          firstVisibleAtUs: 2000,
          sinceFirstTokenUs: 0,
          firstTokenIndex: 0,
          relPosition: '0',
          order: 1,
          aboveFold: true,
          attention: '1',
          streamScore: '100',
        },
      ],
    };
    await expect(ledger.saveRunResult(runId, old!.token, result, new Date())).rejects.toBeInstanceOf(
      StaleAttemptError,
    );
    await expect(
      ledger.recordAttemptFailure(
        runId,
        old!.token,
        { reasonCode: 'truncated', message: 'late' },
        true,
        null,
        new Date(),
      ),
    ).rejects.toBeInstanceOf(StaleAttemptError);
    const counts = async () => ({
      results: await prisma.runResult.count({ where: { runId } }),
      mentions: await prisma.mention.count({ where: { runId } }),
      scores: await prisma.runBrandScore.count({ where: { runId } }),
    });
    expect(await counts()).toEqual({ results: 0, mentions: 0, scores: 0 });
    const row = await prisma.run.findUniqueOrThrow({ where: { id: runId } });
    expect(row).toMatchObject({
      status: 'running',
      attemptToken: current!.token,
      failureReason: null,
      finishedAt: null,
    });
    const attempts = await prisma.runAttempt.findMany({ where: { runId }, orderBy: { attempt: 'asc' } });
    // Attempt 1 was closed as its worker's when attempt 2 started; its zombie's late writes changed nothing.
    expect(attempts.map((a) => [a.attempt, a.outcome, a.reasonCode])).toEqual([
      [1, 'abandoned', 'worker_lost'],
      [2, null, null],
    ]);

    // The current attempt's token still writes.
    await ledger.saveRunResult(runId, current!.token, result, new Date());
    expect(await counts()).toEqual({ results: 1, mentions: 1, scores: 1 });
    const done = await waitForRun(t, ws, runId);
    expect(done).toMatchObject({ status: 'succeeded', result: { answerText: 'Acme wins.', complete: true } });
    // And once terminal, even the current token cannot write again.
    await expect(ledger.saveRunResult(runId, current!.token, result, new Date())).rejects.toBeInstanceOf(
      StaleAttemptError,
    );
  });
});
