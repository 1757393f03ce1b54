// Fault test: kill -9 workers mid-stream, repeatedly, then check that nothing was lost and nothing done twice.
//
//   npm run test:faults        (not part of `npm test`; needs Postgres and Redis like the e2e specs)
//
// Starts the API in-process (ROLE=api, scheduler off) and WORKERS worker child processes (ROLE=worker, scheduler
// and reconciler on, short BullMQ lock so stalled jobs come back fast) against a dedicated database
// `streamrank_faults` (recreated and migrated on every run) and a unique queue prefix. A fake OpenAI-compatible
// server streams every answer slowly (~50 tokens/s, 1-3 s). It asks for RUNS manual runs plus a scheduled prompt
// with a few due slots, SIGKILLs a random worker at random moments KILLS times (restarting it each time), waits
// for the ledger to settle, calls the reconciler once more, and runs the ledger checker. Exit code 1 on any
// violation.
import 'reflect-metadata';
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { applyMigrations, ensureDatabase, withDatabase } from '../../src/infra/database/migrator';
import { RunReconciler } from '../../src/scheduling/run-reconciler.service';
import { FakeOpenAiServer } from '../fakes/fake-openai-server';
import { openAiChunkEvents, writesOf } from '../fakes/openai-sse-script';
import { checkLedger } from '../support/ledger-checker';
import { createPipelineFixture, deleteQueueKeys } from '../support/pipeline';
import { createWorkspace, startTestApp } from '../support/test-app';

const ROOT = path.resolve(__dirname, '../..');
const WORKERS = 2;
const KILLS = Number(process.env.FAULT_KILLS || 6);
const SAMPLES = 10;
const MANUAL_PROMPTS = 3; // × 2 engines × SAMPLES = 60 manual runs
const SETTLE_MS = 90_000;

const BASE_DB = process.env.DATABASE_URL || 'postgresql://postgres@127.0.0.1:5432/streamrank';
const DATABASE_URL = withDatabase(BASE_DB, 'streamrank_faults');
const REDIS_URL = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
const QUEUE_PREFIX = `srfault-${Date.now().toString(36)}`;

/** Shared by the in-process API and the worker processes. */
const ENV: Record<string, string> = {
  DATABASE_URL,
  REDIS_URL,
  QUEUE_PREFIX,
  ENCRYPTION_KEY: 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=',
  EGRESS_ALLOW_PRIVATE: 'true',
  NODE_ENV: 'test',
  LOG_LEVEL: 'warn',
  SHUTDOWN_GRACE_MS: '500',
  WORKER_CONCURRENCY: '4',
  RUN_MAX_ATTEMPTS: '3',
  RUN_MAX_RATE_LIMIT_DEFERRALS: '5',
  RUN_BACKOFF_MS: '200',
  // Answers take at most ~3 s: a run still `running` 12 s after its last attempt started has lost its worker.
  RUN_DEADLINE_MS: '10000',
  RECONCILE_RUNNING_MARGIN_MS: '2000',
  RECONCILE_QUEUED_STALE_MS: '10000',
  RECONCILE_INTERVAL_MS: '4000',
  WORKER_LOCK_DURATION_MS: '4000',
  WORKER_STALLED_INTERVAL_MS: '2000',
  CLAIM_INTERVAL_MS: '1000',
  MIN_CRON_INTERVAL_SECONDS: '60',
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const rand = (min: number, max: number) => min + Math.random() * (max - min);
const started = Date.now();
const log = (msg: string) =>
  console.log(`[${((Date.now() - started) / 1000).toFixed(1).padStart(5)}s] ${msg}`);

async function resetDatabase(): Promise<void> {
  await ensureDatabase(DATABASE_URL);
  const client = new Client({ connectionString: DATABASE_URL });
  await client.connect();
  try {
    await client.query('DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public;');
  } finally {
    await client.end();
  }
  await applyMigrations(DATABASE_URL, path.join(ROOT, 'prisma/migrations'));
}

/** A slow answer: 50-150 content chunks ~20 ms apart, mentioning some brands. */
function slowAnswer(): ReturnType<typeof writesOf> {
  const words = Math.round(rand(50, 150));
  const vocab = [
    'Acme ',
    'is ',
    'a ',
    'solid ',
    'choice; ',
    'Globex ',
    'and ',
    'Initech ',
    'also ',
    'exist. ',
  ];
  const parts = Array.from({ length: words }, (_, i) => vocab[(i * 7 + words) % vocab.length]!);
  return writesOf(openAiChunkEvents(parts), 20);
}

class WorkerPool {
  private readonly procs: (ChildProcess | null)[] = [];
  private readonly exited: Promise<void>[] = [];
  spawned = 0;

  constructor(private readonly logDir: string) {}

  start(slot: number): void {
    const env = { ...process.env, ...ENV, ROLE: 'worker', SCHEDULER_ENABLED: 'true' };
    const child = spawn(process.execPath, ['-r', './scripts/swc-register.js', 'src/main.ts'], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out = createWriteStream(path.join(this.logDir, `worker-${slot}-${++this.spawned}.log`));
    child.stdout.pipe(out);
    child.stderr.pipe(out);
    this.procs[slot] = child;
    this.exited[slot] = new Promise((resolve) => child.once('exit', () => resolve()));
  }

  async kill(slot: number): Promise<number | undefined> {
    const child = this.procs[slot];
    const pid = child?.pid;
    if (child && child.exitCode === null) child.kill('SIGKILL');
    await this.exited[slot];
    this.procs[slot] = null;
    return pid;
  }

  async stopAll(): Promise<void> {
    for (let slot = 0; slot < this.procs.length; slot++) {
      const child = this.procs[slot];
      if (!child || child.exitCode !== null) continue;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await this.exited[slot];
      clearTimeout(timer);
    }
  }

  get size(): number {
    return this.procs.length;
  }
}

async function main(): Promise<number> {
  log(`database ${new URL(DATABASE_URL).pathname.slice(1)}, queue prefix ${QUEUE_PREFIX}`);
  await resetDatabase();
  Object.assign(process.env, ENV);

  const fake = new FakeOpenAiServer();
  const { baseUrl } = await fake.start();
  // Every request (first attempts, retries after kills) gets a slow answer; far more than needed.
  for (let i = 0; i < 600; i++) fake.enqueue({ writes: slowAnswer() });

  const api = await startTestApp({ ...ENV, ROLE: 'api', SCHEDULER_ENABLED: 'false', PORT: '0' });
  const logDir = await mkdtemp(path.join(tmpdir(), 'streamrank-faults-'));
  const pool = new WorkerPool(logDir);
  const pg = new Client({ connectionString: DATABASE_URL });
  await pg.connect();
  let exitCode = 1;
  try {
    const ws = await createWorkspace(api);
    const projectIds: string[] = [];
    const runIds: string[] = [];
    for (let i = 0; i < MANUAL_PROMPTS; i++) {
      const fx = await createPipelineFixture(api, ws, {
        baseUrl,
        brands: [{ name: 'Acme', kind: 'own' }, { name: 'Globex' }, { name: 'Initech' }],
        extraEngines: 1,
      });
      projectIds.push(fx.projectId);
      const res = await api
        .http()
        .post(`/v1/prompts/${fx.promptId}/run`)
        .set(ws.auth())
        .send({ samples: SAMPLES });
      if (res.status !== 202) throw new Error(`run now: HTTP ${res.status} ${JSON.stringify(res.body)}`);
      runIds.push(...(res.body.runIds as string[]));
    }
    // A scheduled prompt, every minute, with its last 3 slots already due: claimed by the workers' claimers.
    const scheduled = await createPipelineFixture(api, ws, {
      baseUrl,
      brands: [{ name: 'Acme', kind: 'own' }, { name: 'Globex' }],
      cron: '* * * * *',
      samplesPerSlot: 2,
    });
    projectIds.push(scheduled.projectId);
    const minute = 60_000;
    await pg.query(`UPDATE tracked_prompts SET "nextSlotAt" = $2 WHERE id = $1`, [
      scheduled.promptId,
      new Date(Math.floor(Date.now() / minute) * minute - 2 * minute),
    ]);
    log(`${runIds.length} manual runs queued; 1 scheduled prompt (every minute, 2 samples, 3 slots due)`);

    for (let slot = 0; slot < WORKERS; slot++) pool.start(slot);
    log(`${WORKERS} workers started (logs in ${logDir})`);

    const kills: { atS: number; slot: number; pid?: number; runningAtKill: number }[] = [];
    await sleep(rand(4000, 6000)); // worker boot
    for (let k = 0; k < KILLS; k++) {
      await sleep(rand(1500, 5000));
      const slot = Math.floor(Math.random() * pool.size);
      const { rows } = await pg.query<{ n: string }>(
        `SELECT count(*) AS n FROM runs WHERE status = 'running'`,
      );
      const pid = await pool.kill(slot);
      const entry = {
        atS: (Date.now() - started) / 1000,
        slot,
        runningAtKill: Number(rows[0]!.n),
        ...(pid === undefined ? {} : { pid }),
      };
      kills.push(entry);
      log(`kill -9 worker ${slot} (pid ${pid}); ${entry.runningAtKill} runs in status running`);
      await sleep(rand(300, 1500));
      pool.start(slot);
    }

    // Stop new scheduled slots so the ledger can settle; what was claimed must still finish.
    await pg.query(`UPDATE tracked_prompts SET active = false, "nextSlotAt" = NULL WHERE id = $1`, [
      scheduled.promptId,
    ]);
    log('kills done; scheduled prompt deactivated; waiting for the ledger to settle');

    const reconciler = api.app.get(RunReconciler);
    const deadline = Date.now() + SETTLE_MS;
    for (;;) {
      const { rows } = await pg.query<{ n: string }>(
        `SELECT count(*) AS n FROM runs WHERE status NOT IN ('succeeded','failed','skipped')`,
      );
      const pending = Number(rows[0]!.n);
      if (pending === 0 || Date.now() > deadline) {
        log(`settled: ${pending} non-terminal runs left`);
        break;
      }
      await sleep(2000);
    }
    const report = await reconciler.reconcile();
    log(`final reconcile: ${JSON.stringify(report)}`);
    const result = await checkLedger(DATABASE_URL, {
      projectIds,
      // Runs the reconciler just re-queued get time to finish.
      settleDeadline: Date.now() + 20_000,
      maxProviderCalls: Number(ENV.RUN_MAX_ATTEMPTS) + Number(ENV.RUN_MAX_RATE_LIMIT_DEFERRALS),
    });
    const { rows: reasons } = await pg.query<{ reason: string; n: string }>(
      `SELECT concat(coalesce(outcome, 'open'), '/', coalesce("reasonCode", '-')) AS reason, count(*) AS n
       FROM run_attempts GROUP BY 1 ORDER BY 2 DESC`,
    );
    const { rows: fails } = await pg.query<{ reason: string; n: string }>(
      `SELECT "failureReason" AS reason, count(*) AS n FROM runs WHERE status = 'failed' GROUP BY 1`,
    );

    console.log('\n=== kill-worker fault summary ===');
    console.log(`kills: ${kills.length} (SIGKILL), worker processes spawned: ${pool.spawned}`);
    for (const k of kills)
      console.log(`  at ${k.atS.toFixed(1)}s worker ${k.slot} pid ${k.pid}, ${k.runningAtKill} running`);
    console.log(`runs: ${JSON.stringify(result.counts.byStatus)} (total ${result.counts.runs})`);
    console.log(
      `attempts: ${result.counts.attempts}; runs retried: ${result.counts.runsWithRetries}; max attempts/run: ${result.counts.maxAttemptsPerRun}`,
    );
    console.log(`attempt outcomes: ${reasons.map((r) => `${r.reason}=${r.n}`).join(', ')}`);
    if (fails.length) console.log(`failed runs: ${fails.map((r) => `${r.reason}=${r.n}`).join(', ')}`);
    console.log(
      `results: ${result.counts.results}; score rows: ${result.counts.scoreRows}; scheduled slots checked: ${result.counts.scheduledSlotsChecked}`,
    );
    console.log(`provider requests served by the fake: ${fake.requests.length}`);
    if (result.ok) {
      console.log('violations: none');
      exitCode = 0;
    } else {
      console.log(`violations (${result.violations.length}):`);
      for (const v of result.violations) console.log(`  - ${v}`);
    }
  } finally {
    await pool.stopAll();
    await pg.end();
    await api.close();
    await fake.stop();
    await deleteQueueKeys(QUEUE_PREFIX);
  }
  log(`done in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  return exitCode;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error('kill-worker fault test crashed:', err);
    process.exit(2);
  },
);
