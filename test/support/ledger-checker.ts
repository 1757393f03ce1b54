// The "nothing lost, nothing twice" checker: one SQL-level audit of the run ledger, reused by every fault test.
// It talks to Postgres directly (pg), never through the application, so a bug in the app's queries cannot hide
// a bug in its writes.
import { CronExpressionParser } from 'cron-parser';
import { Client } from 'pg';

export interface LedgerCheckOptions {
  /** Only runs of these projects (default: every run in the database). */
  projectIds?: string[];
  /** Wait until every run is terminal or this moment passes (Date or epoch ms), then check. */
  settleDeadline?: Date | number;
  /** Bound on provider calls (run_attempts rows) per run; default RUN_MAX_ATTEMPTS + RUN_MAX_RATE_LIMIT_DEFERRALS. */
  maxProviderCalls?: number;
  /** Cap on the due slots enumerated per (prompt, engine) by the gap check. Default 10 000. */
  maxSlotsPerSeries?: number;
}

export interface LedgerCounts {
  runs: number;
  byStatus: Record<string, number>;
  attempts: number;
  /** Attempts by outcome (`open` for an attempt never closed, e.g. its worker was killed). */
  attemptsByOutcome: Record<string, number>;
  runsWithRetries: number;
  maxAttemptsPerRun: number;
  results: number;
  scoreRows: number;
  scheduledSeries: number;
  scheduledSlotsChecked: number;
}

export interface LedgerCheckResult {
  ok: boolean;
  violations: string[];
  counts: LedgerCounts;
}

const TERMINAL = ['succeeded', 'failed', 'skipped'];
const MAX_LISTED = 20;

function defaultMaxProviderCalls(): number {
  const attempts = Number(process.env.RUN_MAX_ATTEMPTS || 3);
  const deferrals = Number(process.env.RUN_MAX_RATE_LIMIT_DEFERRALS || 5);
  return attempts + deferrals;
}

/** Adds one violation per offending row (at most MAX_LISTED, then a count of the rest). */
function report<T>(violations: string[], title: string, rows: T[], describe: (row: T) => string): void {
  if (rows.length === 0) return;
  const listed = rows.slice(0, MAX_LISTED).map(describe);
  const more = rows.length > MAX_LISTED ? ` (+${rows.length - MAX_LISTED} more)` : '';
  violations.push(`${title}: ${rows.length} run(s)${more}\n    ${listed.join('\n    ')}`);
}

export async function checkLedger(
  databaseUrl: string,
  options: LedgerCheckOptions = {},
): Promise<LedgerCheckResult> {
  const client = new Client({ connectionString: databaseUrl, application_name: 'streamrank-ledger-check' });
  await client.connect();
  try {
    return await check(client, options);
  } finally {
    await client.end();
  }
}

async function check(client: Client, options: LedgerCheckOptions): Promise<LedgerCheckResult> {
  const violations: string[] = [];
  const projects = options.projectIds ?? null;
  // $1 is always the project filter (NULL = every project).
  const scope = `($1::uuid[] IS NULL OR r."projectId" = ANY($1::uuid[]))`;
  const q = async <T extends object>(sql: string, params: unknown[] = []): Promise<T[]> =>
    (await client.query<T>(sql, [projects, ...params])).rows;

  // Settle: poll until no run in scope is non-terminal, or the deadline passes.
  if (options.settleDeadline !== undefined) {
    const deadline = new Date(options.settleDeadline).getTime();
    for (;;) {
      const [row] = await q<{ n: string }>(
        `SELECT count(*) AS n FROM runs r WHERE ${scope} AND r.status NOT IN ('succeeded','failed','skipped')`,
      );
      if (Number(row!.n) === 0 || Date.now() >= deadline) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  // 1. Every run is terminal, and terminal states carry their reason.
  const nonTerminal = await q<{ id: string; status: string; attempts: number; updatedAt: Date }>(
    `SELECT r.id, r.status, r.attempts, r."updatedAt" FROM runs r
     WHERE ${scope} AND r.status NOT IN ('succeeded','failed','skipped') ORDER BY r."updatedAt"`,
  );
  report(
    violations,
    'non-terminal runs',
    nonTerminal,
    (r) => `${r.id} ${r.status} attempts=${r.attempts} updatedAt=${r.updatedAt.toISOString()}`,
  );
  const noReason = await q<{ id: string; status: string }>(
    `SELECT r.id, r.status FROM runs r WHERE ${scope} AND (
       (r.status = 'failed' AND (r."failureReason" IS NULL OR r."failureReason" = ''))
       OR (r.status = 'skipped' AND (r."skipReason" IS NULL OR r."skipReason" = '')))`,
  );
  report(violations, 'failed/skipped runs without a reason', noReason, (r) => `${r.id} ${r.status}`);
  const noFinish = await q<{ id: string; status: string }>(
    `SELECT r.id, r.status FROM runs r WHERE ${scope}
     AND r.status IN ('succeeded','failed','skipped') AND r."finishedAt" IS NULL`,
  );
  report(violations, 'terminal runs without finishedAt', noFinish, (r) => `${r.id} ${r.status}`);

  // 2. One result per run (the run_results PK makes two structural), and it matches the status.
  const resultMismatch = await q<{ id: string; status: string; complete: boolean | null }>(
    `SELECT r.id, r.status, rr.complete FROM runs r LEFT JOIN run_results rr ON rr."runId" = r.id
     WHERE ${scope} AND (
       (r.status = 'succeeded' AND (rr."runId" IS NULL OR NOT rr.complete))
       OR (r.status = 'failed' AND rr.complete)
       OR (r.status IN ('skipped','queued','running') AND rr."runId" IS NOT NULL))`,
  );
  report(
    violations,
    'result does not match status (succeeded ⇔ complete result; failed ⇒ none complete; others ⇒ none)',
    resultMismatch,
    (r) => `${r.id} ${r.status} result=${r.complete === null ? 'none' : r.complete ? 'complete' : 'partial'}`,
  );

  // 3. No result from a stale attempt: a succeeded run's result was written by its current attempt token,
  //    which is the (only) attempt whose outcome is 'succeeded'.
  const stale = await q<{ id: string; detail: string }>(
    `SELECT r.id, concat('run token=', r."attemptToken", ' result token=', rr."attemptToken",
              ' succeeded attempts=', (SELECT count(*) FROM run_attempts a
                                        WHERE a."runId" = r.id AND a.outcome = 'succeeded'),
              ' result attempt outcome=', coalesce(ra.outcome, 'none')) AS detail
     FROM runs r JOIN run_results rr ON rr."runId" = r.id
     LEFT JOIN run_attempts ra ON ra.token = rr."attemptToken" AND ra."runId" = r.id
     WHERE ${scope} AND r.status = 'succeeded' AND (
       rr."attemptToken" IS DISTINCT FROM r."attemptToken"
       OR ra.outcome IS DISTINCT FROM 'succeeded'
       OR (SELECT count(*) FROM run_attempts a WHERE a."runId" = r.id AND a.outcome = 'succeeded') <> 1)`,
  );
  report(violations, 'result from a stale attempt', stale, (r) => `${r.id} ${r.detail}`);
  const failedWithSuccess = await q<{ id: string }>(
    `SELECT r.id FROM runs r WHERE ${scope} AND r.status <> 'succeeded'
     AND EXISTS (SELECT 1 FROM run_attempts a WHERE a."runId" = r.id AND a.outcome = 'succeeded')`,
  );
  report(violations, 'non-succeeded runs with a succeeded attempt', failedWithSuccess, (r) => r.id);

  // 4. Provider calls per run are bounded.
  const maxCalls = options.maxProviderCalls ?? defaultMaxProviderCalls();
  const tooMany = await q<{ id: string; n: string }>(
    // An attempt refused before calling the provider (attempts_exhausted) is bookkeeping, not a call.
    `SELECT r.id, count(a.id) AS n FROM runs r JOIN run_attempts a ON a."runId" = r.id
     WHERE ${scope} AND a."reasonCode" IS DISTINCT FROM 'attempts_exhausted'
     GROUP BY r.id HAVING count(a.id) > $2`,
    [maxCalls],
  );
  report(violations, `more than ${maxCalls} provider calls`, tooMany, (r) => `${r.id} calls=${r.n}`);
  const attemptsMismatch = await q<{ id: string; attempts: number; n: string }>(
    `SELECT r.id, r.attempts, (SELECT count(*) FROM run_attempts a WHERE a."runId" = r.id) AS n
     FROM runs r WHERE ${scope}
     AND r.attempts <> (SELECT count(*) FROM run_attempts a WHERE a."runId" = r.id)`,
  );
  report(
    violations,
    'runs.attempts differs from run_attempts rows',
    attemptsMismatch,
    (r) => `${r.id} attempts=${r.attempts} rows=${r.n}`,
  );

  // 4b. Every attempt ends: only the current attempt of a queued or running run may be open; any other attempt
  //     has an outcome and finishedAt (a dead worker's attempt is closed `abandoned` once its run moves on).
  const openAttempts = await q<{ id: string; status: string; attempt: number; outcome: string | null }>(
    `SELECT r.id, r.status, a.attempt, a.outcome FROM runs r JOIN run_attempts a ON a."runId" = r.id
     WHERE ${scope} AND (a.outcome IS NULL OR a."finishedAt" IS NULL)
     AND (r.status NOT IN ('queued', 'running') OR r."attemptToken" IS DISTINCT FROM a.token)
     ORDER BY r.id, a.attempt`,
  );
  report(
    violations,
    'attempts left open after their run moved on',
    openAttempts,
    (r) => `${r.id} ${r.status} attempt=${r.attempt} outcome=${r.outcome ?? 'null'}`,
  );

  // 5. Scores: every succeeded run has at least one score row, one per brand that existed when its
  //    succeeding attempt started (the PK forbids duplicates), and none for a brand of another project.
  const noScores = await q<{ id: string }>(
    `SELECT r.id FROM runs r WHERE ${scope} AND r.status = 'succeeded'
     AND NOT EXISTS (SELECT 1 FROM run_brand_scores s WHERE s."runId" = r.id)`,
  );
  report(violations, 'succeeded runs without score rows', noScores, (r) => r.id);
  const missingBrand = await q<{ id: string; brand: string }>(
    `SELECT r.id, b.name AS brand FROM runs r
     JOIN run_attempts a ON a."runId" = r.id AND a.token = r."attemptToken"
     JOIN brands b ON b."projectId" = r."projectId" AND b."createdAt" < a."startedAt"
     WHERE ${scope} AND r.status = 'succeeded'
     AND NOT EXISTS (SELECT 1 FROM run_brand_scores s WHERE s."runId" = r.id AND s."brandId" = b.id)`,
  );
  report(violations, 'succeeded runs missing a brand score', missingBrand, (r) => `${r.id} brand=${r.brand}`);
  const foreignScore = await q<{ id: string }>(
    `SELECT DISTINCT r.id FROM runs r JOIN run_brand_scores s ON s."runId" = r.id
     WHERE ${scope} AND (s."projectId" <> r."projectId" OR r.status <> 'succeeded'
       OR EXISTS (SELECT 1 FROM brands b WHERE b.id = s."brandId" AND b."projectId" <> r."projectId"))`,
  );
  report(violations, 'score rows of a non-succeeded run or another project', foreignScore, (r) => r.id);
  const dupScores = await q<{ id: string }>(
    `SELECT s."runId" AS id FROM run_brand_scores s JOIN runs r ON r.id = s."runId"
     WHERE ${scope} GROUP BY s."runId", s."brandId" HAVING count(*) > 1`,
  );
  report(violations, 'duplicate score rows', dupScores, (r) => r.id);

  // 6. Each (prompt, engine, slot, sample) once: slot keys unique, and their components too.
  const dupKeys = await q<{ key: string; n: string }>(
    `SELECT concat_ws('|', r."promptId", r."engineId", r."slotAt", r.sample) AS key, count(*) AS n
     FROM runs r WHERE ${scope} AND r.trigger = 'schedule'
     GROUP BY r."promptId", r."engineId", r."slotAt", r.sample HAVING count(*) > 1
     UNION ALL
     SELECT r."slotKey", count(*) FROM runs r WHERE ${scope} GROUP BY r."slotKey" HAVING count(*) > 1`,
  );
  report(violations, 'duplicate slots', dupKeys, (r) => `${r.key} ×${r.n}`);

  // 7. No gaps: for each scheduled (prompt, engine), every due slot between its first and last claimed slot
  //    has a run for every sample 0..samplesPerSlot-1.
  const series = await q<{
    promptId: string;
    engineId: string;
    cron: string | null;
    timezone: string | null;
    samplesPerSlot: number | null;
    slots: Date[];
    samples: number[];
  }>(
    `SELECT r."promptId", r."engineId", p.cron, p.timezone, p."samplesPerSlot",
            array_agg(r."slotAt" ORDER BY r."slotAt", r.sample) AS slots,
            array_agg(r.sample ORDER BY r."slotAt", r.sample) AS samples
     FROM runs r LEFT JOIN tracked_prompts p ON p.id = r."promptId"
     WHERE ${scope} AND r.trigger = 'schedule'
     GROUP BY r."promptId", r."engineId", p.cron, p.timezone, p."samplesPerSlot"`,
  );
  const gaps: string[] = [];
  let slotsChecked = 0;
  const maxSlots = options.maxSlotsPerSeries ?? 10_000;
  for (const s of series) {
    if (!s.cron || !s.timezone) continue; // prompt deleted: its schedule is unknown
    const have = new Map<number, Set<number>>();
    s.slots.forEach((slot, i) => {
      const t = new Date(slot).getTime();
      const set = have.get(t) ?? new Set<number>();
      set.add(s.samples[i]!);
      have.set(t, set);
    });
    const first = new Date(s.slots[0]!);
    const last = new Date(s.slots[s.slots.length - 1]!).getTime();
    // Enumerate the grid from the first claimed slot (which may be off-grid: nextSlotAt set by hand).
    const expected = [first.getTime()];
    const it = CronExpressionParser.parse(s.cron, { tz: s.timezone, currentDate: first });
    while (expected.length < maxSlots) {
      const next = it.next().toDate().getTime();
      if (next > last) break;
      expected.push(next);
    }
    for (const t of expected) {
      slotsChecked++;
      const got = have.get(t);
      const missing: number[] = [];
      for (let k = 0; k < (s.samplesPerSlot ?? 1); k++) if (!got?.has(k)) missing.push(k);
      if (missing.length > 0) {
        gaps.push(
          `prompt=${s.promptId} engine=${s.engineId} slot=${new Date(t).toISOString()} samples=${missing.join(',')}`,
        );
      }
    }
  }
  report(violations, 'missing scheduled slots (gaps)', gaps, (g) => g);

  // Counts.
  const byStatusRows = await q<{ status: string; n: string }>(
    `SELECT r.status, count(*) AS n FROM runs r WHERE ${scope} GROUP BY r.status`,
  );
  const byStatus: Record<string, number> = {};
  for (const s of [...TERMINAL, 'queued', 'running']) byStatus[s] = 0;
  for (const row of byStatusRows) byStatus[row.status] = Number(row.n);
  const byOutcomeRows = await q<{ outcome: string; n: string }>(
    `SELECT coalesce(a.outcome, 'open') AS outcome, count(*) AS n
     FROM run_attempts a JOIN runs r ON r.id = a."runId" WHERE ${scope} GROUP BY 1`,
  );
  const attemptsByOutcome: Record<string, number> = {};
  for (const row of byOutcomeRows) attemptsByOutcome[row.outcome] = Number(row.n);
  const [agg] = await q<{ retried: string; maxAttempts: number | null; results: string; scores: string }>(
    `SELECT count(*) FILTER (WHERE r.attempts > 1) AS retried, max(r.attempts) AS "maxAttempts",
            (SELECT count(*) FROM run_results rr JOIN runs r ON r.id = rr."runId" WHERE ${scope}) AS results,
            (SELECT count(*) FROM run_brand_scores s JOIN runs r ON r.id = s."runId" WHERE ${scope}) AS scores
     FROM runs r WHERE ${scope}`,
  );
  const counts: LedgerCounts = {
    runs: Object.values(byStatus).reduce((a, b) => a + b, 0),
    byStatus,
    attempts: Object.values(attemptsByOutcome).reduce((a, b) => a + b, 0),
    attemptsByOutcome,
    runsWithRetries: Number(agg?.retried ?? 0),
    maxAttemptsPerRun: agg?.maxAttempts ?? 0,
    results: Number(agg?.results ?? 0),
    scoreRows: Number(agg?.scores ?? 0),
    scheduledSeries: series.length,
    scheduledSlotsChecked: slotsChecked,
  };
  return { ok: violations.length === 0, violations, counts };
}
