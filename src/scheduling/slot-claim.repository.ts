import { Injectable } from '@nestjs/common';
import { Prisma } from '../generated/prisma/client';
import { PrismaService } from '../infra/prisma/prisma.service';
import { BudgetLedger, budgetsEnabled, type BudgetCaps } from '../usage/usage-budget';
import { lockWorkspaceBudgets, readDayUsage } from '../usage/usage.repository';
import { scheduledSlotKey, type PromptPlan } from './slot-planner';

export interface DuePrompt {
  id: string;
  workspaceId: string;
  projectId: string;
  cron: string;
  timezone: string;
  samplesPerSlot: number;
  nextSlotAt: Date;
}

/** A prompt of the batch whose schedule no longer plans: recorded as skipped runs, the rest claimed. */
export interface BrokenPrompt {
  promptId: string;
  error: string;
}

interface PromptEngineLink {
  promptId: string;
  engine: { id: string; provider: string; disabledReason: string | null };
}

const MAX_SLOTS_PER_PROMPT_PER_CLAIM = 100;
const UNLIMITED: BudgetCaps = { maxRunsPerDay: 0, maxSpendUsdPerDay: 0 };

/** The scheduled side of the run ledger: due prompts become runs, one per (prompt, engine, slot, sample). */
@Injectable()
export class SlotClaimRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * Claims due prompts (FOR UPDATE SKIP LOCKED, so any number of replicas can claim concurrently), inserts
   * their runs (a duplicate slot key is a no-op), advances nextSlotAt. Returns how many prompts were claimed
   * (callers loop until none are) and the ids of new queued runs (a batch of only missed or already-inserted
   * slots has none, yet more prompts may be due).
   *
   * Daily workspace budgets: a slot run that would exceed its workspace's runs or spend cap for the UTC day is
   * still inserted, as `skipped` (budget_runs_per_day / budget_spend_per_day), so no slot is ever lost.
   *
   * Each prompt is planned on its own: one whose schedule no longer plans gets `skipped` runs with reason
   * `invalid_schedule` for its due slot and waits until its plan's retryAt, and the rest of the batch is
   * claimed. Planning is plain code that runs before any write, so this needs no savepoint per prompt.
   */
  async claimDueSlots(
    now: Date,
    batch: number,
    plan: (p: DuePrompt, maxSlots: number) => PromptPlan,
    caps: BudgetCaps = UNLIMITED,
  ): Promise<{ promptsClaimed: number; runIds: string[]; broken: BrokenPrompt[] }> {
    return this.prisma.$transaction(async (tx) => {
      const due = await tx.$queryRaw<DuePrompt[]>`
        SELECT id, "workspaceId", "projectId", cron, timezone, "samplesPerSlot", "nextSlotAt"
        FROM tracked_prompts
        WHERE active AND "nextSlotAt" <= ${now}
        ORDER BY "nextSlotAt"
        LIMIT ${batch}
        FOR UPDATE SKIP LOCKED`;
      if (due.length === 0) return { promptsClaimed: 0, runIds: [], broken: [] };
      const links = await tx.promptEngine.findMany({
        where: { promptId: { in: due.map((p) => p.id) } },
        select: { promptId: true, engine: { select: { id: true, provider: true, disabledReason: true } } },
      });
      const rows: Prisma.RunCreateManyInput[] = [];
      const advanced: { id: string; nextSlotAt: Date }[] = [];
      const broken: BrokenPrompt[] = [];
      for (const prompt of due) {
        const planned = plan(prompt, MAX_SLOTS_PER_PROMPT_PER_CLAIM);
        const promptLinks = links.filter((l) => l.promptId === prompt.id);
        appendSlotRuns(rows, prompt, promptLinks, planned, now);
        if (!planned.ok) broken.push({ promptId: prompt.id, error: planned.error });
        advanced.push({ id: prompt.id, nextSlotAt: planned.ok ? planned.nextSlotAt : planned.retryAt });
      }
      // Every claimed prompt's next slot in one statement (not one round trip per prompt).
      await tx.$executeRaw`
        UPDATE tracked_prompts t SET "nextSlotAt" = a.next, "updatedAt" = ${new Date()}
        FROM unnest(${advanced.map((a) => a.id)}::uuid[], ${advanced.map((a) => a.nextSlotAt)}::timestamptz[])
          AS a(id, next)
        WHERE t.id = a.id`;
      if (budgetsEnabled(caps)) await this.applyBudgets(tx, rows, caps, now);
      const created = await tx.run.createManyAndReturn({
        data: rows,
        skipDuplicates: true,
        select: { id: true, status: true },
      });
      return {
        promptsClaimed: due.length,
        runIds: created.filter((r) => r.status === 'queued').map((r) => r.id),
        broken,
      };
    });
  }

  /**
   * Marks the would-be-queued rows over their workspace's daily budget as skipped, in insertion order. Rows
   * whose slot key already exists (a re-claim) are left alone and not counted: the insert skips them.
   */
  private async applyBudgets(
    tx: Prisma.TransactionClient,
    rows: Prisma.RunCreateManyInput[],
    caps: BudgetCaps,
    now: Date,
  ): Promise<void> {
    const candidates = rows.filter((r) => r.status === 'queued');
    if (candidates.length === 0) return;
    const existing = await tx.run.findMany({
      where: { slotKey: { in: candidates.map((r) => r.slotKey) } },
      select: { slotKey: true },
    });
    const inserted = new Set(existing.map((r) => r.slotKey));
    const fresh = candidates.filter((r) => !inserted.has(r.slotKey));
    const workspaceIds = fresh.map((r) => r.workspaceId);
    await lockWorkspaceBudgets(tx, workspaceIds);
    const budget = new BudgetLedger(caps, await readDayUsage(tx, workspaceIds, now));
    for (const row of fresh) {
      const reason = budget.admit(row.workspaceId);
      if (reason) Object.assign(row, { status: 'skipped', skipReason: reason, finishedAt: now });
    }
  }
}

/** Appends the run rows of one claimed prompt: every planned slot for every engine and sample. */
function appendSlotRuns(
  rows: Prisma.RunCreateManyInput[],
  prompt: DuePrompt,
  links: readonly PromptEngineLink[],
  planned: PromptPlan,
  now: Date,
): void {
  const slots = planned.ok ? planned.slots : [{ slotAt: planned.slotAt, missed: false }];
  for (const link of links) {
    for (const slot of slots) {
      for (let sample = 0; sample < prompt.samplesPerSlot; sample++) {
        rows.push({
          workspaceId: prompt.workspaceId,
          projectId: prompt.projectId,
          promptId: prompt.id,
          engineId: link.engine.id,
          slotKey: scheduledSlotKey(prompt.id, link.engine.id, slot.slotAt, sample),
          slotAt: slot.slotAt,
          sample,
          trigger: 'schedule',
          synthetic: link.engine.provider === 'demo',
          ...(!planned.ok
            ? {
                status: 'skipped',
                skipReason: 'invalid_schedule',
                failureMessage: `the stored schedule no longer parses: ${planned.error}`.slice(0, 1000),
                finishedAt: now,
              }
            : slot.missed
              ? { status: 'skipped', skipReason: 'missed_slot', finishedAt: now }
              : link.engine.disabledReason
                ? // The provider rejected this engine's credential: visible, not silently dropped.
                  { status: 'skipped', skipReason: 'engine_disabled', finishedAt: now }
                : { status: 'queued' }),
        });
      }
    }
  }
}
