// Per-workspace daily budgets (UTC day): runs per day and estimated spend per day. Shared by the slot claimer
// (over-budget slots become `skipped` runs, never lost), "run now" (refused with 429) and GET /v1/usage.
// Pure: the day's usage is read by usage.repository.ts (lockWorkspaceBudgets, readDayUsage).

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
