// The bench:reports data set (docs/benchmarks.md): one project with BENCH_RUNS successful runs (default
// 1,000,000) over 365 days, 10 brands, failed runs, mentions, citations and the daily rollups, seeded with SQL
// only into BENCH_DATABASE_URL (default streamrank_bench_reports) and reused when the workspace marker with the
// same parameters exists. Shared by bench:reports and bench:web (the web app on the same data).
import { performance } from 'node:perf_hooks';
import { type Client } from 'pg';

export const REPORTS_DB_URL =
  process.env.BENCH_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/streamrank_bench_reports';
export const RUNS = Number(process.env.BENCH_RUNS ?? 1_000_000);
export const DAYS = 365;
export const BRANDS = 10;
const ENGINES = 4;
const PROMPTS = 25;
const FAILED_SHARE = 0.02;
export const DAY_MS = 24 * 3600_000;
const SEED_VERSION = 3;
const CHUNK = 100_000;

/**
 * A deterministic id shaped as an RFC 4122 version-4 UUID (version and variant nibbles set on an md5), so the
 * API's id validation accepts it and the bench can filter reports by engine, prompt and brand.
 */
const uuidOf = (kind: string, i: number | string) =>
  `overlay(overlay(md5('${kind}:' || ${i}) placing '4' from 13) placing '8' from 17)::uuid`;

export function log(message: string) {
  process.stderr.write(`${message}\n`);
}

export interface Seeded {
  workspaceId: string;
  projectId: string;
  end: Date;
}

/** The per-table index and constraint definitions, so a bulk load can drop and rebuild them. */
async function secondaryIndexes(c: Client, table: string): Promise<{ name: string; def: string }[]> {
  const { rows } = await c.query<{ name: string; def: string }>(
    `SELECT i.indexname AS name, i.indexdef AS def FROM pg_indexes i
      WHERE i.tablename = $1 AND i.schemaname = 'public'
        AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conname = i.indexname)`,
    [table],
  );
  return rows;
}

async function seed(c: Client, marker: string, end: Date): Promise<{ rows: number; seconds: number }> {
  const started = performance.now();
  const start = new Date(end.getTime() - DAYS * DAY_MS);
  const failed = Math.round(RUNS * FAILED_SHARE);
  await c.query(`SET maintenance_work_mem = '512MB'; SET work_mem = '256MB'; SET synchronous_commit = off`);
  await c.query('BEGIN');
  const ws = (
    await c.query<{ id: string }>(
      `INSERT INTO workspaces (id, name) VALUES (gen_random_uuid(), $1) RETURNING id`,
      [`${marker}:seeding`],
    )
  ).rows[0]!.id;
  const project = (
    await c.query<{ id: string }>(
      `INSERT INTO projects (id, "workspaceId", name, "updatedAt") VALUES (gen_random_uuid(), $1, 'bench', now()) RETURNING id`,
      [ws],
    )
  ).rows[0]!.id;
  await c.query(
    `INSERT INTO brands (id, "workspaceId", "projectId", name, kind, aliases, exclusions, domains, "updatedAt")
     SELECT ${uuidOf('brand', 'b')}, $1, $2, 'Brand ' || b, CASE WHEN b = 1 THEN 'own' ELSE 'competitor' END::"BrandKind",
       jsonb_build_array(jsonb_build_object('text', 'Brand ' || b, 'caseSensitive', false, 'foldDiacritics', true)), '{}', ARRAY['brand' || b || '.com'], now()
     FROM generate_series(1, ${BRANDS}) b`,
    [ws, project],
  );
  await c.query(
    `INSERT INTO engines (id, "workspaceId", name, provider, model, parameters, "updatedAt")
     SELECT ${uuidOf('engine', 'e')}, $1, 'engine ' || e, 'openai', 'gpt-bench', '{}', now() FROM generate_series(1, ${ENGINES}) e`,
    [ws],
  );
  await c.query(
    `INSERT INTO tracked_prompts (id, "workspaceId", "projectId", text, tags, cron, timezone, "updatedAt")
     SELECT ${uuidOf('prompt', 'p')}, $1, $2, 'prompt ' || p, ARRAY['tag' || (p % 5)], '0 * * * *', 'UTC', now()
     FROM generate_series(1, ${PROMPTS}) p`,
    [ws, project],
  );
  await c.query(
    `INSERT INTO prompt_engines ("promptId", "engineId")
     SELECT ${uuidOf('prompt', 'p')}, ${uuidOf('engine', 'e')} FROM generate_series(1, ${PROMPTS}) p, generate_series(1, ${ENGINES}) e`,
  );
  await c.query('COMMIT');

  // Bulk load without secondary indexes and without triggers or FK checks (replica role), then rebuild.
  const tables = ['runs', 'run_brand_scores', 'mentions', 'citations'];
  const dropped: { name: string; def: string }[] = [];
  for (const t of tables) dropped.push(...(await secondaryIndexes(c, t)));
  for (const ix of dropped) await c.query(`DROP INDEX "${ix.name}"`);
  await c.query(`SET session_replication_role = replica`);
  await c.query(`SELECT setseed(0.42)`);
  const brandIds = (
    await c.query<{ id: string }>(`SELECT ${uuidOf('brand', 'b')} AS id FROM generate_series(1, ${BRANDS}) b`)
  ).rows.map((r) => r.id);
  const promptIds = (
    await c.query<{ id: string }>(
      `SELECT ${uuidOf('prompt', 'p')} AS id FROM generate_series(1, ${PROMPTS}) p`,
    )
  ).rows.map((r) => r.id);
  const engineIds = (
    await c.query<{ id: string }>(
      `SELECT ${uuidOf('engine', 'e')} AS id FROM generate_series(1, ${ENGINES}) e`,
    )
  ).rows.map((r) => r.id);
  // Run i (1..RUNS+failed): time spread evenly over the year (a deterministic shuffle plus up to a minute of
  // jitter), engine and prompt by index; every 100th run synthetic; runs above RUNS failed.
  const total = RUNS + failed;
  const at = `$3::timestamptz + make_interval(secs => (((i::bigint * 7919) % ${total})::float8 / ${total} * $4::float8 + (i::bigint * 104729) % 60000) / 1000)`;
  const promptOf = `($6::uuid[])[1 + (i / ${ENGINES}) % ${PROMPTS}]`;
  const engineOf = `($7::uuid[])[1 + i % ${ENGINES}]`;
  const params = [ws, project, start, DAYS * DAY_MS, brandIds, promptIds, engineIds];
  for (let from = 1; from <= total; from += CHUNK) {
    const to = Math.min(total, from + CHUNK - 1);
    await c.query(
      `INSERT INTO runs (id, "workspaceId", "projectId", "promptId", "engineId", "slotKey", "slotAt", sample, trigger,
         status, synthetic, attempts, "createdAt", "startedAt", "finishedAt", "updatedAt", "failureReason")
       SELECT ${uuidOf('run', 'i')}, $1, $2, ${promptOf}, ${engineOf}, 'bench:' || i, at, 0, 'schedule',
         CASE WHEN i > ${RUNS} THEN 'failed' ELSE 'succeeded' END::"RunStatus", i % 100 = 7, 1, at, at, at, at,
         CASE WHEN i > ${RUNS} THEN 'timeout' END
       FROM (SELECT i, ${at} AS at FROM generate_series(${from}::int, ${to}::int) i) g
       WHERE $5::uuid[] IS NOT NULL`,
      params,
    );
    if (from > RUNS) continue;
    const last = Math.min(to, RUNS);
    // Per run and brand: mentioned with a brand-specific probability (60% for brand 1 down to 15%), order by
    // first token among the brands named; one mention row per named brand, in the same statement.
    await c.query(
      `WITH g AS (
         SELECT i, b, ${uuidOf('run', 'i')} AS run, ${at} AS at, i % 100 = 7 AS synthetic,
           random() < 0.15 + 0.5 * (${BRANDS} - b)::float8 / ${BRANDS} AS mentioned,
           floor(random() * random() * 600)::int AS tok, 300 + floor(random() * 500)::int AS answer,
           floor(random() * 4)::int AS extra, 200000 + floor(random() * random() * 20000000)::int AS since
         FROM generate_series(${from}::int, ${last}::int) i CROSS JOIN generate_series(1, ${BRANDS}) b
       ), o AS MATERIALIZED (
         SELECT g.*, ($5::uuid[])[b] AS brand,
           CASE WHEN mentioned THEN rank() OVER (PARTITION BY i ORDER BY NOT mentioned, tok, b) END AS ord,
           count(*) FILTER (WHERE mentioned) OVER (PARTITION BY i) AS named
         FROM g
       ), s AS (
         INSERT INTO run_brand_scores ("runId", "brandId", "projectId", "promptId", "engineId", "observedAt", synthetic,
           mentioned, "mentionCount", "firstVisibleAtUs", "sinceFirstTokenUs", "firstTokenIndex", "relPosition", "order",
           "aboveFold", attention, "streamScore", "trakkrPoints", "geoWeightedWords", "geoShareOfAnswer")
         SELECT run, brand, $2, ${promptOf}, ${engineOf}, at, synthetic, mentioned,
           CASE WHEN mentioned THEN 1 + extra ELSE 0 END,
           CASE WHEN mentioned THEN since + 400000 END, CASE WHEN mentioned THEN since END,
           CASE WHEN mentioned THEN tok END,
           CASE WHEN mentioned THEN round(least(tok, answer - 1)::numeric / answer, 8) END, ord::int,
           mentioned AND tok < 150,
           CASE WHEN mentioned THEN round(power(2, -since / 1e7)::numeric, 10) ELSE 0 END,
           CASE WHEN mentioned THEN round(power(2, -since / 1e7)::numeric, 10) * 100 ELSE 0 END,
           CASE WHEN NOT mentioned THEN 0 WHEN named = 1 THEN 10
             ELSE greatest(1, round((10 - 9 * sqrt((ord - 1)::float8 / (named - 1)))::numeric))::int END,
           CASE WHEN mentioned THEN round((40 * exp(-tok::float8 / answer) / (1 + extra))::numeric, 8) ELSE 0 END,
           CASE WHEN mentioned THEN round((40 * exp(-tok::float8 / answer) / (1 + extra) / (answer * 0.75))::numeric, 10) ELSE 0 END
         FROM o
       )
       INSERT INTO mentions (id, "runId", "projectId", "brandId", matched, "charStart", "charEnd", "tokenIndex",
         "visibleAtUs", "sinceFirstTokenUs", "relPosition", "sentenceIndex", "listRank", "inHeading", "inBold", snippet)
       SELECT gen_random_uuid(), run, $2, brand, 'Brand', tok * 4, tok * 4 + 7, tok, since + 400000, since,
         round(least(tok, answer - 1)::numeric / answer, 8), tok / 25, NULL, false, false, 'Brand ...'
       FROM o WHERE mentioned AND $1::uuid IS NOT NULL AND $3::timestamptz IS NOT NULL AND $4::float8 IS NOT NULL`,
      params,
    );
    // 0-3 citations per run from 200 domains (brandN.com belongs to brand N), spans near the text start.
    await c.query(
      `INSERT INTO citations (id, "runId", "projectId", position, url, domain, "charStart", "charEnd", "arrivedAtUs",
         "brandId", "createdAt")
       SELECT gen_random_uuid(), ${uuidOf('run', 'i')}, $2, pos, 'https://' || d || '/page', d, cs, cs + 40,
         1000000 + pos * 1000, CASE WHEN dn <= ${BRANDS} THEN ($5::uuid[])[dn] END, now()
       FROM (
         SELECT i, pos, dn, CASE WHEN dn <= ${BRANDS} THEN 'brand' || dn || '.com' ELSE 'site' || dn || '.org' END AS d,
           floor(random() * 2400)::int AS cs
         FROM generate_series(${from}::int, ${last}::int) i
         CROSS JOIN LATERAL generate_series(0, (i * 31 % 4) - 1) pos
         CROSS JOIN LATERAL (SELECT 1 + floor(power(random(), 2) * 200)::int + 0 * pos AS dn) d
       ) x
       WHERE $1::uuid IS NOT NULL AND $3::timestamptz IS NOT NULL AND $4::float8 IS NOT NULL
         AND $6::uuid[] IS NOT NULL AND $7::uuid[] IS NOT NULL`,
      params,
    );
    log(`  seeded runs ${from}..${to}: ${((performance.now() - started) / 1000).toFixed(0)} s`);
  }
  await c.query(`SET session_replication_role = origin`);
  log(`  rebuilding ${dropped.length} indexes`);
  for (const ix of dropped) await c.query(ix.def);
  // The rollups the triggers would have written, in one pass.
  await c.query(
    `INSERT INTO brand_day_rollups
     SELECT "projectId", ("observedAt" AT TIME ZONE 'UTC')::date, "brandId", "engineId", "promptId", synthetic,
       count(*), count(*) FILTER (WHERE mentioned), count(*) FILTER (WHERE "aboveFold"),
       coalesce(sum("mentionCount"), 0), coalesce(sum("order"), 0),
       count(*) FILTER (WHERE "relPosition" < 0.25),
       count(*) FILTER (WHERE "relPosition" >= 0.25 AND "relPosition" < 0.75),
       count(*) FILTER (WHERE "relPosition" >= 0.75),
       coalesce(sum("trakkrPoints"), 0), coalesce(sum(attention), 0), coalesce(sum("streamScore"), 0),
       count("geoWeightedWords"), coalesce(sum("geoWeightedWords"), 0), coalesce(sum("geoShareOfAnswer"), 0)
     FROM run_brand_scores WHERE "projectId" = $1 GROUP BY 1, 2, 3, 4, 5, 6`,
    [project],
  );
  // Triggers were off during the load: mark every loaded hour dirty, as the triggers would have.
  await c.query(
    `INSERT INTO report_dirty_hours ("projectId", hour)
     SELECT DISTINCT "projectId", date_trunc('hour', "observedAt", 'UTC') FROM run_brand_scores WHERE "projectId" = $1`,
    [project],
  );
  await c.query('VACUUM ANALYZE runs');
  for (const t of ['run_brand_scores', 'mentions', 'citations', 'brand_day_rollups']) {
    await c.query(`VACUUM ANALYZE ${t}`);
  }
  await c.query(`UPDATE workspaces SET name = $1 WHERE id = $2`, [marker, ws]);
  const rows = (
    await c.query<{ n: number }>(
      `SELECT (SELECT count(*) FROM runs WHERE "projectId" = $1) + (SELECT count(*) FROM run_brand_scores WHERE "projectId" = $1)
         + (SELECT count(*) FROM mentions WHERE "projectId" = $1) + (SELECT count(*) FROM citations WHERE "projectId" = $1)
         + (SELECT count(*) FROM brand_day_rollups WHERE "projectId" = $1) AS n`,
      [project],
    )
  ).rows[0]!.n;
  return { rows: Number(rows), seconds: (performance.now() - started) / 1000 };
}

export interface DataSetCounts {
  runs: number;
  scores: number;
  mentions: number;
  citations: number;
  rollups: number;
  size: string;
}

export interface ReportsDataSet {
  seeded: Seeded;
  seeding: { rows: number; seconds: number; rowsPerSecond: number } | null;
  counts: DataSetCounts;
}

/** Finds the data set with these parameters or (re)seeds it; `c` is connected to a migrated database. */
export async function ensureReportsDataSet(c: Client): Promise<ReportsDataSet> {
  const marker = `bench-reports:v${SEED_VERSION}:runs=${RUNS}:days=${DAYS}:brands=${BRANDS}`;
  let seeded = (
    await c.query<{ workspaceId: string; projectId: string; end: Date }>(
      `SELECT w.id AS "workspaceId", p.id AS "projectId", w."createdAt" AS end FROM workspaces w
         JOIN projects p ON p."workspaceId" = w.id WHERE w.name = $1`,
      [marker],
    )
  ).rows[0];
  let seeding: { rows: number; seconds: number; rowsPerSecond: number } | null = null;
  if (!seeded) {
    // A half-seeded earlier attempt is dropped (cascades remove its configuration; runs are keyed by project).
    const stale = await c.query<{ id: string }>(
      `SELECT id FROM workspaces WHERE name LIKE 'bench-reports:%'`,
    );
    for (const w of stale.rows) {
      for (const t of ['citations', 'mentions', 'run_brand_scores', 'brand_day_rollups']) {
        await c.query(
          `DELETE FROM ${t} WHERE "projectId" IN (SELECT id FROM projects WHERE "workspaceId" = $1)`,
          [w.id],
        );
      }
      await c.query(`DELETE FROM runs WHERE "workspaceId" = $1`, [w.id]);
      await c.query(`DELETE FROM workspaces WHERE id = $1`, [w.id]);
    }
    const end = new Date(Math.floor(Date.now() / DAY_MS) * DAY_MS);
    log(`seeding ${RUNS} runs over ${DAYS} days, ${BRANDS} brands, ending ${end.toISOString()}`);
    const r = await seed(c, marker, end);
    seeding = { ...r, rowsPerSecond: Math.round(r.rows / r.seconds) };
    log(`seeded ${r.rows} rows in ${r.seconds.toFixed(1)} s (${seeding.rowsPerSecond} rows/s)`);
    await c.query(`UPDATE workspaces SET "createdAt" = $1 WHERE name = $2`, [end, marker]);
    seeded = (
      await c.query<Seeded>(
        `SELECT w.id AS "workspaceId", p.id AS "projectId", w."createdAt" AS end FROM workspaces w
           JOIN projects p ON p."workspaceId" = w.id WHERE w.name = $1`,
        [marker],
      )
    ).rows[0]!;
  } else {
    log(`reusing seeded data set (${marker})`);
  }
  const counts = (
    await c.query<DataSetCounts>(
      `SELECT (SELECT count(*) FROM runs WHERE "projectId" = $1)::int AS runs,
         (SELECT count(*) FROM run_brand_scores WHERE "projectId" = $1)::int AS scores,
         (SELECT count(*) FROM mentions WHERE "projectId" = $1)::int AS mentions,
         (SELECT count(*) FROM citations WHERE "projectId" = $1)::int AS citations,
         (SELECT count(*) FROM brand_day_rollups WHERE "projectId" = $1)::int AS rollups,
         pg_database_size(current_database())::text AS size`,
      [seeded.projectId],
    )
  ).rows[0]!;
  return { seeded, seeding, counts };
}
