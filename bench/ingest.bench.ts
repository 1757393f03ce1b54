/**
 * Persisting completed runs (`npm run bench:ingest`).
 *
 * One completed run = the run_results row (answer of ~700 o200k tokens in ~520 stream chunks, packed chunk
 * and token timelines), ~5 mention rows and one score row per brand (5 brands), built once by the real
 * detection and analysis code. INGEST_RUNS runs (default 2,000) are prepared as `running` with an attempt
 * token, then:
 *  - repository: ResultWriteBatcher.saveRunResult (the worker's code path: fencing on the attempt token,
 *    status change, result, mentions, scores, attempt closed) for every run, INGEST_CONCURRENCY at a time on
 *    the app's Prisma pool (DATABASE_POOL_SIZE, default 10); the repository batches concurrent saves into
 *    one statement per batch (group commit), fenced per run;
 *  - COPY: the same result, mention and score rows for as many other prepared runs, by raw `COPY FROM STDIN`
 *    in batches of COPY_BATCH runs, on as many connections as the pool has. No fencing, no status change: the
 *    ceiling for moving these bytes into these tables and indexes.
 * Both are timed in the same process and run, INGEST_ROUNDS times (default 3) in alternating order; the
 * figures are the medians. Ends with one JSON line: targets >= 50 % of the COPY rate and >= 500 runs/s.
 */
import 'reflect-metadata';
import { Client } from 'pg';
import { BrandRepository } from '../src/brands/brand.repository';
import { IncrementalMatcher } from '../src/detection/incremental-matcher';
import { analyzeAnswer } from '../src/capture/analysis/run-analysis';
import { type RunResultWrite } from '../src/runs/results/run-result.types';
import { testLedger } from '../test/support/ledger-runs';
import { createPipelineFixture, deleteQueueKeys } from '../test/support/pipeline';
import { createWorkspace, startTestApp } from '../test/support/test-app';
import {
  benchDatabaseUrl,
  benchEnv,
  insertQueuedRuns,
  machineLoad,
  median,
  resetBenchDatabase,
  round,
  type RunScope,
} from './support/bench-env';
import { copyRows, newId } from './support/pg-copy';

const RUNS = Number(process.env.INGEST_RUNS ?? 2000);
const CONCURRENCY = Number(process.env.INGEST_CONCURRENCY ?? 100);
const POOL = Number(process.env.INGEST_POOL ?? 10);
const COPY_BATCH = Number(process.env.INGEST_COPY_BATCH ?? 100);
const ROUNDS = Number(process.env.INGEST_ROUNDS ?? 3);

const WORDS =
  'When choosing a CRM , most teams compare pipeline views , reporting depth , integrations and price . ' +
  'The market is crowded and each vendor has a clear profile . Onboarding takes a few weeks for most teams , ' +
  'and the API quality matters for automation . Support response times vary between plans and regions . ';

/** ~700 tokens with 5 brand mentions, streamed in chunks of 1-2 words ~20 ms apart. */
function answerChunks(): { texts: string[]; atUs: number[] } {
  const filler = WORDS.split(' ');
  const words: string[] = [];
  const brands = ['**Acme**', 'Globex', 'Initech', 'Umbrella', 'Hooli'];
  for (let i = 0; words.length < 640; i++) {
    if (i % 125 === 60) words.push(brands[Math.floor(i / 125)]!);
    else words.push(filler[i % filler.length]!);
  }
  const texts: string[] = [];
  const atUs: number[] = [];
  let t = 400_000;
  for (let i = 0; i < words.length;) {
    const n = i % 5 === 0 ? 2 : 1;
    texts.push(`${words.slice(i, i + n).join(' ')} `);
    atUs.push((t += 15_000 + ((i * 7919) % 10_000)));
    i += n;
  }
  return { texts, atUs };
}

async function prepareRunning(
  pg: Client,
  scope: RunScope,
  count: number,
  tag: string,
): Promise<{ id: string; token: string }[]> {
  const ids = await insertQueuedRuns(pg, scope, count, tag);
  const { rows } = await pg.query<{ id: string; token: string }>(
    `UPDATE runs SET status = 'running', attempts = 1, "attemptToken" = gen_random_uuid(), "startedAt" = now()
     WHERE id = ANY($1::uuid[]) RETURNING id, "attemptToken" AS token`,
    [ids],
  );
  await pg.query(
    `INSERT INTO run_attempts (id, "runId", attempt, token, "startedAt")
     SELECT gen_random_uuid(), id, 1, "attemptToken", now() FROM runs WHERE id = ANY($1::uuid[])`,
    [ids],
  );
  return rows;
}

async function pool<T>(items: T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}

async function main(): Promise<void> {
  const load = machineLoad();
  console.log(`machine load at start: ${load.uptime}`);
  const databaseUrl = benchDatabaseUrl('streamrank_bench_ingest');
  const prefix = `srbingest-${Date.now().toString(36)}`;
  await resetBenchDatabase(databaseUrl);
  const env = { ...benchEnv(databaseUrl, prefix), DATABASE_POOL_SIZE: String(POOL) };
  Object.assign(process.env, env);
  const app = await startTestApp({ ...env, ROLE: 'api', SCHEDULER_ENABLED: 'false' });
  const pg = new Client({ connectionString: databaseUrl });
  await pg.connect();
  const copyClients: Client[] = [];
  try {
    const ws = await createWorkspace(app);
    const fx = await createPipelineFixture(app, ws, {
      baseUrl: 'http://127.0.0.1:9/v1',
      brands: [
        { name: 'Acme', kind: 'own' },
        { name: 'Globex' },
        { name: 'Initech' },
        { name: 'Umbrella' },
        { name: 'Hooli' },
      ],
    });
    const scope: RunScope = {
      workspaceId: ws.workspaceId,
      projectId: fx.projectId,
      promptId: fx.promptId,
      engineId: fx.engineId,
    };
    const brands = await app.app.get(BrandRepository).listForProject(fx.projectId);

    // One realistic completed run, through the real detection and analysis.
    const { texts, atUs } = answerChunks();
    const matcher = new IncrementalMatcher(
      brands.map((b) => ({
        id: b.id,
        name: b.name,
        aliases: b.aliases,
        exclusions: b.exclusions,
        domains: b.domains,
      })),
    );
    const found = texts.flatMap((t, i) => matcher.push(t, atUs[i]!));
    found.push(...matcher.end());
    let end = 0;
    const chunkEnds = texts.map((t) => (end += t.length));
    const answerText = texts.join('');
    const analysis = analyzeAnswer(
      { answerText, chunkEnds, chunkArrivalsUs: atUs, ttftUs: atUs[0]! },
      found,
      brands.map((b) => ({ id: b.id, kind: b.kind })),
      { foldTokens: 150, halfLifeMs: 10_000 },
    );
    const requestSentAt = new Date();
    const result: RunResultWrite = {
      answerText,
      reasoningText: null,
      requestSentAt,
      headersUs: 250_000,
      ttftUs: atUs[0]!,
      durationUs: atUs.at(-1)! + 5000,
      chunkArrivalsUs: atUs,
      chunkEnds,
      finishReason: 'stop',
      flags: [],
      responseModel: 'gpt-fake',
      inputTokens: 12,
      outputTokens: analysis.tokenEnds.length,
      ...analysis,
      citations: [],
      estimatedCostUsd: '0.00123400',
    };
    const shape = {
      chunks: texts.length,
      tokens: analysis.tokenEnds.length,
      mentions: analysis.mentions.length,
      scoreRows: analysis.scores.length,
      answerChars: answerText.length,
    };
    console.log(`one run: ${JSON.stringify(shape)}`);

    const ledger = testLedger(app.app);
    for (let i = 0; i < POOL; i++) {
      const c = new Client({ connectionString: databaseUrl });
      await c.connect();
      copyClients.push(c);
    }

    const repoRates: number[] = [];
    const copyRates: number[] = [];
    const viaRepository = async (round: number): Promise<void> => {
      const runs = await prepareRunning(pg, scope, RUNS, `repo${round}`);
      const t0 = performance.now();
      await pool(runs, CONCURRENCY, async (r) => {
        await ledger.saveRunResult(r.id, r.token, result, new Date());
      });
      const rate = RUNS / ((performance.now() - t0) / 1000);
      repoRates.push(rate);
      console.log(`repository saveRunResult, round ${round + 1}: ${RUNS} runs: ${rate.toFixed(0)} runs/s`);
      const { rows } = await pg.query<{ ok: string; results: string; mentions: string; scores: string }>(
        `SELECT count(*) FILTER (WHERE r.status = 'succeeded') AS ok,
           (SELECT count(*) FROM run_results x WHERE x."runId" = ANY($1::uuid[])) AS results,
           (SELECT count(*) FROM mentions x WHERE x."runId" = ANY($1::uuid[])) AS mentions,
           (SELECT count(*) FROM run_brand_scores x WHERE x."runId" = ANY($1::uuid[])) AS scores
         FROM runs r WHERE r.id = ANY($1::uuid[])`,
        [runs.map((r) => r.id)],
      );
      const c = rows[0]!;
      if (
        Number(c.ok) !== RUNS ||
        Number(c.results) !== RUNS ||
        Number(c.mentions) !== RUNS * shape.mentions ||
        Number(c.scores) !== RUNS * shape.scoreRows
      ) {
        throw new Error(`repository path wrote unexpected rows: ${JSON.stringify(c)}`);
      }
    };
    const viaCopy = async (round: number): Promise<void> => {
      const runs = await prepareRunning(pg, scope, RUNS, `copy${round}`);
      const batches: { id: string; token: string }[][] = [];
      for (let i = 0; i < runs.length; i += COPY_BATCH) batches.push(runs.slice(i, i + COPY_BATCH));
      const free = [...copyClients];
      const t0 = performance.now();
      await pool(batches, copyClients.length, async (batch) => {
        const client = free.pop()!;
        try {
          const { mentions, scores, citations: _citations, ...capture } = result;
          await copyRows(
            client,
            'run_results',
            batch.map((r) => ({
              runId: r.id,
              attemptToken: r.token,
              complete: true,
              answerTokens: capture.tokenEnds.length,
              ...capture,
            })),
          );
          await copyRows(
            client,
            'mentions',
            batch.flatMap((r) =>
              mentions.map((m) => ({ id: newId(), ...m, runId: r.id, projectId: scope.projectId })),
            ),
          );
          await copyRows(
            client,
            'run_brand_scores',
            batch.flatMap((r) =>
              scores.map((s) => ({
                ...s,
                runId: r.id,
                projectId: scope.projectId,
                promptId: scope.promptId,
                engineId: scope.engineId,
                observedAt: requestSentAt,
                synthetic: false,
              })),
            ),
          );
        } finally {
          free.push(client);
        }
      });
      const rate = RUNS / ((performance.now() - t0) / 1000);
      copyRates.push(rate);
      console.log(
        `raw COPY (batches of ${COPY_BATCH}), round ${round + 1}: ${RUNS} runs: ${rate.toFixed(0)} runs/s`,
      );
    };
    // Alternating order, so neither side always runs on the warmer (or more crowded) database.
    for (let i = 0; i < ROUNDS; i++) {
      if (i % 2 === 0) {
        await viaRepository(i);
        await viaCopy(i);
      } else {
        await viaCopy(i);
        await viaRepository(i);
      }
    }

    const repo = median(repoRates);
    const copy = median(copyRates);
    const ratio = repo / copy;
    const endLoad = machineLoad();
    console.log(
      `repository ${repo.toFixed(0)} runs/s = ${(ratio * 100).toFixed(1)} % of COPY ${copy.toFixed(0)} runs/s`,
    );
    console.log(`machine load at end: ${endLoad.uptime}`);
    console.log(
      JSON.stringify({
        bench: 'ingest',
        settings: { runs: RUNS, concurrency: CONCURRENCY, pool: POOL, copyBatch: COPY_BATCH, rounds: ROUNDS },
        run: shape,
        load: { start: load.loadavg, end: endLoad.loadavg },
        repositoryRunsPerSec: repoRates.map((r) => round(r, 0)),
        copyRunsPerSec: copyRates.map((r) => round(r, 0)),
        targets: [
          {
            name: 'repository runs/s vs COPY (ratio)',
            target: 0.5,
            measured: round(ratio, 3),
            headroom: round(ratio / 0.5),
          },
          { name: 'repository runs/s', target: 500, measured: round(repo, 0), headroom: round(repo / 500) },
        ],
        target: 0.5,
        measured: round(ratio, 3),
        headroom: round(Math.min(ratio / 0.5, repo / 500)),
      }),
    );
  } finally {
    for (const c of copyClients) await c.end();
    await pg.end();
    await app.close();
    await deleteQueueKeys(prefix);
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
