import { Inject, Injectable } from '@nestjs/common';
import { budgetCaps, type AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { Clock } from '../infra/clock/clock';
import { type UsageQuery } from './dto/usage-query.dto';
import { nextUtcDayStart, utcDayStart } from './usage-budget';
import { UsageRepository } from './usage.repository';

type RunStatusName = 'queued' | 'running' | 'succeeded' | 'failed' | 'skipped';
const DAY_MS = 86_400_000;

export interface UsageDay {
  /** UTC day, YYYY-MM-DD. */
  day: string;
  /** Runs created that day, by status. */
  runs: Record<RunStatusName | 'total', number>;
  /** Runs that count toward the runs budget (every run created that day but skipped ones). */
  countedRuns: number;
  /** Skipped runs created that day, by skip reason (missed_slot, engine_disabled, budget_...). */
  skippedByReason: Record<string, number>;
  /** Sum of the estimated cost (PRICE_TABLE) of runs finished that day, USD; unpriced models count 0. */
  estimatedSpendUsd: number;
}

export interface UsageReport {
  today: UsageDay;
  /** Daily caps of this workspace; null = unlimited. */
  caps: { runsPerDay: number | null; spendUsdPerDay: number | null };
  /** What is left today under each cap; null = unlimited. */
  remaining: { runs: number | null; spendUsd: number | null };
  /** When today's budgets reset (next UTC midnight). */
  resetsAt: string;
  /** One entry per UTC day, oldest first, ending with today. */
  history: UsageDay[];
}

const isoDay = (d: Date) => d.toISOString().slice(0, 10);
const usd = (n: number) => Math.round(n * 1e8) / 1e8;

/** GET /v1/usage: today's runs and estimated spend against the daily budgets, plus per-day history. */
@Injectable()
export class UsageService {
  constructor(
    private readonly usage: UsageRepository,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async report(workspaceId: string, query: UsageQuery): Promise<UsageReport> {
    const now = this.clock.now();
    const today = utcDayStart(now);
    const from = new Date(today.getTime() - (query.days - 1) * DAY_MS);
    const [runRows, spendRows] = await Promise.all([
      this.usage.runsPerDay(workspaceId, from),
      this.usage.spendPerDay(workspaceId, from),
    ]);
    const days = new Map<string, UsageDay>();
    for (let t = from.getTime(); t <= today.getTime(); t += DAY_MS) {
      const day = isoDay(new Date(t));
      days.set(day, {
        day,
        runs: { queued: 0, running: 0, succeeded: 0, failed: 0, skipped: 0, total: 0 },
        countedRuns: 0,
        skippedByReason: {},
        estimatedSpendUsd: 0,
      });
    }
    for (const row of runRows) {
      const entry = days.get(row.day);
      if (!entry) continue;
      const n = row.n;
      entry.runs[row.status as RunStatusName] += n;
      entry.runs.total += n;
      if (row.status === 'skipped') {
        const reason = row.skipReason ?? 'unknown';
        entry.skippedByReason[reason] = (entry.skippedByReason[reason] ?? 0) + n;
      } else {
        entry.countedRuns += n;
      }
    }
    for (const row of spendRows) {
      const entry = days.get(row.day);
      if (entry) entry.estimatedSpendUsd = usd(row.usd);
    }
    const history = [...days.values()];
    const todayUsage = history[history.length - 1]!;
    const caps = budgetCaps(this.config);
    const runsCap = caps.maxRunsPerDay > 0 ? caps.maxRunsPerDay : null;
    const spendCap = caps.maxSpendUsdPerDay > 0 ? caps.maxSpendUsdPerDay : null;
    return {
      today: todayUsage,
      caps: { runsPerDay: runsCap, spendUsdPerDay: spendCap },
      remaining: {
        runs: runsCap === null ? null : Math.max(0, runsCap - todayUsage.countedRuns),
        spendUsd: spendCap === null ? null : Math.max(0, usd(spendCap - todayUsage.estimatedSpendUsd)),
      },
      resetsAt: nextUtcDayStart(now).toISOString(),
      history,
    };
  }
}
