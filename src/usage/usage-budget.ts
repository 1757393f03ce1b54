// Per-workspace daily budgets (UTC day): runs per day and estimated spend per day. Shared by the slot claimer
// (over-budget slots become `skipped` runs, never lost), "run now" (refused with 429) and GET /v1/usage.
import { type Prisma } from '../generated/prisma/client';

export interface BudgetCaps {
  /** Runs per workspace per UTC day (skipped runs excluded); 0 = unlimited. */
  maxRunsPerDay: number;
  /** Estimated USD spend per workspace per UTC day; 0 = unlimited. */
  maxSpendUsdPerDay: number;
}

export type BudgetSkipReason = 'budget_runs_per_day' | 'budget_spend_per_day';

export interface WorkspaceDayUsage {
  /** Runs created this UTC day, skipped ones excluded. */
  runs: number;
  /** Sum of run_results.estimatedCostUsd of runs finished this UTC day. */
  spendUsd: number;
}

/** A run whose whole life (created → finished) spans more than this is long failed by the reconciler. */
export const MAX_RUN_LIFETIME_DAYS = 7;

export function budgetsEnabled(caps: BudgetCaps): boolean {
  return caps.maxRunsPerDay > 0 || caps.maxSpendUsdPerDay > 0;
}

export function utcDayStart(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
}

export function nextUtcDayStart(now: Date): Date {
  return new Date(utcDayStart(now).getTime() + 86_400_000);
}

/**
 * Serializes budget decisions of one workspace (claimers on every replica, concurrent "run now" requests)
 * until the end of the transaction, so two of them cannot both spend the last unit of a cap. Locks are taken
 * in a fixed order to avoid deadlocks.
 */
export async function lockWorkspaceBudgets(
  tx: Prisma.TransactionClient,
  workspaceIds: string[],
): Promise<void> {
  for (const id of [...new Set(workspaceIds)].sort()) {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`streamrank:budget:${id}`}))`;
  }
}

/** Today's counted runs and spend of each workspace (read inside the caller's transaction). */
export async function readDayUsage(
  tx: Prisma.TransactionClient,
  workspaceIds: string[],
  now: Date,
): Promise<Map<string, WorkspaceDayUsage>> {
  const ids = [...new Set(workspaceIds)];
  const usage = new Map<string, WorkspaceDayUsage>(ids.map((id) => [id, { runs: 0, spendUsd: 0 }]));
  if (ids.length === 0) return usage;
  const dayStart = utcDayStart(now);
  const oldest = new Date(dayStart.getTime() - MAX_RUN_LIFETIME_DAYS * 86_400_000);
  const runs = await tx.$queryRaw<{ workspaceId: string; n: bigint }[]>`
    SELECT "workspaceId", count(*) AS n FROM runs
    WHERE "workspaceId" = ANY(${ids}::uuid[]) AND "createdAt" >= ${dayStart} AND status <> 'skipped'
    GROUP BY "workspaceId"`;
  const spend = await tx.$queryRaw<{ workspaceId: string; usd: string | null }[]>`
    SELECT r."workspaceId", sum(rr."estimatedCostUsd")::text AS usd
    FROM runs r JOIN run_results rr ON rr."runId" = r.id
    WHERE r."workspaceId" = ANY(${ids}::uuid[]) AND r."createdAt" >= ${oldest} AND r."finishedAt" >= ${dayStart}
    GROUP BY r."workspaceId"`;
  for (const row of runs) usage.get(row.workspaceId)!.runs = Number(row.n);
  for (const row of spend) usage.get(row.workspaceId)!.spendUsd = Number(row.usd ?? 0);
  return usage;
}

/**
 * Decides run by run within one transaction: `admit()` returns null while the workspace is within budget
 * (and counts the run), or the skip reason once a cap is reached. Spend is only known after a run, so the
 * spend cap stops new runs once today's spend has reached it.
 */
export class BudgetLedger {
  private readonly pending = new Map<string, number>();

  constructor(
    private readonly caps: BudgetCaps,
    private readonly usage: Map<string, WorkspaceDayUsage>,
  ) {}

  admit(workspaceId: string, runs = 1): BudgetSkipReason | null {
    const used = this.usage.get(workspaceId) ?? { runs: 0, spendUsd: 0 };
    if (this.caps.maxSpendUsdPerDay > 0 && used.spendUsd >= this.caps.maxSpendUsdPerDay) {
      return 'budget_spend_per_day';
    }
    const pending = this.pending.get(workspaceId) ?? 0;
    if (this.caps.maxRunsPerDay > 0 && used.runs + pending + runs > this.caps.maxRunsPerDay) {
      return 'budget_runs_per_day';
    }
    this.pending.set(workspaceId, pending + runs);
    return null;
  }
}

/** Thrown by "run now" when the workspace is over a daily budget; rendered as 429 budget_exceeded. */
export class BudgetExceededError extends Error {
  constructor(
    readonly reason: BudgetSkipReason,
    readonly resetAt: Date,
  ) {
    super(
      reason === 'budget_runs_per_day'
        ? 'The workspace has reached its runs-per-day budget (WORKSPACE_MAX_RUNS_PER_DAY)'
        : 'The workspace has reached its estimated-spend-per-day budget (WORKSPACE_MAX_SPEND_USD_PER_DAY)',
    );
    this.name = 'BudgetExceededError';
  }
}
