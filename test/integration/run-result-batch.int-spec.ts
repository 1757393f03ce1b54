// saveRunResult batches concurrent saves into one statement (group commit): fencing, exactly-once and
// isolation of a bad row must hold per run inside a batch. Real Postgres.
import { Client } from 'pg';
import { type RunResultWrite } from '../../src/runs/results/run-result.types';
import { StaleAttemptError } from '../../src/runs/results/stale-attempt-error';
import { testLedger, type TestLedger } from '../support/ledger-runs';
import { createPipelineFixture, deleteQueueKeys, isolatedQueuePrefix } from '../support/pipeline';
import { createWorkspace, startTestApp, type TestApp } from '../support/test-app';

const PREFIX = isolatedQueuePrefix('resbatch');

function resultFor(brandId: string, i: number): RunResultWrite {
  return {
    answerText: `Acme "${i}" is great\\ok`,
    reasoningText: i % 2 === 0 ? null : 'thinking',
    requestSentAt: new Date('2026-01-02T03:04:05.678Z'),
    headersUs: 1000,
    ttftUs: 2000 + i,
    durationUs: 9000,
    chunkArrivalsUs: [2000 + i, 5000],
    chunkEnds: [5, 17],
    finishReason: 'stop',
    flags: i === 3 ? ['length', 'a "quoted" flag'] : [],
    responseModel: 'gpt-fake',
    inputTokens: 12,
    outputTokens: 3,
    tokenEnds: [4, 9, 17],
    tokenArrivalsUs: [2000 + i, 5000, 5000],
    mentions: [
      {
        brandId,
        matched: 'Acme',
        charStart: 0,
        charEnd: 4,
        tokenIndex: 0,
        visibleAtUs: 2000 + i,
        sinceFirstTokenUs: 0,
        relPosition: '0.00000000',
        sentenceIndex: 0,
        listRank: null,
        inHeading: false,
        inBold: i === 1,
        snippet: 'Acme is great',
        sentiment: 'positive',
        sentimentScore: '0.462',
      },
    ],
    scores: [
      {
        brandId,
        mentioned: true,
        mentionCount: 1,
        firstVisibleAtUs: 2000 + i,
        sinceFirstTokenUs: 0,
        firstTokenIndex: 0,
        relPosition: '0.00000000',
        order: 1,
        aboveFold: true,
        attention: '0.9876543210',
        streamScore: '12.34567890',
      },
    ],
    citations: [
      {
        position: 0,
        url: 'https://acme.example/x',
        domain: 'acme.example',
        title: 'A "title", with, commas',
        charStart: null,
        charEnd: null,
        arrivedAtUs: 4000,
        brandId,
      },
    ],
    estimatedCostUsd: i === 2 ? null : '0.00012300',
  };
}

describe('saveRunResult batches (group commit)', () => {
  let t: TestApp;
  let pg: Client;
  let ledger: TestLedger;
  let brandId: string;
  let scope: { workspaceId: string; projectId: string; promptId: string; engineId: string };

  beforeAll(async () => {
    t = await startTestApp({ ROLE: 'api', QUEUE_PREFIX: PREFIX, EGRESS_ALLOW_PRIVATE: 'true' });
    const ws = await createWorkspace(t);
    const fx = await createPipelineFixture(t, ws, {
      baseUrl: 'http://127.0.0.1:9/v1',
      brands: [{ name: 'Acme' }],
    });
    brandId = fx.brands.Acme!;
    scope = {
      workspaceId: ws.workspaceId,
      projectId: fx.projectId,
      promptId: fx.promptId,
      engineId: fx.engineId,
    };
    ledger = testLedger(t.app);
    pg = new Client({ connectionString: process.env.DATABASE_URL });
    await pg.connect();
  });

  afterAll(async () => {
    await pg.end();
    await t.close();
    await deleteQueueKeys(PREFIX);
  });

  let counter = 0;
  /** `count` runs in status running with one open attempt each. */
  async function runningRuns(count: number): Promise<{ id: string; token: string }[]> {
    const tag = `batch-${++counter}-${Date.now()}`;
    const { rows } = await pg.query<{ id: string; token: string }>(
      `INSERT INTO runs (id, "workspaceId", "projectId", "promptId", "engineId", "slotKey", "slotAt", sample, trigger,
         status, attempts, "attemptToken", "updatedAt")
       SELECT gen_random_uuid(), $1, $2, $3, $4, 'm:' || $5 || ':' || g, now(), 0, 'manual', 'running', 1,
         gen_random_uuid(), now()
       FROM generate_series(1, $6::int) g
       RETURNING id, "attemptToken" AS token`,
      [scope.workspaceId, scope.projectId, scope.promptId, scope.engineId, tag, count],
    );
    await pg.query(
      `INSERT INTO run_attempts (id, "runId", attempt, token, "startedAt")
       SELECT gen_random_uuid(), id, 1, "attemptToken", now() FROM runs WHERE id = ANY($1::uuid[])`,
      [rows.map((r) => r.id)],
    );
    return rows;
  }

  async function rowsOf(runId: string) {
    const q = async (sql: string) => Number((await pg.query<{ n: string }>(sql, [runId])).rows[0]!.n);
    return {
      status: (await pg.query<{ status: string }>(`SELECT status FROM runs WHERE id = $1`, [runId])).rows[0]!
        .status,
      results: await q(`SELECT count(*) AS n FROM run_results WHERE "runId" = $1`),
      mentions: await q(`SELECT count(*) AS n FROM mentions WHERE "runId" = $1`),
      scores: await q(`SELECT count(*) AS n FROM run_brand_scores WHERE "runId" = $1`),
      citations: await q(`SELECT count(*) AS n FROM citations WHERE "runId" = $1`),
      closedAttempts: await q(
        `SELECT count(*) AS n FROM run_attempts WHERE "runId" = $1 AND outcome = 'succeeded'`,
      ),
    };
  }

  it('saves every valid run of a batch and refuses only the stale ones, exactly once', async () => {
    // 12 concurrent saves: the first few start alone, the rest queue up and go out as batches.
    const runs = await runningRuns(12);
    const stale = new Set([5, 9]);
    const outcomes = await Promise.allSettled(
      runs.map((r, i) =>
        ledger.saveRunResult(
          r.id,
          stale.has(i) ? '00000000-0000-4000-8000-000000000000' : r.token,
          resultFor(brandId, i),
          new Date(),
        ),
      ),
    );
    for (const [i, o] of outcomes.entries()) {
      if (stale.has(i)) {
        expect(o.status).toBe('rejected');
        expect((o as PromiseRejectedResult).reason).toBeInstanceOf(StaleAttemptError);
        expect(await rowsOf(runs[i]!.id)).toEqual({
          status: 'running',
          results: 0,
          mentions: 0,
          scores: 0,
          citations: 0,
          closedAttempts: 0,
        });
      } else {
        expect(o.status).toBe('fulfilled');
        expect(await rowsOf(runs[i]!.id)).toEqual({
          status: 'succeeded',
          results: 1,
          mentions: 1,
          scores: 1,
          citations: 1,
          closedAttempts: 1,
        });
      }
    }
    // The stored values are the ones given to that run (no cross-run mix-up inside a batch).
    const { rows } = await pg.query(
      `SELECT r."answerText", r."reasoningText", r."ttftUs", r."chunkArrivalsUs", r.flags, r."estimatedCostUsd"::text AS cost,
         r."answerTokens", m."inBold", m."visibleAtUs", m.sentiment, m."sentimentScore"::text AS "sentimentScore",
         s.attention::text AS attention, c.title
       FROM run_results r JOIN mentions m ON m."runId" = r."runId" JOIN run_brand_scores s ON s."runId" = r."runId"
       JOIN citations c ON c."runId" = r."runId" WHERE r."runId" = $1`,
      [runs[3]!.id],
    );
    expect(rows[0]).toEqual({
      answerText: 'Acme "3" is great\\ok',
      reasoningText: 'thinking',
      ttftUs: 2003,
      chunkArrivalsUs: [2003, 5000],
      flags: ['length', 'a "quoted" flag'],
      cost: '0.00012300',
      answerTokens: 3,
      inBold: false,
      visibleAtUs: 2003,
      sentiment: 'positive',
      sentimentScore: '0.462',
      attention: '0.9876543210',
      title: 'A "title", with, commas',
    });
    // A second save of a saved run is refused and writes nothing.
    await expect(
      ledger.saveRunResult(runs[0]!.id, runs[0]!.token, resultFor(brandId, 0), new Date()),
    ).rejects.toBeInstanceOf(StaleAttemptError);
    expect((await rowsOf(runs[0]!.id)).results).toBe(1);
  });

  it("reports who listens for each run's landing, as of its commit", async () => {
    // The executor looks webhooks up and enqueues an alert evaluation only for these flags.
    const save = async () => {
      const [run] = await runningRuns(1);
      return ledger.saveRunResult(run!.id, run!.token, resultFor(brandId, 0), new Date());
    };
    expect(await save()).toEqual({ alertRules: false, webhooks: false });

    const rule = await pg.query<{ id: string }>(
      `INSERT INTO alert_rules (id, "workspaceId", "projectId", name, kind, params, enabled, "updatedAt")
       VALUES (gen_random_uuid(), $1, $2, 'drop', 'mention_rate_drop', '{}', false, now()) RETURNING id`,
      [scope.workspaceId, scope.projectId],
    );
    const hook = await pg.query<{ id: string }>(
      `INSERT INTO webhooks (id, "workspaceId", url, events, active, "secretCiphertext", "updatedAt")
       VALUES (gen_random_uuid(), $1, 'https://hooks.example/x', '{run.failed}', true, '\\x00', now()) RETURNING id`,
      [scope.workspaceId],
    );
    // A disabled rule and a webhook not subscribed to run.completed listen to nothing.
    expect(await save()).toEqual({ alertRules: false, webhooks: false });

    await pg.query(`UPDATE alert_rules SET enabled = true WHERE id = $1`, [rule.rows[0]!.id]);
    expect(await save()).toEqual({ alertRules: true, webhooks: false });

    await pg.query(`UPDATE webhooks SET events = '{run.failed,run.completed}' WHERE id = $1`, [
      hook.rows[0]!.id,
    ]);
    expect(await save()).toEqual({ alertRules: true, webhooks: true });

    await pg.query(`UPDATE webhooks SET active = false WHERE id = $1`, [hook.rows[0]!.id]);
    await pg.query(`DELETE FROM alert_rules WHERE id = $1`, [rule.rows[0]!.id]);
    expect(await save()).toEqual({ alertRules: false, webhooks: false });
    await pg.query(`DELETE FROM webhooks WHERE id = $1`, [hook.rows[0]!.id]);
  });

  it('isolates a row the database rejects: the others of its batch are still saved', async () => {
    const runs = await runningRuns(10);
    const outcomes = await Promise.allSettled(
      runs.map((r, i) => {
        const result = resultFor(brandId, i);
        // Out of int4 range: the whole batch statement fails, then each run is retried on its own.
        if (i === 7) result.mentions[0]!.charStart = 2 ** 40;
        return ledger.saveRunResult(r.id, r.token, result, new Date());
      }),
    );
    for (const [i, o] of outcomes.entries()) {
      expect(o.status).toBe(i === 7 ? 'rejected' : 'fulfilled');
      expect((await rowsOf(runs[i]!.id)).status).toBe(i === 7 ? 'running' : 'succeeded');
    }
    expect(await rowsOf(runs[7]!.id)).toMatchObject({ results: 0, mentions: 0, scores: 0 });
  });
});
