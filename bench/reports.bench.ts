/**
 * Report latency benchmark (`npm run bench:reports`).
 *
 * Seeds a dedicated database (BENCH_DATABASE_URL, default streamrank_bench_reports; migrated with the
 * production migrator) with one project: BENCH_RUNS successful runs (default 1,000,000) over 365 days, 10
 * brands (one score row per run and brand: 10,000,000 rows), failed runs (2%), mention rows (one per mentioned
 * brand and run), citations (0-3 per run) and the daily rollups. Seeding is SQL only (generate_series, chunked
 * by run ranges, secondary indexes built after the load). The data set is reused when the workspace marker
 * with the same parameters exists, so later runs only measure. Prints the seeding rate (rows/s) and
 * pg_database_size.
 *
 * Before measuring, builds the report digests (docs/reports.md "Digests") of every dirty hour, as the builder
 * would after an upgrade or a bulk import, and prints the build figures (hours, seconds, blocks, stored bytes)
 * and the steady-state builder costs: median time to rebuild one re-dirtied hour (every tick) and to rebuild the
 * nine stale blocks above it (once per REPORT_DIGEST_ANCESTOR_DELAY_MS).
 *
 * Measures each report endpoint through real HTTP (the Nest app in-process on an ephemeral port, a read API
 * key, rate limit and response cache off) for 7-, 90- and 365-day ranges ending 3 h before the seeded end (so
 * both partial edge days are read from raw rows): BENCH_WARMUP requests, then BENCH_REQUESTS timed ones
 * (p50/p95). The floor is one hand-written SQL query computing the same aggregate straight from the raw tables,
 * run through pg in the same session (p50/p95 over the same number of runs). Targets: p95 < 200 ms at 90 days
 * and p95 <= 2x the floor's p95. The last stdout line is one JSON object.
 *
 * Then, unless BENCH_FILTERED=0, each report at 90 days filtered to one engine (of 4), one prompt (of 25), one
 * tag (of 5) and one brand (of 10), and the three reports with breakdowns grouped by engine and by prompt, each
 * against its own floor (bench/support/report-floors.ts), with the same targets.
 *
 * Environment: BENCH_DATABASE_URL, BENCH_RUNS, BENCH_REQUESTS (default 20), BENCH_WARMUP (default 3),
 * BENCH_RANGES (comma-separated days, default 7,90,365), BENCH_REPORTS (comma-separated names, default all).
 */
import { execSync } from 'node:child_process';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import { ApiKeyService } from '../src/auth/api-key.service';
import { createHttpApp } from '../src/bootstrap';
import { loadConfig } from '../src/config/app-config';
import { ReportDigestService } from '../src/reports/digest/report-digest.service';
import { applyMigrations, ensureDatabase } from '../src/infra/database/migrator';
import { percentile } from '../src/scoring/statistics';
import { FLOORS, sliceCases, UNSCOPED, type CaseIds } from './support/report-floors';
import { DAY_MS, ensureReportsDataSet, log, REPORTS_DB_URL as DB_URL } from './support/reports-seed';

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 20);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 3);
const RANGES = (process.env.BENCH_RANGES ?? '7,90,365').split(',').map(Number);
const TARGET_P95_MS = 200;
const TARGET_FLOOR_RATIO = 2;
const BUDGET_MS = Number(process.env.BENCH_BUDGET_MS ?? 30_000);
/** Longer ranges of a report are skipped once a call takes longer than this. */
const SKIP_AFTER_MS = Number(process.env.BENCH_SKIP_AFTER_MS ?? 20_000);

/** The first engine, prompt and competitor of the seeded project, and its first tag. */
async function caseIds(c: Client, workspaceId: string, projectId: string): Promise<CaseIds> {
  const one = async (sql: string, arg: string) => (await c.query<{ id: string }>(sql, [arg])).rows[0]!.id;
  return {
    engineId: await one(`SELECT id FROM engines WHERE "workspaceId" = $1 ORDER BY name LIMIT 1`, workspaceId),
    promptId: await one(
      `SELECT id FROM tracked_prompts WHERE "projectId" = $1 ORDER BY text LIMIT 1`,
      projectId,
    ),
    brandId: await one(
      `SELECT id FROM brands WHERE "projectId" = $1 AND kind = 'competitor' ORDER BY name LIMIT 1`,
      projectId,
    ),
    tag: 'tag1',
  };
}

/**
 * n timed calls, or fewer when they exceed BUDGET_MS in total: at least 3, or 2 when one call takes longer than
 * BUDGET_MS / 3 (a multi-second report at 365 days would otherwise take many minutes per figure).
 */
async function timeIt(n: number, fn: () => Promise<unknown>): Promise<number[]> {
  const out: number[] = [];
  const started = performance.now();
  for (let i = 0; i < n; i++) {
    const min = out.length > 0 && out[0]! > BUDGET_MS / 3 ? 2 : 3;
    if (i >= min && performance.now() - started > BUDGET_MS) break;
    const t0 = performance.now();
    await fn();
    out.push(performance.now() - t0);
  }
  return out;
}

/** Warm-up: one call, and WARMUP in all when that call was fast. */
async function warmUp(fn: () => Promise<unknown>): Promise<void> {
  const [first] = await timeIt(1, fn);
  if (first! < 2000) await timeIt(WARMUP - 1, fn);
}

const stats = (xs: number[]) => ({
  p50: Number(percentile(xs, 0.5)!.toFixed(1)),
  p95: Number(percentile(xs, 0.95)!.toFixed(1)),
});

async function main(): Promise<void> {
  const load = execSync('uptime').toString().trim();
  log(`load: ${load}`);
  await ensureDatabase(DB_URL);
  await applyMigrations(DB_URL, path.resolve(__dirname, '../prisma/migrations'));
  const c = new Client({ connectionString: DB_URL });
  await c.connect();
  const { seeded, seeding, counts } = await ensureReportsDataSet(c);
  log(`data set: ${JSON.stringify(counts)}`);
  if (process.env.BENCH_SEED_ONLY) {
    await c.end();
    return;
  }

  const config = loadConfig({
    ...process.env,
    DATABASE_URL: DB_URL,
    REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    QUEUE_PREFIX: `srbench-reports-${process.pid}`,
    ENCRYPTION_KEY: process.env.ENCRYPTION_KEY ?? 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=',
    SCHEDULER_ENABLED: 'false',
    ROLE: 'api',
    LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'silent',
    API_RATE_LIMIT_PER_MINUTE: '0',
    // Every timed call computes its report: the response cache would answer repeats from memory.
    REPORT_CACHE_MB: '0',
    // The default statement timeout would cut the multi-second raw-row reports short (HTTP 500); measure them.
    DATABASE_STATEMENT_TIMEOUT_MS: process.env.BENCH_STATEMENT_TIMEOUT_MS ?? '600000',
  });
  const app = await createHttpApp(config);
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  const base = `http://127.0.0.1:${address.port}`;
  // Digest every dirty hour before measuring (the builder runs every REPORT_DIGEST_INTERVAL_MS in production).
  const dirtyHours = Number(
    (
      await c.query<{ n: string }>(
        `SELECT count(DISTINCT hour)::text AS n FROM report_dirty_hours WHERE "projectId" = $1`,
        [seeded.projectId],
      )
    ).rows[0]!.n,
  );
  // drain() counts hours and the stale blocks above them it rebuilt.
  const digestStarted = performance.now();
  const rebuilt = await app.get(ReportDigestService).drain();
  const digestSeconds = (performance.now() - digestStarted) / 1000;
  const digests = (
    await c.query<{ blocks: number; bytes: string }>(
      `SELECT count(*)::int AS blocks, coalesce(sum(pg_column_size(digest)), 0)::text AS bytes FROM report_digests WHERE "projectId" = $1`,
      [seeded.projectId],
    )
  ).rows[0]!;
  const slices = (
    await c.query<{ slices: number; bytes: string }>(
      `SELECT count(*)::int AS slices, coalesce(sum(pg_column_size(digest)), 0)::text AS bytes FROM report_digest_slices WHERE "projectId" = $1`,
      [seeded.projectId],
    )
  ).rows[0]!;
  // What the builder costs in steady state, for this project: each tick, one hour re-dirtied (new runs) is
  // rebuilt and its ancestors marked stale; once per REPORT_DIGEST_ANCESTOR_DELAY_MS, the nine stale blocks
  // above it (day ... 256 days) are rebuilt from their children.
  const digestService = app.get(ReportDigestService);
  const lastHour = new Date(Math.floor((seeded.end.getTime() - 1) / 3600_000) * 3600_000);
  const hourTimes: number[] = [];
  const ancestorTimes: number[] = [];
  for (let i = 0; i < 7; i++) {
    await c.query(`INSERT INTO report_dirty_hours ("projectId", hour) VALUES ($1, $2)`, [
      seeded.projectId,
      lastHour,
    ]);
    let t0 = performance.now();
    await digestService.buildPending(3600_000);
    hourTimes.push(performance.now() - t0);
    t0 = performance.now();
    await digestService.drain();
    ancestorTimes.push(performance.now() - t0);
  }
  const digestBuild = {
    hours: dirtyHours,
    blocksAboveHours: rebuilt - dirtyHours,
    seconds: Number(digestSeconds.toFixed(1)),
    hoursPerSecond: Number((dirtyHours / digestSeconds).toFixed(1)),
    blocks: digests.blocks,
    storedBytes: Number(digests.bytes),
    slices: slices.slices,
    sliceBytes: Number(slices.bytes),
    hourTickMsP50: Number(percentile(hourTimes, 0.5)!.toFixed(1)),
    ancestorRebuildMsP50: Number(percentile(ancestorTimes, 0.5)!.toFixed(1)),
  };
  log(`digests: ${JSON.stringify(digestBuild)}`);
  const keys = app.get(ApiKeyService);
  const key = (await keys.create(seeded.workspaceId, `bench-${Date.now()}`, 'read')).key;

  const loadAtMeasure = execSync('uptime').toString().trim();
  log(`load when measuring: ${loadAtMeasure}`);
  const names = (process.env.BENCH_REPORTS ?? 'trend,mentions,citations,head-to-head').split(',');
  const end = seeded.end.getTime() - 3 * 3600_000;
  const results: Record<string, Record<string, unknown>> = {};
  for (const name of names) {
    results[name] = {};
    let slowest = 0;
    for (const days of RANGES) {
      if (slowest > SKIP_AFTER_MS) {
        // A longer range than one already taking this long would take many minutes per figure.
        results[name][`${days}d`] = { skipped: `a shorter range took ${Math.round(slowest)} ms per call` };
        log(`${name} ${days}d: skipped`);
        continue;
      }
      const from = new Date(end - days * DAY_MS);
      const to = new Date(end);
      const url = `${base}/v1/reports/${name}?projectId=${seeded.projectId}&from=${from.toISOString()}&to=${to.toISOString()}`;
      const get = async () => {
        const res = await fetch(url, { headers: { Authorization: `Bearer ${key}` } });
        if (res.status !== 200) throw new Error(`${name} ${days}d: HTTP ${res.status} ${await res.text()}`);
        await res.arrayBuffer();
      };
      const floor = () => c.query(FLOORS[name]!(UNSCOPED), [seeded.projectId, from, to]);
      try {
        await warmUp(get);
      } catch (err) {
        results[name][`${days}d`] = { error: String(err) };
        log(`${name} ${days}d: ${String(err)}`);
        continue;
      }
      await warmUp(floor);
      const apiTimes = await timeIt(REQUESTS, get);
      const api = stats(apiTimes);
      const sql = stats(await timeIt(REQUESTS, floor));
      slowest = Math.max(slowest, api.p95, sql.p95);
      const entry = {
        samples: apiTimes.length,
        api,
        floor: sql,
        floorRatio: Number((api.p95 / sql.p95).toFixed(2)),
      };
      results[name][`${days}d`] = entry;
      log(
        `${name} ${days}d: api p50 ${api.p50} ms p95 ${api.p95} ms; floor p50 ${sql.p50} ms p95 ${sql.p95} ms`,
      );
    }
  }
  // Filtered and grouped at 90 days (digest slices; docs/reports.md "Slices"), each against its own floor: the
  // same aggregate narrowed the same way. One engine of four, one prompt of 25, one tag of five, one brand of ten.
  const sliced: Record<string, Record<string, unknown>> = {};
  if (process.env.BENCH_FILTERED !== '0') {
    const from = new Date(end - 90 * DAY_MS);
    const to = new Date(end);
    for (const sc of sliceCases(await caseIds(c, seeded.workspaceId, seeded.projectId))) {
      sliced[sc.name] = {};
      for (const name of names.filter((n) => sc.reports.includes(n))) {
        const url = `${base}/v1/reports/${name}?projectId=${seeded.projectId}&${sc.query}&from=${from.toISOString()}&to=${to.toISOString()}`;
        const get = async () => {
          const res = await fetch(url, { headers: { Authorization: `Bearer ${key}` } });
          if (res.status !== 200) {
            throw new Error(`${name} ${sc.name}: HTTP ${res.status} ${await res.text()}`);
          }
          await res.arrayBuffer();
        };
        const floor = () => c.query(FLOORS[name]!(sc.scope), [seeded.projectId, from, to]);
        await warmUp(get);
        await warmUp(floor);
        const apiTimes = await timeIt(REQUESTS, get);
        const api = stats(apiTimes);
        const sql = stats(await timeIt(REQUESTS, floor));
        sliced[sc.name]![name] = {
          samples: apiTimes.length,
          api,
          floor: sql,
          floorRatio: Number((api.p95 / sql.p95).toFixed(2)),
        };
        log(
          `${name} 90d ${sc.name}: api p50 ${api.p50} ms p95 ${api.p95} ms; floor p50 ${sql.p50} ms p95 ${sql.p95} ms`,
        );
      }
    }
  }
  await app.close();
  await c.end();

  type Measured = { api: { p95: number }; floorRatio: number };
  const targets = (e: Measured) => ({
    p95Ms90d: {
      target: TARGET_P95_MS,
      measured: e.api.p95,
      headroom: Number((TARGET_P95_MS / e.api.p95).toFixed(2)),
    },
    floorRatio90d: {
      target: TARGET_FLOOR_RATIO,
      measured: e.floorRatio,
      headroom: Number((TARGET_FLOOR_RATIO / e.floorRatio).toFixed(2)),
    },
  });
  const summary: Record<string, unknown> = {};
  for (const [name, r] of Object.entries(results)) {
    const e = r['90d'] as Measured | undefined;
    if (e) summary[name] = targets(e);
  }
  for (const [caseName, reports] of Object.entries(sliced)) {
    for (const [name, e] of Object.entries(reports)) summary[`${name} ${caseName}`] = targets(e as Measured);
  }
  console.log(
    JSON.stringify({
      bench: 'reports',
      load,
      loadAtMeasure,
      dataSet: { ...counts, databaseSizeBytes: Number(counts.size), size: undefined },
      seeding,
      digestBuild,
      reports: results,
      sliced90d: sliced,
      summary,
    }),
  );
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
