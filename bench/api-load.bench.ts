/**
 * Dashboard read load (`npm run bench:api-load`): report requests at a constant arrival rate against a separate
 * `ROLE=api` process on the bench:reports data set (docs/benchmarks.md).
 *
 * Reuses `streamrank_bench_reports` as bench:reports seeds it (seeding it when missing), plus two smaller
 * projects copied from it (bench/support/report-copies.ts; their brand and engine ids pass the API's filters),
 * and builds the report digests. Then starts `node src/main.ts` with ROLE=api, the scheduler off and the
 * per-key rate limit off (one key stands for many dashboard users), and drives it from this process with an
 * open-loop generator on loopback (bench/support/open-loop.ts):
 *
 * 1. cold pass: every distinct request of the mix once (4 at a time), as the first viewers after a restart;
 * 2. measured window: BENCH_RATE requests/s (default 100) for BENCH_SECONDS (default 60), the mix drawn at
 *    random: the four reports (mentions, head-to-head, citations, trend), JSON or CSV, 7/30/90-day windows
 *    ending at the start of the day after the data (as the web app's presets), unfiltered or filtered by a tag,
 *    a prompt, a brand or an engine, over the three projects; half of the requests revalidate the ETag they
 *    last saw (If-None-Match), as a browser does;
 * 3. baseline: the same mix with the cache off (REPORT_CACHE_MB=0, a new API process) at BENCH_BASELINE_RATE
 *    (default 20) for BENCH_BASELINE_SECONDS (default 15).
 *
 * Targets (window 2): p99 < 300 ms, 0 errors, achieved rate = the offered rate. Prints `uptime` before and
 * after each phase; the last stdout line is one JSON object with `target`, `measured`, `headroom` per target.
 */
import { type ChildProcess, execSync, spawn } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'pg';
import { z } from 'zod';
import { ApiKeyService } from '../src/auth/api-key.service';
import { createHttpApp } from '../src/bootstrap';
import { loadConfig } from '../src/config/app-config';
import { applyMigrations, ensureDatabase } from '../src/infra/database/migrator';
import { ReportDigestService } from '../src/reports/digest/report-digest.service';
import { percentile } from '../src/scoring/statistics';
import { seededRandom } from '../test/support/random';
import { get, openLoop, type LoadRequest, type LoadResult } from './support/open-loop';
import { ensureReportCopies, type ProjectIds } from './support/report-copies';
import { DAY_MS, ensureReportsDataSet, log, REPORTS_DB_URL as DB_URL } from './support/reports-seed';

const RATE = Number(process.env.BENCH_RATE ?? 100);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 60);
const BASELINE_RATE = Number(process.env.BENCH_BASELINE_RATE ?? 20);
const BASELINE_SECONDS = Number(process.env.BENCH_BASELINE_SECONDS ?? 15);
const COPIES = Number(process.env.BENCH_COPIES ?? 2);
const TIMEOUT_MS = 10_000;
const TARGET_P99_MS = 300;
const REPORTS = ['mentions', 'head-to-head', 'citations', 'trend'];
const WINDOWS = [7, 30, 90];
const ENV = {
  REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  ENCRYPTION_KEY: process.env.ENCRYPTION_KEY ?? 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=',
  QUEUE_PREFIX: `srbench-apiload-${process.pid}`,
  SCHEDULER_ENABLED: 'false',
  API_RATE_LIMIT_PER_MINUTE: '0',
  LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn',
};

const uptime = () => execSync('uptime').toString().trim();

/** Every distinct request of the mix, with its weight: unfiltered views dominate, then each filter kind. */
function buildMix(
  projects: ProjectIds[],
  end: number,
  valid: (id: string) => boolean,
): [LoadRequest, number][] {
  const mix: [LoadRequest, number][] = [];
  for (const p of projects) {
    const filters: [string, number][] = [['', 6]];
    if (p.tags[1]) filters.push([`&tags=${p.tags[1]}`, 1]);
    const prompt = p.promptIds.find(valid);
    if (prompt) filters.push([`&promptIds=${prompt}`, 1]);
    const brand = p.brandIds.find(valid);
    if (brand) filters.push([`&brandIds=${brand}`, 2]);
    const engine = p.engineIds.find(valid);
    if (engine) filters.push([`&engineIds=${engine}`, 1]);
    for (const report of REPORTS) {
      for (const days of WINDOWS) {
        for (const [filter, weight] of filters) {
          for (const csv of [false, true]) {
            const range = `from=${new Date(end - days * DAY_MS).toISOString()}&to=${new Date(end).toISOString()}`;
            const format = csv ? '&format=csv' : '';
            const w = weight * (csv ? 1 : 3) * (days === 30 ? 2 : 1);
            mix.push([
              {
                path: `/v1/reports/${report}?projectId=${p.projectId}&${range}${filter}${format}`,
                headers: {},
              },
              w,
            ]);
          }
        }
      }
    }
  }
  return mix;
}

async function startApi(port: number, cacheMb: string): Promise<{ base: string; stop: () => Promise<void> }> {
  const child: ChildProcess = spawn(process.execPath, ['-r', './scripts/swc-register.js', 'src/main.ts'], {
    cwd: path.resolve(__dirname, '..'),
    env: {
      ...process.env,
      ...ENV,
      ROLE: 'api',
      DATABASE_URL: DB_URL,
      PORT: String(port),
      LISTEN_ADDRESS: '127.0.0.1',
      REPORT_CACHE_MB: cacheMb,
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const base = `http://127.0.0.1:${port}`;
  const agent = new http.Agent();
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`API exited with ${child.exitCode}`);
    const up = await get(agent, `${base}/health/live`, {}, 1000).catch(() => null);
    if (up?.status === 200) break;
    if (i > 600) throw new Error('API did not start in 60 s');
    await sleep(100);
  }
  return {
    base,
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** Every distinct request once, `concurrency` at a time: what the first viewers after a restart wait. */
async function coldPass(base: string, requests: LoadRequest[], concurrency: number) {
  const agent = new http.Agent({ keepAlive: true });
  const times: number[] = [];
  let errors = 0;
  let bytes = 0;
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < requests.length) {
        const r = requests[next++]!;
        const t0 = performance.now();
        const res = await get(agent, base + r.path, r.headers, 120_000).catch(() => null);
        times.push(performance.now() - t0);
        if (res?.status === 200) bytes += res.bytes;
        else errors++;
      }
    }),
  );
  agent.destroy();
  return {
    requests: requests.length,
    seconds: Number(((performance.now() - started) / 1000).toFixed(1)),
    p50: Number(percentile(times, 0.5)!.toFixed(1)),
    max: Number(Math.max(...times).toFixed(1)),
    errors,
    bodyBytes: bytes,
  };
}

const describe = (name: string, r: LoadResult) =>
  `${name}: ${r.rate}/s for ${r.seconds} s: ${r.ok} ok (${r.notModified} 304, ${r.retried} retried), ${r.errors} errors ` +
  `${JSON.stringify(r.errorKinds)}, achieved ${r.achievedRate}/s, p50 ${r.p50} ms p95 ${r.p95} ms ` +
  `p99 ${r.p99} ms max ${r.max} ms, cache ${JSON.stringify(r.cache)}`;

async function main(): Promise<void> {
  const load = uptime();
  log(`load: ${load}`);
  await ensureDatabase(DB_URL);
  await applyMigrations(DB_URL, path.resolve(__dirname, '../prisma/migrations'));
  const c = new Client({ connectionString: DB_URL });
  await c.connect();
  const { seeded, counts } = await ensureReportsDataSet(c);
  log(`data set: ${JSON.stringify(counts)}`);
  const copies = await ensureReportCopies(c, seeded, COPIES);
  await c.end();

  const config = loadConfig({ ...process.env, ...ENV, ROLE: 'api', DATABASE_URL: DB_URL });
  const app = await createHttpApp(config);
  const digestStarted = performance.now();
  const built = await app.get(ReportDigestService).drain();
  log(
    `digests: ${built} hours and blocks built in ${((performance.now() - digestStarted) / 1000).toFixed(1)} s`,
  );
  const key = (await app.get(ApiKeyService).create(seeded.workspaceId, `api-load-${Date.now()}`, 'read')).key;
  const uuid = z.uuid();
  await app.close();

  const projects: ProjectIds[] = [
    {
      projectId: seeded.projectId,
      brandIds: [],
      engineIds: [],
      promptIds: await promptsOf(seeded.projectId),
      tags: ['tag0', 'tag1'],
    },
    ...copies,
  ];
  const mix = buildMix(projects, seeded.end.getTime(), (id) => uuid.safeParse(id).success);
  const auth = { Authorization: `Bearer ${key}` };
  const requests = mix.map(([r]) => ({ ...r, headers: { ...r.headers, ...auth } }));
  const weights = mix.map(([, w]) => w);
  const totalWeight = weights.reduce((a, b) => a + b, 0);
  const draw = (seed: number) => {
    const next = seededRandom(seed);
    const picks: LoadRequest[] = [];
    return (i: number) => {
      while (picks.length <= i) {
        let x = next() * totalWeight;
        let k = 0;
        while (x >= weights[k]!) x -= weights[k++]!;
        picks.push(requests[k]!);
      }
      return picks[i]!;
    };
  };
  const revalidate = (() => {
    const next = seededRandom(7);
    const memo: boolean[] = [];
    return (i: number) => (memo[i] ??= next() < 0.5);
  })();
  log(`mix: ${requests.length} distinct requests over ${projects.length} projects`);

  const port = 20_000 + (process.pid % 20_000);
  let api = await startApi(port, process.env.REPORT_CACHE_MB ?? '64');
  const loadBeforeCold = uptime();
  const cold = await coldPass(api.base, requests, 4);
  log(`cold pass: ${JSON.stringify(cold)} (${loadBeforeCold})`);
  const loadBefore = uptime();
  const cached = await openLoop(api.base, draw(1), revalidate, RATE, SECONDS, TIMEOUT_MS);
  const loadAfter = uptime();
  log(describe('with the cache', cached));
  log(`load before: ${loadBefore}; after: ${loadAfter}`);
  await api.stop();

  api = await startApi(port, '0');
  const baselineLoadBefore = uptime();
  const baseline = await openLoop(api.base, draw(2), revalidate, BASELINE_RATE, BASELINE_SECONDS, TIMEOUT_MS);
  const baselineLoadAfter = uptime();
  log(describe('without the cache', baseline));
  log(`load before: ${baselineLoadBefore}; after: ${baselineLoadAfter}`);
  await api.stop();

  const headroom = (target: number, measured: number, higherIsBetter = false) =>
    Number((higherIsBetter ? measured / target : measured === 0 ? 1 : target / measured).toFixed(2));
  console.log(
    JSON.stringify({
      bench: 'api-load',
      load,
      dataSet: counts,
      mix: { distinct: requests.length, projects: projects.length },
      cold,
      cached: { ...cached, loadBefore, loadAfter },
      baseline: { ...baseline, loadBefore: baselineLoadBefore, loadAfter: baselineLoadAfter },
      summary: {
        p99Ms: { target: TARGET_P99_MS, measured: cached.p99, headroom: headroom(TARGET_P99_MS, cached.p99) },
        errors: { target: 0, measured: cached.errors, headroom: cached.errors === 0 ? 1 : 0 },
        achievedRate: {
          target: RATE,
          measured: cached.achievedRate,
          headroom: headroom(RATE, cached.achievedRate, true),
        },
      },
    }),
  );
}

/** The seeded project's prompts (md5-derived ids; the few that are valid RFC 4122 ids serve as filters). */
async function promptsOf(projectId: string): Promise<string[]> {
  const c = new Client({ connectionString: DB_URL });
  await c.connect();
  try {
    return (
      await c.query<{ id: string }>(`SELECT id FROM tracked_prompts WHERE "projectId" = $1 ORDER BY text`, [
        projectId,
      ])
    ).rows.map((r) => r.id);
  } finally {
    await c.end();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
