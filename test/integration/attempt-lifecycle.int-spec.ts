// Every attempt ends, and a finished answer is never paid for twice: an attempt whose worker died is closed
// (`abandoned/worker_lost`, with finishedAt) when the next one starts; a finished answer spilled by a worker that
// died before its write committed is landed by the run's next job under its original attempt, without calling
// the provider, also after the reconciler put the run back to queued; a spill of a superseded attempt is dropped.
// Real Postgres, Redis and HTTP (fake provider counting calls).
// Private database when run alone: DATABASE_URL=postgresql://postgres@127.0.0.1:5432/streamrank_test_outage
import { Client } from 'pg';
import { type Redis } from 'ioredis';
import { REDIS } from '../../src/infra/redis/redis.module';
import { AnswerSpill } from '../../src/runs/results/answer-spill';
import { RunExecutor } from '../../src/runs/execution/run-executor.service';
import { type RunResultWrite } from '../../src/runs/results/run-result.types';
import { testLedger, type TestLedger } from '../support/ledger-runs';
import { FakeOpenAiServer } from '../fakes/fake-openai-server';
import { openAiChunkEvents, writesOf } from '../fakes/openai-sse-script';
import { checkLedger } from '../support/ledger-checker';
import {
  createPipelineFixture,
  createUnqueuedRun,
  deleteQueueKeys,
  isolatedQueuePrefix,
  type PipelineFixture,
} from '../support/pipeline';
import { createWorkspace, startTestApp, type TestApp, type TestWorkspace } from '../support/test-app';

const PREFIX = isolatedQueuePrefix('attempts');
const BUDGET = { attemptsMade: 0, maxAttempts: 3 };

/** A finished answer as the executor would have built it (one mention of Acme). */
function spilledResult(brandId: string): RunResultWrite {
  return {
    answerText: 'Acme wins.',
    reasoningText: null,
    requestSentAt: new Date('2026-12-01T10:00:00.000Z'),
    headersUs: 1000,
    ttftUs: 2000,
    durationUs: 5000,
    chunkArrivalsUs: [2000, 4000],
    chunkEnds: [5, 10],
    finishReason: 'stop',
    flags: [],
    responseModel: 'gpt-fake',
    inputTokens: 5,
    outputTokens: 3,
    tokenEnds: [4, 9, 10],
    tokenArrivalsUs: [2000, 4000, 4000],
    mentions: [
      {
        brandId,
        matched: 'Acme',
        charStart: 0,
        charEnd: 4,
        tokenIndex: 0,
        visibleAtUs: 2000,
        sinceFirstTokenUs: 0,
        relPosition: '0.00000000',
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
        brandId,
        mentioned: true,
        mentionCount: 1,
        firstVisibleAtUs: 2000,
        sinceFirstTokenUs: 0,
        firstTokenIndex: 0,
        relPosition: '0.00000000',
        order: 1,
        aboveFold: true,
        attention: '1.0000000000',
        streamScore: '1.00000000',
      },
    ],
    citations: [],
    estimatedCostUsd: null,
  };
}

describe('attempt lifecycle: lost workers and spilled answers', () => {
  let fake: FakeOpenAiServer;
  let t: TestApp;
  let ws: TestWorkspace;
  let fx: PipelineFixture;
  let pg: Client;
  let ledger: TestLedger;
  let executor: RunExecutor;
  let spill: AnswerSpill;

  beforeAll(async () => {
    fake = new FakeOpenAiServer();
    const { baseUrl } = await fake.start();
    t = await startTestApp({ ROLE: 'all', QUEUE_PREFIX: PREFIX, EGRESS_ALLOW_PRIVATE: 'true' });
    ws = await createWorkspace(t);
    fx = await createPipelineFixture(t, ws, { baseUrl, brands: [{ name: 'Acme', kind: 'own' }] });
    ledger = testLedger(t.app);
    executor = t.app.get(RunExecutor);
    spill = t.app.get(AnswerSpill);
    pg = new Client({ connectionString: process.env.DATABASE_URL });
    await pg.connect();
  });

  afterAll(async () => {
    await pg?.end();
    await t?.close();
    await fake?.stop();
    await deleteQueueKeys(PREFIX);
  });

  const attempts = async (runId: string) =>
    (
      await pg.query<{
        attempt: number;
        startedAt: Date;
        finishedAt: Date | null;
        outcome: string | null;
        reasonCode: string | null;
      }>(
        `SELECT attempt, "startedAt", "finishedAt", outcome, "reasonCode" FROM run_attempts
         WHERE "runId" = $1 ORDER BY attempt`,
        [runId],
      )
    ).rows;
  const spillKeyExists = async (runId: string) =>
    (await t.app.get<Redis>(REDIS).exists(`${PREFIX}:spill:${runId}`)) === 1;

  async function ledgerIsClean(): Promise<void> {
    const result = await checkLedger(process.env.DATABASE_URL!, { projectIds: [fx.projectId] });
    // Runs of this file that are still queued on purpose are not part of the check's claim.
    expect(result.violations.filter((v) => !v.startsWith('non-terminal runs'))).toEqual([]);
  }

  it('closes the attempt of a dead worker when the next attempt starts, and the run ends with none open', async () => {
    fake.enqueue({ writes: writesOf(openAiChunkEvents(['Acme ', 'is ', 'fine.']), 5) });
    const runId = await createUnqueuedRun(ledger, ws.workspaceId, fx);
    // A worker started attempt 1 and died: nothing closed it.
    await ledger.startAttempt(runId, new Date());
    expect(await executor.execute(runId, BUDGET)).toBe('succeeded');

    const [lost, won] = await attempts(runId);
    expect(lost).toMatchObject({ attempt: 1, outcome: 'abandoned', reasonCode: 'worker_lost' });
    expect(lost!.finishedAt).toEqual(won!.startedAt);
    expect(won).toMatchObject({ attempt: 2, outcome: 'succeeded' });
    // The API's attemptLog shows no open attempt on the finished run.
    const res = await t.http().get(`/v1/runs/${runId}`).set(ws.auth('read')).expect(200);
    const log = res.body.attemptLog as { outcome: string | null; finishedAt: string | null }[];
    expect(log).toHaveLength(2);
    for (const a of log) {
      expect(a.outcome).not.toBeNull();
      expect(a.finishedAt).not.toBeNull();
    }
    await ledgerIsClean();
  });

  it("lands a dead worker's spilled answer under its attempt without calling the provider", async () => {
    const runId = await createUnqueuedRun(ledger, ws.workspaceId, fx);
    const attempt = (await ledger.startAttempt(runId, new Date()))!;
    const { setup: _setup, ...ref } = attempt;
    expect(await spill.put(ref, spilledResult(fx.brands.Acme!))).toBe(true);
    const calls = fake.requests.length;

    expect(await executor.execute(runId, BUDGET)).toBe('succeeded');
    expect(fake.requests.length).toBe(calls);
    expect(await attempts(runId)).toEqual([expect.objectContaining({ attempt: 1, outcome: 'succeeded' })]);
    const { rows } = await pg.query<{ answerText: string; status: string }>(
      `SELECT rr."answerText", r.status FROM runs r JOIN run_results rr ON rr."runId" = r.id WHERE r.id = $1`,
      [runId],
    );
    expect(rows).toEqual([{ answerText: 'Acme wins.', status: 'succeeded' }]);
    expect(await spillKeyExists(runId)).toBe(false);
    await ledgerIsClean();
  });

  it('lands a spilled answer after the reconciler re-queued the run, as long as no newer attempt started', async () => {
    const runId = await createUnqueuedRun(ledger, ws.workspaceId, fx);
    const attempt = (await ledger.startAttempt(runId, new Date()))!;
    const { setup: _setup, ...ref } = attempt;
    await spill.put(ref, spilledResult(fx.brands.Acme!));
    // The job was lost too: the reconciler puts the run back to queued and closes the attempt.
    const later = new Date(Date.now() + 60_000);
    expect(await ledger.releaseLostRun(runId, attempt.token, later, new Date())).toBe(true);
    const calls = fake.requests.length;

    expect(await executor.execute(runId, BUDGET)).toBe('succeeded');
    expect(fake.requests.length).toBe(calls);
    expect(await attempts(runId)).toEqual([
      expect.objectContaining({ attempt: 1, outcome: 'succeeded', reasonCode: null }),
    ]);
    await ledgerIsClean();
  });

  it('drops a spilled answer whose write fails for its own sake and runs the run anew', async () => {
    fake.enqueue({ writes: writesOf(openAiChunkEvents(['Acme ', 'anew.']), 5) });
    const runId = await createUnqueuedRun(ledger, ws.workspaceId, fx);
    const { setup: _setup, ...ref } = (await ledger.startAttempt(runId, new Date()))!;
    // Postgres refuses a NUL byte in text (22021): retrying that write could never succeed.
    await spill.put(ref, { ...spilledResult(fx.brands.Acme!), answerText: 'Acme\u0000 wins.' });
    const calls = fake.requests.length;

    expect(await executor.execute(runId, BUDGET)).toBe('succeeded');
    expect(fake.requests.length).toBe(calls + 1);
    expect(await spillKeyExists(runId)).toBe(false);
    const { rows } = await pg.query<{ answerText: string }>(
      `SELECT "answerText" FROM run_results WHERE "runId" = $1`,
      [runId],
    );
    expect(rows).toEqual([{ answerText: 'Acme anew.' }]);
    await ledgerIsClean();
  });

  it('drops the spill of a superseded attempt and runs the current one as usual', async () => {
    fake.enqueue({ writes: writesOf(openAiChunkEvents(['Acme ', 'again.']), 5) });
    const runId = await createUnqueuedRun(ledger, ws.workspaceId, fx);
    const first = (await ledger.startAttempt(runId, new Date()))!;
    const { setup: _setup, ...ref } = first;
    await spill.put(ref, spilledResult(fx.brands.Acme!));
    // Another attempt started since (its worker died too): the spilled answer is no longer the run's.
    await ledger.startAttempt(runId, new Date());
    const calls = fake.requests.length;

    expect(await executor.execute(runId, BUDGET)).toBe('succeeded');
    expect(fake.requests.length).toBe(calls + 1);
    expect(await spillKeyExists(runId)).toBe(false);
    expect((await attempts(runId)).map((a) => `${a.attempt}:${a.outcome}/${a.reasonCode}`)).toEqual([
      '1:abandoned/worker_lost',
      '2:abandoned/worker_lost',
      '3:succeeded/null',
    ]);
    const { rows } = await pg.query<{ answerText: string }>(
      `SELECT "answerText" FROM run_results WHERE "runId" = $1`,
      [runId],
    );
    expect(rows).toEqual([{ answerText: 'Acme again.' }]);
    await ledgerIsClean();
  });
});
