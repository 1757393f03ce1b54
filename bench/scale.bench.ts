/**
 * Scaling out: 1, 2 and 3 worker processes, and the slot claimer (`npm run bench:scale`).
 *
 * Workers: for W in SCALE_WORKERS (default 1,2,3), W worker processes (`src/main.ts`, ROLE=worker, scheduler
 * off, WORKER_CONCURRENCY=SCALE_CONCURRENCY each) are started and, once all W are connected to the queue,
 * SCALE_RUNS (default 1,000) queued runs are enqueued. The fake provider (child process) answers at once
 * (~300 tokens written in one go, "fast" mode), so the figure is the pipeline's own cost: claim the job, start
 * the attempt, stream and capture, detect, score, persist. Throughput = runs / (enqueue to the last run
 * terminal); the ratio is against W=1 measured in the same run. Then the ledger checker (test/support)
 * audits every run: terminal, at most one result, attempts consistent, no duplicate provider work; and the
 * fake's request count is compared with the run count.
 *
 * Claimer: CLAIM_PROMPTS (default 1,000) tracked prompts x 10 samples per slot, each with one slot due now:
 * 10,000 runs. SlotClaimer.claimAll() claims them (CLAIM_BATCH_SIZE prompts per transaction) and enqueues
 * them; the figure is runs inserted and enqueued per second, checked against the database and the queue.
 * (WORKSPACE_MAX_RUNS_PER_DAY is raised for the bench: the default 5,000 would rightly skip half of them.)
 *
 * Ends with one JSON line: `target` is zero duplicates, `measured` the violations found.
 */
import 'reflect-metadata';
import { spawn, type ChildProcess } from 'node:child_process';
import { cpus } from 'node:os';
import { Client } from 'pg';
import { SlotClaimRepository } from '../src/scheduling/slot-claim.repository';
import { SlotClaimer } from '../src/scheduling/slot-claimer.service';
import { checkLedger } from '../test/support/ledger-checker';
import { deleteQueueKeys } from '../test/support/pipeline';
import { startTestApp } from '../test/support/test-app';
import {
  benchDatabaseUrl,
  benchEnv,
  benchScope,
  insertQueuedRuns,
  machineLoad,
  resetBenchDatabase,
  ROOT,
  round,
  sleep,
  startLoadProvider,
} from './support/bench-env';

const WORKERS = (process.env.SCALE_WORKERS ?? '1,2,3').split(',').map(Number);
const RUNS = Number(process.env.SCALE_RUNS ?? 1000);
const CONCURRENCY = Number(process.env.SCALE_CONCURRENCY ?? 32);
const CLAIM_PROMPTS = Number(process.env.CLAIM_PROMPTS ?? 1000);
const CLAIM_SAMPLES = 10;
const log = (msg: string): void => console.log(msg);

async function main(): Promise<void> {
  const load = machineLoad();
  log(`machine load at start: ${load.uptime}`);
  const databaseUrl = benchDatabaseUrl('streamrank_bench_scale');
  const prefix = `srbscale-${Date.now().toString(36)}`;
  await resetBenchDatabase(databaseUrl);
  // Daily run budgets stay on (the claimer's budget check is part of what is measured) but far above the
  // ~13,000 runs this bench creates in one workspace.
  const env = { ...benchEnv(databaseUrl, prefix), WORKSPACE_MAX_RUNS_PER_DAY: '1000000' };
  Object.assign(process.env, env);
  const provider = await startLoadProvider({
    LOAD_RATE: '0',
    LOAD_MIN_TOKENS: '250',
    LOAD_MAX_TOKENS: '350',
  });
  const app = await startTestApp({ ...env, ROLE: 'api', SCHEDULER_ENABLED: 'false' });
  const pg = new Client({ connectionString: databaseUrl });
  await pg.connect();
  const children: ChildProcess[] = [];
  const levels: {
    workers: number;
    runsPerSec: number;
    seconds: number;
    ratioVsOne: number;
    byStatus: Record<string, number>;
    providerRequests: number;
    violations: string[];
  }[] = [];
  let claimer: Record<string, unknown>;
  try {
    const { ws, fx, scope, runQueue, queue } = await benchScope(app, provider.baseUrl);

    for (const w of WORKERS) {
      for (let i = 0; i < w; i++) children.push(startWorker(env));
      const bootDeadline = Date.now() + 120_000;
      while ((await queue.getWorkersCount()) < w) {
        if (Date.now() > bootDeadline) {
          throw new Error(`only ${await queue.getWorkersCount()} of ${w} workers connected`);
        }
        await sleep(250);
      }
      const ids = await insertQueuedRuns(pg, scope, RUNS, `w${w}`);
      await provider.collect();
      const requestsBefore = provider.streams.size;
      const t0 = performance.now();
      await runQueue.enqueue(ids);
      const deadline = Date.now() + 600_000;
      for (;;) {
        const { rows } = await pg.query<{ n: string }>(
          `SELECT count(*) AS n FROM runs WHERE id = ANY($1::uuid[]) AND status IN ('succeeded', 'failed', 'skipped')`,
          [ids],
        );
        if (Number(rows[0]!.n) === RUNS || Date.now() > deadline) break;
        await sleep(100);
      }
      const seconds = (performance.now() - t0) / 1000;
      await Promise.all(children.splice(0).map(stopWorker));
      await sleep(300);
      const { rows: statusRows } = await pg.query<{ status: string; n: string }>(
        `SELECT status, count(*) AS n FROM runs WHERE id = ANY($1::uuid[]) GROUP BY status`,
        [ids],
      );
      const byStatus = Object.fromEntries(statusRows.map((r) => [r.status, Number(r.n)]));
      await provider.collect();
      const providerRequests = provider.streams.size - requestsBefore;
      const check = await checkLedger(databaseUrl, { projectIds: [fx.projectId] });
      const violations = [...check.violations];
      if (providerRequests !== RUNS) {
        violations.push(`${providerRequests} provider requests for ${RUNS} runs`);
      }
      if ((byStatus.succeeded ?? 0) !== RUNS) {
        violations.push(`not all runs succeeded: ${JSON.stringify(byStatus)}`);
      }
      const runsPerSec = RUNS / seconds;
      const one = levels[0]?.runsPerSec ?? runsPerSec;
      levels.push({
        workers: w,
        runsPerSec: round(runsPerSec, 1),
        seconds: round(seconds, 2),
        ratioVsOne: round(runsPerSec / one, 2),
        byStatus,
        providerRequests,
        violations,
      });
      log(
        `${w} worker process(es): ${RUNS} runs in ${seconds.toFixed(2)} s = ${runsPerSec.toFixed(1)} runs/s ` +
          `(x${(runsPerSec / one).toFixed(2)} vs 1); ${JSON.stringify(byStatus)}; provider requests ${providerRequests}; ` +
          `violations: ${violations.length === 0 ? 'none' : violations.join(' | ')}`,
      );
    }

    // ---- claimer ----
    await queue.obliterate({ force: true });
    const { rows: prompts } = await pg.query<{ id: string }>(
      `INSERT INTO tracked_prompts (id, "workspaceId", "projectId", text, tags, cron, timezone, "samplesPerSlot", active,
         "nextSlotAt", "updatedAt")
       SELECT gen_random_uuid(), $1, $2, 'bench prompt ' || g, '{}', '0 0 1 1 *', 'UTC', $3, true, now() - interval '1 second', now()
       FROM generate_series(1, $4::int) g RETURNING id`,
      [ws.workspaceId, fx.projectId, CLAIM_SAMPLES, CLAIM_PROMPTS],
    );
    await pg.query(`INSERT INTO prompt_engines ("promptId", "engineId") SELECT unnest($1::uuid[]), $2`, [
      prompts.map((p) => p.id),
      fx.engineId,
    ]);
    const expected = CLAIM_PROMPTS * CLAIM_SAMPLES;
    // The claimer swallows a failed pass (it retries on its next tick); surface why here.
    const claimErrors: string[] = [];
    const ledger = app.app.get(SlotClaimRepository);
    const claim = ledger.claimDueSlots.bind(ledger);
    ledger.claimDueSlots = (...args) =>
      claim(...args).catch((e: unknown) => {
        claimErrors.push(e instanceof Error ? e.message : String(e));
        throw e;
      });
    const t0 = performance.now();
    const enqueued = await app.app.get(SlotClaimer).claimAll();
    const seconds = (performance.now() - t0) / 1000;
    const { rows: inserted } = await pg.query<{ n: string }>(
      `SELECT count(*) AS n FROM runs WHERE trigger = 'schedule' AND status = 'queued'`,
    );
    const counts = await queue.getJobCounts('waiting', 'prioritized', 'delayed');
    const jobs = (counts.waiting ?? 0) + (counts.prioritized ?? 0) + (counts.delayed ?? 0);
    claimer = {
      runs: expected,
      enqueued,
      insertedQueued: Number(inserted[0]!.n),
      jobsInQueue: jobs,
      seconds: round(seconds, 2),
      runsPerSec: round(expected / seconds, 0),
      batchSize: app.config.CLAIM_BATCH_SIZE,
      errors: claimErrors,
    };
    log(
      `claimer: ${expected} due runs (${CLAIM_PROMPTS} prompts x ${CLAIM_SAMPLES} samples) claimed and enqueued in ` +
        `${seconds.toFixed(2)} s = ${(expected / seconds).toFixed(0)} runs/s; enqueued ${enqueued}, ` +
        `queued in db ${inserted[0]!.n}, jobs in queue ${jobs}`,
    );
    if (enqueued !== expected || Number(inserted[0]!.n) !== expected || jobs !== expected) {
      throw new Error(`claimer lost or duplicated runs: ${JSON.stringify(claimer)}`);
    }
    await queue.obliterate({ force: true });
  } finally {
    await Promise.all(children.map(stopWorker));
    await pg.end();
    await app.close();
    await provider.stop();
    await deleteQueueKeys(prefix);
  }
  const endLoad = machineLoad();
  log(`machine load at end: ${endLoad.uptime}`);
  const violations = levels.reduce((n, l) => n + l.violations.length, 0);
  console.log(
    JSON.stringify({
      bench: 'scale',
      settings: { runs: RUNS, concurrencyPerWorker: CONCURRENCY, cpus: cpus().length },
      load: { start: load.loadavg, end: endLoad.loadavg },
      workers: levels,
      claimer,
      target: 0,
      measured: violations,
      headroom: violations === 0 ? 1 : 0,
    }),
  );
  if (violations > 0) process.exitCode = 1;
}

function startWorker(env: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, ['-r', './scripts/swc-register.js', 'src/main.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      ...env,
      ROLE: 'worker',
      SCHEDULER_ENABLED: 'false',
      WORKER_CONCURRENCY: String(CONCURRENCY),
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return child;
}

async function stopWorker(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}

main().then(
  () => process.exit(process.exitCode ?? 0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
