// Smaller projects for bench:api-load, copied from the bench:reports project (bench/support/reports-seed.ts) in
// the same workspace: a 16th of its runs each, with their score, mention and citation rows, written with the
// triggers on (rollups and dirty-hour marks as a real write would leave them). The copies get RFC 4122 ids for
// their brands, engines and prompts (the seeded project's md5-derived ids are refused by the API's filters), so
// the load can filter by brand and engine. Reused when present.
import { type Client } from 'pg';
import { log, type Seeded } from './reports-seed';

export interface ProjectIds {
  projectId: string;
  brandIds: string[];
  engineIds: string[];
  promptIds: string[];
  tags: string[];
}

const SHARE = 16;

async function idsOf(c: Client, projectId: string, workspaceId: string): Promise<ProjectIds> {
  const one = async (sql: string, params: unknown[]) =>
    (await c.query<{ id: string }>(sql, params)).rows.map((r) => r.id);
  const tags = await c.query<{ tag: string }>(
    `SELECT DISTINCT unnest(tags) AS tag FROM tracked_prompts WHERE "projectId" = $1 ORDER BY 1`,
    [projectId],
  );
  return {
    projectId,
    brandIds: await one(`SELECT id FROM brands WHERE "projectId" = $1 ORDER BY name`, [projectId]),
    engineIds: await one(`SELECT id FROM engines WHERE "workspaceId" = $1 AND name LIKE $2 ORDER BY name`, [
      workspaceId,
      `% (${projectId.slice(0, 8)})`,
    ]),
    promptIds: await one(`SELECT id FROM tracked_prompts WHERE "projectId" = $1 ORDER BY text`, [projectId]),
    tags: tags.rows.map((r) => r.tag),
  };
}

/** `count` copies of the seeded project (named `api-load copy <n>`), created when missing. */
export async function ensureReportCopies(c: Client, seeded: Seeded, count: number): Promise<ProjectIds[]> {
  const out: ProjectIds[] = [];
  for (let n = 1; n <= count; n++) {
    const name = `api-load copy ${n}`;
    const found = await c.query<{ id: string }>(
      `SELECT id FROM projects WHERE "workspaceId" = $1 AND name = $2`,
      [seeded.workspaceId, name],
    );
    let projectId = found.rows[0]?.id;
    if (!projectId) projectId = await copyProject(c, seeded, name, n);
    out.push(await idsOf(c, projectId, seeded.workspaceId));
  }
  return out;
}

async function copyProject(c: Client, seeded: Seeded, name: string, n: number): Promise<string> {
  const started = Date.now();
  await c.query('BEGIN');
  const projectId = (
    await c.query<{ id: string }>(
      `INSERT INTO projects (id, "workspaceId", name, "updatedAt") VALUES (gen_random_uuid(), $1, $2, now()) RETURNING id`,
      [seeded.workspaceId, name],
    )
  ).rows[0]!.id;
  const suffix = `(${projectId.slice(0, 8)})`;
  // Old id -> new RFC 4122 id, per kind.
  await c.query(`CREATE TEMP TABLE copy_ids (kind text, old uuid, new uuid) ON COMMIT DROP`);
  await c.query(
    `INSERT INTO copy_ids SELECT 'brand', id, gen_random_uuid() FROM brands WHERE "projectId" = $1
     UNION ALL SELECT 'prompt', id, gen_random_uuid() FROM tracked_prompts WHERE "projectId" = $1
     UNION ALL SELECT 'engine', id, gen_random_uuid() FROM engines WHERE "workspaceId" = $2 AND name NOT LIKE '%(%'`,
    [seeded.projectId, seeded.workspaceId],
  );
  await c.query(
    `INSERT INTO brands (id, "workspaceId", "projectId", name, kind, aliases, exclusions, domains, "updatedAt")
     SELECT m.new, b."workspaceId", $2, b.name, b.kind, b.aliases, b.exclusions, b.domains, now()
     FROM brands b JOIN copy_ids m ON m.kind = 'brand' AND m.old = b.id WHERE b."projectId" = $1`,
    [seeded.projectId, projectId],
  );
  await c.query(
    `INSERT INTO engines (id, "workspaceId", name, provider, model, parameters, "updatedAt")
     SELECT m.new, e."workspaceId", e.name || ' ' || $1, e.provider, e.model, e.parameters, now()
     FROM engines e JOIN copy_ids m ON m.kind = 'engine' AND m.old = e.id`,
    [suffix],
  );
  await c.query(
    `INSERT INTO tracked_prompts (id, "workspaceId", "projectId", text, tags, cron, timezone, "updatedAt")
     SELECT m.new, t."workspaceId", $2, t.text, t.tags, t.cron, t.timezone, now()
     FROM tracked_prompts t JOIN copy_ids m ON m.kind = 'prompt' AND m.old = t.id WHERE t."projectId" = $1`,
    [seeded.projectId, projectId],
  );
  const runId = (col: string) => `md5(${n} || ':' || ${col})::uuid`;
  const map = (kind: string, col: string) =>
    `(SELECT new FROM copy_ids WHERE kind = '${kind}' AND old = ${col})`;
  const chosen = `(hashtext(r.id::text) & ${SHARE - 1}) = ${n % SHARE}`;
  await c.query(
    `INSERT INTO runs (id, "workspaceId", "projectId", "promptId", "engineId", "slotKey", "slotAt", sample, trigger,
       status, synthetic, attempts, "createdAt", "startedAt", "finishedAt", "updatedAt", "failureReason")
     SELECT ${runId('r.id')}, r."workspaceId", $2, ${map('prompt', 'r."promptId"')}, ${map('engine', 'r."engineId"')},
       r."slotKey" || ':copy' || ${n}, r."slotAt", r.sample, r.trigger, r.status, r.synthetic, r.attempts,
       r."createdAt", r."startedAt", r."finishedAt", r."updatedAt", r."failureReason"
     FROM runs r WHERE r."projectId" = $1 AND ${chosen}`,
    [seeded.projectId, projectId],
  );
  await c.query(
    `INSERT INTO run_brand_scores ("runId", "brandId", "projectId", "promptId", "engineId", "observedAt", synthetic,
       mentioned, "mentionCount", "firstVisibleAtUs", "sinceFirstTokenUs", "firstTokenIndex", "relPosition", "order",
       "aboveFold", attention, "streamScore", "trakkrPoints", "geoWeightedWords", "geoShareOfAnswer")
     SELECT ${runId('s."runId"')}, ${map('brand', 's."brandId"')}, $2, ${map('prompt', 's."promptId"')},
       ${map('engine', 's."engineId"')}, s."observedAt", s.synthetic, s.mentioned, s."mentionCount",
       s."firstVisibleAtUs", s."sinceFirstTokenUs", s."firstTokenIndex", s."relPosition", s."order", s."aboveFold",
       s.attention, s."streamScore", s."trakkrPoints", s."geoWeightedWords", s."geoShareOfAnswer"
     FROM run_brand_scores s JOIN runs r ON r.id = s."runId" WHERE s."projectId" = $1 AND ${chosen}`,
    [seeded.projectId, projectId],
  );
  await c.query(
    `INSERT INTO mentions (id, "runId", "projectId", "brandId", matched, "charStart", "charEnd", "tokenIndex",
       "visibleAtUs", "sinceFirstTokenUs", "relPosition", "sentenceIndex", "listRank", "inHeading", "inBold", snippet)
     SELECT gen_random_uuid(), ${runId('m."runId"')}, $2, ${map('brand', 'm."brandId"')}, m.matched, m."charStart",
       m."charEnd", m."tokenIndex", m."visibleAtUs", m."sinceFirstTokenUs", m."relPosition", m."sentenceIndex",
       m."listRank", m."inHeading", m."inBold", m.snippet
     FROM mentions m JOIN runs r ON r.id = m."runId" WHERE m."projectId" = $1 AND ${chosen}`,
    [seeded.projectId, projectId],
  );
  await c.query(
    `INSERT INTO citations (id, "runId", "projectId", position, url, domain, "charStart", "charEnd", "arrivedAtUs",
       "brandId", "createdAt")
     SELECT gen_random_uuid(), ${runId('x."runId"')}, $2, x.position, x.url, x.domain, x."charStart", x."charEnd",
       x."arrivedAtUs", ${map('brand', 'x."brandId"')}, x."createdAt"
     FROM citations x JOIN runs r ON r.id = x."runId" WHERE x."projectId" = $1 AND ${chosen}`,
    [seeded.projectId, projectId],
  );
  await c.query('COMMIT');
  log(`copied ${name}: ${((Date.now() - started) / 1000).toFixed(0)} s`);
  return projectId;
}
