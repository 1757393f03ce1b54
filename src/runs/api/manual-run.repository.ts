import { Injectable } from '@nestjs/common';
import { Prisma } from '../../generated/prisma/client';
import { PrismaService } from '../../infra/prisma/prisma.service';
import {
  BudgetExceededError,
  BudgetLedger,
  budgetsEnabled,
  nextUtcDayStart,
  type BudgetCaps,
} from '../../usage/usage-budget';
import { lockWorkspaceBudgets, readDayUsage } from '../../usage/usage.repository';

const UNLIMITED: BudgetCaps = { maxRunsPerDay: 0, maxSpendUsdPerDay: 0 };

/** The slot key of a manual run: unique per request, engine and sample (a scheduled one starts with `s:`). */
export function manualSlotKey(requestId: string, engineId: string, sample: number): string {
  return `m:${requestId}:${engineId}:${sample}`;
}

/** The runs of "run now" requests, idempotent per Idempotency-Key. */
@Injectable()
export class ManualRunRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * Creates the runs of a "run now" request. With an idempotency key, a repeated request returns the runs of
   * the first one (and a different body under the same key is refused by the caller via requestHash).
   */
  async createManualRuns(input: {
    workspaceId: string;
    projectId: string;
    promptId: string;
    engines: { id: string; synthetic: boolean }[];
    samples: number;
    idempotencyKey: string | null;
    requestHash: string;
    now: Date;
    /** Daily workspace budgets: past one, nothing is created and BudgetExceededError is thrown. */
    caps?: BudgetCaps;
  }): Promise<{ requestId: string; runIds: string[]; replayed: boolean; requestHash: string }> {
    if (input.idempotencyKey) {
      const existing = await this.findManualRequest(input.workspaceId, input.idempotencyKey);
      if (existing) return { ...existing, replayed: true };
    }
    try {
      return await this.prisma.$transaction(async (tx) => {
        const caps = input.caps ?? UNLIMITED;
        if (budgetsEnabled(caps)) {
          await lockWorkspaceBudgets(tx, [input.workspaceId]);
          const budget = new BudgetLedger(caps, await readDayUsage(tx, [input.workspaceId], input.now));
          const reason = budget.admit(input.workspaceId, input.engines.length * input.samples);
          if (reason) throw new BudgetExceededError(reason, nextUtcDayStart(input.now));
        }
        const request = await tx.manualRunRequest.create({
          data: {
            workspaceId: input.workspaceId,
            promptId: input.promptId,
            idempotencyKey: input.idempotencyKey,
            requestHash: input.requestHash,
          },
        });
        const runIds: string[] = [];
        for (const engine of input.engines) {
          for (let sample = 0; sample < input.samples; sample++) {
            const run = await tx.run.create({
              data: {
                workspaceId: input.workspaceId,
                projectId: input.projectId,
                promptId: input.promptId,
                engineId: engine.id,
                slotKey: manualSlotKey(request.id, engine.id, sample),
                slotAt: input.now,
                sample,
                trigger: 'manual',
                synthetic: engine.synthetic,
              },
              select: { id: true },
            });
            runIds.push(run.id);
          }
        }
        return { requestId: request.id, runIds, replayed: false, requestHash: input.requestHash };
      });
    } catch (e) {
      // Two concurrent requests with one key: the loser returns the winner's runs (also when the winner's runs
      // used up the budget the loser then saw).
      if (
        input.idempotencyKey &&
        ((e instanceof Prisma.PrismaClientKnownRequestError && e.code === 'P2002') ||
          e instanceof BudgetExceededError)
      ) {
        const existing = await this.findManualRequest(input.workspaceId, input.idempotencyKey);
        if (existing) return { ...existing, replayed: true };
      }
      throw e;
    }
  }

  private async findManualRequest(
    workspaceId: string,
    key: string,
  ): Promise<{ requestId: string; runIds: string[]; requestHash: string } | null> {
    const req = await this.prisma.manualRunRequest.findUnique({
      where: { workspaceId_idempotencyKey: { workspaceId, idempotencyKey: key } },
    });
    if (!req) return null;
    const runs = await this.prisma.run.findMany({
      where: { slotKey: { startsWith: `m:${req.id}:` } },
      select: { id: true },
      orderBy: [{ engineId: 'asc' }, { sample: 'asc' }],
    });
    return { requestId: req.id, runIds: runs.map((r) => r.id), requestHash: req.requestHash };
  }
}
