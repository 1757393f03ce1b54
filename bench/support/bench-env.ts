// Shared plumbing for the load, ingest and scale benchmarks: a dedicated database, the fake provider child
// process, bulk run insertion and small statistics helpers.
import { fork, type ChildProcess } from 'node:child_process';
import { execSync } from 'node:child_process';
import { loadavg } from 'node:os';
import path from 'node:path';
import { getQueueToken } from '@nestjs/bullmq';
import { type Queue } from 'bullmq';
import { Client } from 'pg';
import { RUNS_QUEUE } from '../../src/infra/queue/queue-names';
import { RunQueue } from '../../src/runs/execution/run-queue.service';
import { createPipelineFixture } from '../../test/support/pipeline';
import { createWorkspace, type TestApp } from '../../test/support/test-app';
import { withDatabase } from '../../src/infra/database/database-url';
import { applyMigrations, ensureDatabase } from '../../src/infra/database/migrator';

export const ROOT = path.resolve(__dirname, '../..');
export const REDIS_URL = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
const BASE_DB = process.env.DATABASE_URL || 'postgresql://postgres@127.0.0.1:5432/streamrank';

/** The URL of a dedicated bench database (recreated by `resetBenchDatabase`). */
export function benchDatabaseUrl(name: string): string {
  return withDatabase(BASE_DB, name);
}

export async function resetBenchDatabase(url: string): Promise<void> {
  await ensureDatabase(url);
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public;');
  } finally {
    await client.end();
  }
  await applyMigrations(url, path.join(ROOT, 'prisma/migrations'));
}

/** Environment shared by the in-process app and worker children of a bench. */
export function benchEnv(databaseUrl: string, queuePrefix: string): Record<string, string> {
  return {
    DATABASE_URL: databaseUrl,
    REDIS_URL,
    QUEUE_PREFIX: queuePrefix,
    ENCRYPTION_KEY: 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=',
    EGRESS_ALLOW_PRIVATE: 'true',
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    SHUTDOWN_GRACE_MS: '2000',
    RUN_BACKOFF_MS: '200',
    MIN_CRON_INTERVAL_SECONDS: '60',
  };
}

export interface LoadProvider {
  baseUrl: string;
  port: number;
  /**
   * Write time of each content event per stream id, in ms on process.hrtime (a Float64Array: the bench shares
   * the measured worker's heap). Filled by collect(), not as streams end: the fake holds them until asked, so
   * the process being measured receives nothing from it while it is measured.
   */
  streams: Map<number, Float64Array>;
  /** When each stream's request reached the fake (ms on process.hrtime), filled by collect() too. */
  requests: Map<number, number>;
  /** Fetches the write times of every stream that ended since the last call into `streams`. */
  collect: () => Promise<void>;
  /** `SCHED_FIFO <n>` when LOAD_PROVIDER_RT was granted, else null (it runs at LOAD_PROVIDER_NICE). */
  realtime: string | null;
  /** The fake's process id (its CPU is reported next to the worker's). */
  pid: number | undefined;
  stop: () => Promise<void>;
}

type ProviderMessage =
  | { type: 'ready'; port: number; realtime: string | null }
  | { type: 'streams'; streams: [id: number, writeMs: Float64Array, requestMs: number][] };

/** Forks bench/support/load-provider.ts with the given LOAD_* settings and waits until it listens. */
export async function startLoadProvider(env: Record<string, string> = {}): Promise<LoadProvider> {
  const child: ChildProcess = fork(path.join(__dirname, 'load-provider.ts'), [], {
    cwd: ROOT,
    execArgv: ['-r', './scripts/swc-register.js'],
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    // Structured clone: the write times come back as Float64Arrays, not JSON.
    serialization: 'advanced',
  });
  const streams = new Map<number, Float64Array>();
  const requests = new Map<number, number>();
  let collected: (() => void) | null = null;
  const { port, realtime } = await new Promise<{ port: number; realtime: string | null }>(
    (resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`load provider exited (${code})`)));
      child.on('message', (m: ProviderMessage) => {
        if (m.type === 'ready') resolve(m);
        else {
          for (const [id, writeMs, requestMs] of m.streams) {
            streams.set(id, writeMs);
            requests.set(id, requestMs);
          }
          collected?.();
        }
      });
    },
  );
  child.removeAllListeners('exit');
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    port,
    realtime,
    streams,
    requests,
    collect: () =>
      new Promise<void>((resolve, reject) => {
        // A fake that died (or dies before answering) fails the collection rather than leaving it pending.
        const gone = (code: number | null): void => {
          collected = null;
          reject(new Error(`load provider exited (${code}) before returning its write times`));
        };
        if (child.exitCode !== null || !child.connected) return gone(child.exitCode);
        child.once('exit', gone);
        collected = () => {
          collected = null;
          child.off('exit', gone);
          resolve();
        };
        child.send({ type: 'collect' });
      }),
    pid: child.pid,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

export interface RunScope {
  workspaceId: string;
  projectId: string;
  promptId: string;
  engineId: string;
}

/** A workspace with a project (three brands), an engine on the bench provider and a prompt; the app's run queue. */
export async function benchScope(app: TestApp, providerBaseUrl: string) {
  const ws = await createWorkspace(app);
  const fx = await createPipelineFixture(app, ws, {
    baseUrl: providerBaseUrl,
    brands: [{ name: 'Acme', kind: 'own' }, { name: 'Globex' }, { name: 'Initech' }],
  });
  const scope: RunScope = {
    workspaceId: ws.workspaceId,
    projectId: fx.projectId,
    promptId: fx.promptId,
    engineId: fx.engineId,
  };
  return {
    ws,
    fx,
    scope,
    runQueue: app.app.get(RunQueue),
    queue: app.app.get<Queue>(getQueueToken(RUNS_QUEUE), { strict: false }),
  };
}

/** Inserts `count` queued manual runs for one prompt/engine in one statement; returns their ids. */
export async function insertQueuedRuns(
  pg: Client,
  scope: RunScope,
  count: number,
  tag: string,
): Promise<string[]> {
  const { rows } = await pg.query<{ id: string }>(
    `INSERT INTO runs (id, "workspaceId", "projectId", "promptId", "engineId", "slotKey", "slotAt", sample,
       trigger, status, synthetic, "updatedAt")
     SELECT gen_random_uuid(), $1, $2, $3, $4, 'm:bench-' || $5 || ':' || g, now(), 0, 'manual', 'queued', false, now()
     FROM generate_series(1, $6::int) g
     RETURNING id`,
    [scope.workspaceId, scope.projectId, scope.promptId, scope.engineId, tag, count],
  );
  return rows.map((r) => r.id);
}

/** Nearest-rank percentile of a numeric array (sorts a copy). */
export function pct(values: ArrayLike<number>, p: number): number {
  const sorted = Float64Array.from(values).sort();
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
}

export function median(values: number[]): number {
  return pct(values, 0.5);
}

export const round = (v: number, digits = 2): number => Number(v.toFixed(digits));

/** `uptime` plus loadavg, recorded with every bench's figures. */
export function machineLoad(): { uptime: string; loadavg: number[] } {
  let uptime: string;
  try {
    uptime = execSync('uptime').toString().trim();
  } catch {
    uptime = 'n/a';
  }
  return { uptime, loadavg: loadavg().map((v) => round(v)) };
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
