// The shared harness of the fault scripts (test/faults/*.fault.ts): private Redis and Postgres (see
// private-services.ts), a slow fake OpenAI-compatible provider, the API in-process, worker child processes,
// load generators, settle-and-check with the ledger checker, and a printed summary. Each script only says
// which fault it injects and what it expects beyond the ledger invariants.
import 'reflect-metadata';
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import path from 'node:path';
import { Queue } from 'bullmq';
import { Client } from 'pg';
import { applyMigrations, ensureDatabase } from '../../src/infra/database/migrator';
import { RUNS_QUEUE } from '../../src/infra/queue/queue-names';
import { RunReconciler } from '../../src/scheduling/run-reconciler.service';
import { FakeOpenAiServer, type FakeWrite } from '../fakes/fake-openai-server';
import { openAiChunkEvents, writesOf } from '../fakes/openai-sse-script';
import { checkLedger, type LedgerCheckResult } from '../support/ledger-checker';
import { createPipelineFixture } from '../support/pipeline';
import { createWorkspace, startTestApp, type TestApp, type TestWorkspace } from '../support/test-app';
import { FAULT_BASE_DIR, PrivatePostgres, PrivateRedis, waitFor } from './private-services';

const ROOT = path.resolve(__dirname, '../..');
const started = Date.now();

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
export const rand = (min: number, max: number) => min + Math.random() * (max - min);
export const log = (msg: string) =>
  console.log(`[${((Date.now() - started) / 1000).toFixed(1).padStart(5)}s] ${msg}`);

/**
 * Shared by the in-process API and the worker processes: short locks, deadlines and reconcile periods so
 * that lost work comes back within seconds (answers take at most ~3 s).
 */
const BASE_ENV: Record<string, string> = {
  QUEUE_PREFIX: 'srfault',
  ENCRYPTION_KEY: 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=',
  EGRESS_ALLOW_PRIVATE: 'true',
  NODE_ENV: 'test',
  LOG_LEVEL: 'warn',
  SHUTDOWN_GRACE_MS: '500',
  WORKER_CONCURRENCY: '4',
  RUN_MAX_ATTEMPTS: '3',
  RUN_MAX_RATE_LIMIT_DEFERRALS: '5',
  RUN_BACKOFF_MS: '200',
  RUN_DEADLINE_MS: '10000',
  RECONCILE_RUNNING_MARGIN_MS: '2000',
  RECONCILE_QUEUED_STALE_MS: '8000',
  RECONCILE_INTERVAL_MS: '3000',
  WORKER_LOCK_DURATION_MS: '4000',
  WORKER_STALLED_INTERVAL_MS: '2000',
  CLAIM_INTERVAL_MS: '1000',
  MIN_CRON_INTERVAL_SECONDS: '60',
  DATABASE_POOL_SIZE: '5',
  ENGINE_SLOT_LEASE_MS: '3000',
  ENGINE_THROTTLE_RETRY_MS: '200',
  API_RATE_LIMIT_PER_MINUTE: '0',
};

/** A slow answer: 50-150 content chunks ~20 ms apart (1-3 s), mentioning some brands. */
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

export class WorkerPool {
  private readonly procs: (ChildProcess | null)[] = [];
  private readonly exited: Promise<string>[] = [];
  spawned = 0;

  constructor(
    private readonly env: Record<string, string>,
    private readonly logDir: string,
  ) {}

  start(slot: number): void {
    const env = { ...process.env, ...this.env, ROLE: 'worker', SCHEDULER_ENABLED: 'true' };
    const child = spawn(process.execPath, ['-r', './scripts/swc-register.js', 'src/main.ts'], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out = createWriteStream(path.join(this.logDir, `worker-${slot}-${++this.spawned}.log`));
    child.stdout.pipe(out);
    child.stderr.pipe(out);
    this.procs[slot] = child;
    this.exited[slot] = new Promise((resolve) =>
      child.once('exit', (code, signal) => resolve(signal ? `signal ${signal}` : `code ${code}`)),
    );
  }

  pid(slot: number): number | undefined {
    return this.procs[slot]?.pid;
  }

  /** Sends `signal`; resolves with how the process ended (`code 0`, `signal SIGKILL`...) once it is gone. */
  async signal(slot: number, signal: NodeJS.Signals): Promise<string> {
    const child = this.procs[slot];
    if (child && child.exitCode === null && child.signalCode === null) child.kill(signal);
    const code = await this.exited[slot]!;
    this.procs[slot] = null;
    return code;
  }

  async stopAll(): Promise<void> {
    for (let slot = 0; slot < this.procs.length; slot++) {
      const child = this.procs[slot];
      if (!child || child.exitCode !== null || child.signalCode !== null) continue;
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

export interface FaultOptions {
  workers: number;
  /** Env overrides for the API and the workers. */
  env?: Record<string, string>;
  /** The fake provider's answer to every request (default: 1-3 s, random length). */
  answer?: () => FakeWrite[];
}

export interface LoadSummary {
  projectIds: string[];
  runIds: string[];
  scheduledPromptIds: string[];
}

export class FaultHarness {
  readonly projectIds: string[] = [];
  readonly scheduledPromptIds: string[] = [];
  private queue: Queue | null = null;
  readonly afterSettleHooks: (() => Promise<void>)[] = [];

  private constructor(
    readonly name: string,
    readonly redis: PrivateRedis,
    readonly pg: PrivatePostgres,
    readonly databaseUrl: string,
    readonly env: Record<string, string>,
    readonly fake: FakeOpenAiServer,
    readonly baseUrl: string,
    readonly api: TestApp,
    readonly ws: TestWorkspace,
    readonly pool: WorkerPool,
    /** Where the workers' logs go (one file per process). */
    readonly logDir: string,
  ) {}

  static async start(name: string, options: FaultOptions): Promise<FaultHarness> {
    log(`[${name}] starting private Redis and Postgres under ${FAULT_BASE_DIR}`);
    const redis = await PrivateRedis.start();
    const pg = await PrivatePostgres.start();
    const databaseUrl = pg.url('streamrank_faults');
    await ensureDatabase(databaseUrl);
    await applyMigrations(databaseUrl, path.join(ROOT, 'prisma/migrations'));
    log(`[${name}] redis :${redis.port} (AOF), postgres :${pg.port}, migrated`);
    const env = { ...BASE_ENV, DATABASE_URL: databaseUrl, REDIS_URL: redis.url, ...options.env };
    // Test support helpers (deleteQueueKeys, ledger defaults) read process.env.
    Object.assign(process.env, env);
    const fake = new FakeOpenAiServer();
    const { baseUrl } = await fake.start();
    // Every request (first attempts, retries) gets a slow answer; far more than needed.
    for (let i = 0; i < 1500; i++) fake.enqueue({ writes: (options.answer ?? slowAnswer)() });
    // The API in-process logs only fatal errors: the 503s of a Postgres outage would drown the report.
    const api = await startTestApp({
      ...env,
      ROLE: 'api',
      SCHEDULER_ENABLED: 'false',
      PORT: '0',
      LOG_LEVEL: 'fatal',
    });
    const ws = await createWorkspace(api);
    const logDir = path.join(FAULT_BASE_DIR, 'logs', name);
    mkdirSync(logDir, { recursive: true });
    const pool = new WorkerPool(env, logDir);
    const h = new FaultHarness(name, redis, pg, databaseUrl, env, fake, baseUrl, api, ws, pool, logDir);
    // Workers boot (slowly, on a small machine) while the script creates its load; it calls workersUp()
    // before injecting its fault.
    for (let slot = 0; slot < options.workers; slot++) pool.start(slot);
    log(`[${name}] ${options.workers} workers starting (logs in ${logDir})`);
    return h;
  }

  /** Registers a check to run once the ledger has settled (before the verdict). */
  afterSettle(hook: () => Promise<void>): void {
    this.afterSettleHooks.push(hook);
  }

  /** One statement on a fresh connection (survives Postgres restarts between calls). */
  async sql<T extends object>(query: string, params: unknown[] = []): Promise<T[]> {
    const client = new Client({ connectionString: this.databaseUrl, connectionTimeoutMillis: 3000 });
    await client.connect();
    try {
      return (await client.query<T>(query, params)).rows;
    } finally {
      await client.end();
    }
  }

  async countByStatus(): Promise<Record<string, number>> {
    const rows = await this.sql<{ status: string; n: string }>(
      `SELECT status, count(*) AS n FROM runs GROUP BY status`,
    );
    return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
  }

  private runsQueue(): Queue {
    if (!this.queue) {
      this.queue = new Queue(RUNS_QUEUE, {
        connection: { url: this.redis.url, maxRetriesPerRequest: null },
        prefix: this.env.QUEUE_PREFIX!,
      });
      // Connection errors while a script has Redis down are expected; the probe just retries.
      this.queue.on('error', () => undefined);
    }
    return this.queue;
  }

  /** Waits until every worker of the pool is connected and consuming. */
  async workersUp(): Promise<void> {
    await this.waitForWorkers(this.pool.size);
    log(`[${this.name}] ${this.pool.size} workers up`);
  }

  /** Polls BullMQ's worker registry (CLIENT LIST) until `n` run workers are connected. */
  async waitForWorkers(n: number, timeoutMs = 60_000): Promise<void> {
    await waitFor(
      `${n} connected workers`,
      async () => (await this.runsQueue().getWorkersCount()) >= n,
      timeoutMs,
    );
  }

  /**
   * Manual runs: `prompts` prompts × 2 engines × `samples` samples; `maxConcurrency` limits each engine
   * (so faults also hit workers holding engine slots).
   */
  async manualLoad(prompts: number, samples: number, maxConcurrency?: number): Promise<string[]> {
    const runIds: string[] = [];
    for (let i = 0; i < prompts; i++) {
      const fx = await createPipelineFixture(this.api, this.ws, {
        baseUrl: this.baseUrl,
        brands: [{ name: 'Acme', kind: 'own' }, { name: 'Globex' }, { name: 'Initech' }],
        extraEngines: 1,
      });
      this.projectIds.push(fx.projectId);
      for (const engineId of maxConcurrency === undefined ? [] : fx.engineIds) {
        const patched = await this.api
          .http()
          .patch(`/v1/engines/${engineId}`)
          .set(this.ws.auth())
          .send({ maxConcurrency });
        if (patched.status !== 200) throw new Error(`engine limit: HTTP ${patched.status}`);
      }
      const res = await this.api
        .http()
        .post(`/v1/prompts/${fx.promptId}/run`)
        .set(this.ws.auth())
        .send({ samples });
      if (res.status !== 202) throw new Error(`run now: HTTP ${res.status} ${JSON.stringify(res.body)}`);
      runIds.push(...(res.body.runIds as string[]));
    }
    return runIds;
  }

  /**
   * Scheduled prompts (every minute, 2 engines × `samples`), each with its last `dueSlots` slots already due,
   * for the workers' claimers to race over.
   */
  async scheduledLoad(prompts: number, samples: number, dueSlots: number): Promise<void> {
    const minute = 60_000;
    for (let i = 0; i < prompts; i++) {
      const fx = await createPipelineFixture(this.api, this.ws, {
        baseUrl: this.baseUrl,
        brands: [{ name: 'Acme', kind: 'own' }, { name: 'Globex' }],
        cron: '* * * * *',
        samplesPerSlot: samples,
        extraEngines: 1,
      });
      this.projectIds.push(fx.projectId);
      this.scheduledPromptIds.push(fx.promptId);
      await this.sql(`UPDATE tracked_prompts SET "nextSlotAt" = $2 WHERE id = $1`, [
        fx.promptId,
        new Date(Math.floor(Date.now() / minute) * minute - (dueSlots - 1) * minute),
      ]);
    }
    // The faults are injected once the claimers have raced over the due slots (a new minute may add more).
    const expected = prompts * 2 * samples * dueSlots;
    await this.workersUp(); // the claimers run in the workers
    await waitFor(
      `${expected} scheduled runs claimed`,
      async () => {
        const [row] = await this.sql<{ n: string }>(
          `SELECT count(*) AS n FROM runs WHERE trigger = 'schedule' AND "promptId" = ANY($1::uuid[])`,
          [this.scheduledPromptIds],
        );
        return Number(row!.n) >= expected;
      },
      60_000,
    );
  }

  /** Stops new scheduled slots so the ledger can settle; what was claimed must still finish. */
  async stopSchedules(): Promise<void> {
    if (this.scheduledPromptIds.length === 0) return;
    await this.sql(
      `UPDATE tracked_prompts SET active = false, "nextSlotAt" = NULL WHERE id = ANY($1::uuid[])`,
      [this.scheduledPromptIds],
    );
  }

  /**
   * Waits (polling) until every run is terminal or `settleMs` passes, runs the reconciler once more, then the
   * ledger checker; prints the summary. Returns the ledger result.
   */
  async settleAndCheck(settleMs = 90_000): Promise<LedgerCheckResult> {
    await this.stopSchedules();
    log(`[${this.name}] waiting for the ledger to settle (at most ${settleMs / 1000} s)`);
    const deadline = Date.now() + settleMs;
    for (;;) {
      const rows = await this.sql<{ n: string }>(
        `SELECT count(*) AS n FROM runs WHERE status NOT IN ('succeeded','failed','skipped')`,
      ).catch(() => [{ n: '-1' }]);
      const pending = Number(rows[0]!.n);
      if (pending === 0 || Date.now() > deadline) {
        log(`[${this.name}] settled: ${pending} non-terminal runs left`);
        break;
      }
      await sleep(500);
    }
    const report = await this.api.app.get(RunReconciler).reconcile();
    log(`[${this.name}] final reconcile: ${JSON.stringify(report)}`);
    const result = await checkLedger(this.databaseUrl, {
      projectIds: this.projectIds,
      settleDeadline: Date.now() + 20_000, // runs the reconciler just re-queued get time to finish
      maxProviderCalls: Number(this.env.RUN_MAX_ATTEMPTS) + Number(this.env.RUN_MAX_RATE_LIMIT_DEFERRALS),
    });
    const reasons = await this.sql<{ reason: string; n: string }>(
      `SELECT concat(coalesce(outcome, 'open'), '/', coalesce("reasonCode", '-')) AS reason, count(*) AS n
       FROM run_attempts GROUP BY 1 ORDER BY 2 DESC`,
    );
    const fails = await this.sql<{ reason: string; n: string }>(
      `SELECT "failureReason" AS reason, count(*) AS n FROM runs WHERE status = 'failed' GROUP BY 1`,
    );
    console.log(`\n=== ${this.name}: what it found ===`);
    console.log(`runs: ${JSON.stringify(result.counts.byStatus)} (total ${result.counts.runs})`);
    console.log(
      `attempts: ${result.counts.attempts}; runs retried: ${result.counts.runsWithRetries}; max attempts/run: ${result.counts.maxAttemptsPerRun}`,
    );
    console.log(`attempt outcomes: ${reasons.map((r) => `${r.reason}=${r.n}`).join(', ')}`);
    if (fails.length) console.log(`failed runs: ${fails.map((r) => `${r.reason}=${r.n}`).join(', ')}`);
    console.log(
      `results: ${result.counts.results}; score rows: ${result.counts.scoreRows}; scheduled slots checked: ${result.counts.scheduledSlotsChecked}`,
    );
    console.log(`provider requests served by the fake: ${this.fake.requests.length}`);
    console.log(
      result.ok
        ? 'ledger checker: ok (no violations)'
        : `ledger checker: ${result.violations.length} violation(s)\n  - ${result.violations.join('\n  - ')}`,
    );
    return result;
  }

  async stop(): Promise<void> {
    await this.pool.stopAll();
    await this.queue?.close().catch(() => undefined);
    await this.api.close().catch(() => undefined);
    await this.fake.stop();
    await this.redis.stop();
    await this.pg.stop();
  }
}

/**
 * Runs one fault script: `body` injects the fault and returns extra violations of its own (beyond the
 * ledger's). Exit code 0 when there are none and the ledger checker passes, 1 otherwise, 2 on a crash.
 */
export function runFault(
  name: string,
  options: FaultOptions,
  body: (h: FaultHarness) => Promise<string[]>,
  settleMs?: number,
): void {
  const main = async (): Promise<number> => {
    const h = await FaultHarness.start(name, options);
    try {
      const own = await body(h);
      const ledger = await h.settleAndCheck(settleMs);
      for (const hook of h.afterSettleHooks) await hook();
      if (own.length > 0) console.log(`${name} violations:\n  - ${own.join('\n  - ')}`);
      const ok = ledger.ok && own.length === 0;
      log(`[${name}] ${ok ? 'PASS' : 'FAIL'}`);
      return ok ? 0 : 1;
    } finally {
      await h.stop();
    }
  };
  main().then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(`${name} fault test crashed:`, err);
      process.exit(2);
    },
  );
}
