import { Injectable } from '@nestjs/common';
import { type Prisma } from '../generated/prisma/client';
import { PrismaService } from '../infra/prisma/prisma.service';
import { MAX_RUN_LIFETIME_DAYS, utcDayStart, type WorkspaceDayUsage } from './usage-budget';

const DAY_MS = 86_400_000;

/** Runs created on one UTC day with one status and skip reason. */
export interface DayRunCount {
  /** UTC day, YYYY-MM-DD. */
  day: string;
  status: string;
  skipReason: string | null;
  n: number;
}

/** Estimated spend of the runs finished on one UTC day. */
export interface DaySpend {
  /** UTC day, YYYY-MM-DD. */
  day: string;
  usd: number;
}

/** A transaction of the caller's: budget decisions are taken in the transaction that creates the runs. */
export type UsageTransaction = Prisma.TransactionClient;

/** Reads for GET /v1/usage: per-day run counts and spend of one workspace since `from`. */
@Injectable()
export class UsageRepository {
  constructor(private readonly prisma: PrismaService) {}

  async runsPerDay(workspaceId: string, from: Date): Promise<DayRunCount[]> {
    const rows = await this.prisma.$queryRaw<
      { day: string; status: string; skipReason: string | null; n: bigint }[]
    >`
        SELECT to_char("createdAt" AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day, status::text AS status,
               "skipReason", count(*) AS n
        FROM runs WHERE "workspaceId" = ${workspaceId}::uuid AND "createdAt" >= ${from}
        GROUP BY 1, 2, 3`;
    return rows.map((r) => ({ ...r, n: Number(r.n) }));
  }

  async spendPerDay(workspaceId: string, from: Date): Promise<DaySpend[]> {
    const oldest = new Date(from.getTime() - MAX_RUN_LIFETIME_DAYS * DAY_MS);
    const rows = await this.prisma.$queryRaw<{ day: string; usd: string | null }[]>`
        SELECT to_char(r."finishedAt" AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day,
               sum(rr."estimatedCostUsd")::text AS usd
        FROM runs r JOIN run_results rr ON rr."runId" = r.id
        WHERE r."workspaceId" = ${workspaceId}::uuid AND r."createdAt" >= ${oldest} AND r."finishedAt" >= ${from}
        GROUP BY 1`;
    return rows.map((r) => ({ day: r.day, usd: Number(r.usd ?? 0) }));
  }
}

/**
 * Serializes budget decisions of one workspace (claimers on every replica, concurrent "run now" requests)
 * until the end of the transaction, so two of them cannot both spend the last unit of a cap. Locks are taken
 * in a fixed order to avoid deadlocks.
 */
export async function lockWorkspaceBudgets(tx: UsageTransaction, workspaceIds: string[]): Promise<void> {
  for (const id of [...new Set(workspaceIds)].sort()) {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`streamrank:budget:${id}`}))`;
  }
}

/** Today's counted runs and spend of each workspace (read inside the caller's transaction). */
export async function readDayUsage(
  tx: UsageTransaction,
  workspaceIds: string[],
  now: Date,
): Promise<Map<string, WorkspaceDayUsage>> {
  const ids = [...new Set(workspaceIds)];
  const usage = new Map<string, WorkspaceDayUsage>(ids.map((id) => [id, { runs: 0, spendUsd: 0 }]));
  if (ids.length === 0) return usage;
  const dayStart = utcDayStart(now);
  const oldest = new Date(dayStart.getTime() - MAX_RUN_LIFETIME_DAYS * DAY_MS);
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
