import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { Prisma } from '../generated/prisma/client';
import { PrismaService } from '../infra/prisma/prisma.service';
import { manualSlotKey, scheduledSlotKey, type SlotPlan } from '../scheduling/slot-planner';
import {
  BudgetExceededError,
  BudgetLedger,
  budgetsEnabled,
  lockWorkspaceBudgets,
  nextUtcDayStart,
  readDayUsage,
  type BudgetCaps,
} from '../usage/usage-budget';

export interface DuePrompt {
  id: string;
  workspaceId: string;
  projectId: string;
  cron: string;
  timezone: string;
  samplesPerSlot: number;
  nextSlotAt: Date;
}

export interface StartedAttempt {
  runId: string;
  attempt: number;
  token: string;
  workspaceId: string;
  projectId: string;
  promptId: string;
  engineId: string;
  slotAt: Date;
  sample: number;
}

export interface AttemptFailure {
  reasonCode: string;
  message: string;
  httpStatus?: number;
  retryAfterMs?: number;
}

export interface PartialCapture {
  answerText: string;
  reasoningText: string | null;
  requestSentAt: Date;
  headersUs: number | null;
  ttftUs: number | null;
  durationUs: number;
  chunkArrivalsUs: number[];
  chunkEnds: number[];
  finishReason: string | null;
}

export type MentionRow = Omit<Prisma.MentionCreateManyInput, 'runId' | 'projectId'>;
export type ScoreRow = Omit<
  Prisma.RunBrandScoreCreateManyInput,
  'runId' | 'projectId' | 'promptId' | 'engineId' | 'observedAt' | 'synthetic'
>;

export type CitationRow = Omit<Prisma.CitationCreateManyInput, 'runId' | 'projectId'>;

export interface RunResultWrite extends PartialCapture {
  flags: string[];
  responseModel: string | null;
  inputTokens: number | null;
  outputTokens: number | null;
  tokenEnds: number[];
  tokenArrivalsUs: number[];
  mentions: MentionRow[];
  scores: ScoreRow[];
  citations: CitationRow[];
  estimatedCostUsd: string | null;
}

/** A write presented an attempt token that is no longer the run's current one. */
export class StaleAttemptError extends Error {
  constructor(runId: string) {
    super(`stale attempt for run ${runId}: result refused`);
    this.name = 'StaleAttemptError';
  }
}

const MAX_SLOTS_PER_PROMPT_PER_CLAIM = 100;
const UNLIMITED: BudgetCaps = { maxRunsPerDay: 0, maxSpendUsdPerDay: 0 };

/** The run ledger: every state change of a run goes through here, fenced by its attempt token. */
@Injectable()
export class RunLedgerRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * Claims due prompts (FOR UPDATE SKIP LOCKED, so any number of replicas can claim concurrently), inserts
   * their runs (a duplicate slot key is a no-op), advances nextSlotAt. Returns how many prompts were claimed
   * (callers loop until none are) and the ids of new queued runs (a batch of only missed or already-inserted
   * slots has none, yet more prompts may be due).
   *
   * Daily workspace budgets: a slot run that would exceed its workspace's runs or spend cap for the UTC day is
   * still inserted, as `skipped` (budget_runs_per_day / budget_spend_per_day), so no slot is ever lost.
   */
  async claimDueSlots(
    now: Date,
    batch: number,
    plan: (p: DuePrompt, maxSlots: number) => SlotPlan,
    caps: BudgetCaps = UNLIMITED,
  ): Promise<{ promptsClaimed: number; runIds: string[] }> {
    return this.prisma.$transaction(async (tx) => {
      const due = await tx.$queryRaw<DuePrompt[]>`
        SELECT id, "workspaceId", "projectId", cron, timezone, "samplesPerSlot", "nextSlotAt"
        FROM tracked_prompts
        WHERE active AND "nextSlotAt" <= ${now}
        ORDER BY "nextSlotAt"
        LIMIT ${batch}
        FOR UPDATE SKIP LOCKED`;
      if (due.length === 0) return { promptsClaimed: 0, runIds: [] };
      const links = await tx.promptEngine.findMany({
        where: { promptId: { in: due.map((p) => p.id) } },
        select: { promptId: true, engine: { select: { id: true, provider: true, disabledReason: true } } },
      });
      const rows: Prisma.RunCreateManyInput[] = [];
      for (const prompt of due) {
        const { slots, nextSlotAt } = plan(prompt, MAX_SLOTS_PER_PROMPT_PER_CLAIM);
        for (const link of links.filter((l) => l.promptId === prompt.id)) {
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
                ...(slot.missed
                  ? { status: 'skipped', skipReason: 'missed_slot', finishedAt: now }
                  : link.engine.disabledReason
                    ? // The provider rejected this engine's credential: visible, not silently dropped.
                      { status: 'skipped', skipReason: 'engine_disabled', finishedAt: now }
                    : { status: 'queued' }),
              });
            }
          }
        }
        await tx.trackedPrompt.update({ where: { id: prompt.id }, data: { nextSlotAt } });
      }
      if (budgetsEnabled(caps)) await this.applyBudgets(tx, rows, caps, now);
      const created = await tx.run.createManyAndReturn({
        data: rows,
        skipDuplicates: true,
        select: { id: true, status: true },
      });
      return {
        promptsClaimed: due.length,
        runIds: created.filter((r) => r.status === 'queued').map((r) => r.id),
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

  /** Starts a new attempt with a fresh token; null when the run is already terminal (a duplicate job). */
  async startAttempt(runId: string, now: Date): Promise<StartedAttempt | null> {
    const token = randomUUID();
    return this.prisma.$transaction(async (tx) => {
      const rows = await tx.$queryRaw<Omit<StartedAttempt, 'token'>[]>`
        UPDATE runs SET status = 'running', attempts = attempts + 1, "attemptToken" = ${token}::uuid,
          "startedAt" = COALESCE("startedAt", ${now}), "updatedAt" = ${now}
        WHERE id = ${runId}::uuid AND status IN ('queued', 'running')
        RETURNING id AS "runId", attempts AS attempt, "workspaceId", "projectId", "promptId", "engineId", "slotAt", sample`;
      const row = rows[0];
      if (!row) return null;
      await tx.runAttempt.create({ data: { runId, attempt: row.attempt, token, startedAt: now } });
      return { ...row, token };
    });
  }

  /**
   * Records a failed attempt. `final` ends the run as failed (keeping the partial text for inspection);
   * otherwise the run goes back to queued while the queue waits to retry it.
   */
  async recordAttemptFailure(
    runId: string,
    token: string,
    failure: AttemptFailure,
    final: boolean,
    partial: PartialCapture | null,
    now: Date,
  ): Promise<void> {
    await this.prisma.$transaction(async (tx) => {
      const { count } = await tx.run.updateMany({
        where: { id: runId, attemptToken: token, status: 'running' },
        data: final
          ? {
              status: 'failed',
              failureReason: failure.reasonCode,
              failureMessage: failure.message,
              finishedAt: now,
            }
          : { status: 'queued' },
      });
      if (count === 0) throw new StaleAttemptError(runId);
      await tx.runAttempt.update({
        where: { token },
        data: {
          finishedAt: now,
          outcome: final ? 'failed' : 'retrying',
          reasonCode: failure.reasonCode,
          message: failure.message.slice(0, 1000),
          httpStatus: failure.httpStatus ?? null,
          retryAfterMs: failure.retryAfterMs ?? null,
        },
      });
      if (final && partial) {
        await tx.runResult.create({
          data: {
            runId,
            attemptToken: token,
            complete: false,
            flags: [],
            tokenEnds: [],
            tokenArrivalsUs: [],
            answerTokens: 0,
            ...partial,
          },
        });
      }
    });
  }

  /**
   * Writes the whole result in ONE statement (so one round trip and one implicit transaction): the fenced
   * status change, the result row, mentions, score rows and citations (row sets passed as arrays and
   * unnested), and the attempt closed. Every insert reads the run from the fenced UPDATE, so a stale token or
   * a run no longer `running` writes nothing at all and raises StaleAttemptError. The result row's primary
   * key (runId) keeps a result exactly-once even if two writers raced past the fence.
   */
  async saveRunResult(runId: string, token: string, result: RunResultWrite, now: Date): Promise<void> {
    const { mentions: m, scores: s, citations: c, ...r } = result;
    const rows = await this.prisma.$queryRaw<{ saved: number }[]>`
      WITH run AS (
        UPDATE runs SET status = 'succeeded', "finishedAt" = ${now}, "failureReason" = NULL,
          "failureMessage" = NULL, "updatedAt" = ${now}
        WHERE id = ${runId}::uuid AND "attemptToken" = ${token}::uuid AND status = 'running'
        RETURNING id, "projectId", "promptId", "engineId", synthetic
      ), result AS (
        INSERT INTO run_results ("runId", "attemptToken", complete, "answerText", "reasoningText", "finishReason",
          flags, "responseModel", "inputTokens", "outputTokens", "estimatedCostUsd", "requestSentAt", "headersUs",
          "ttftUs", "durationUs", "chunkArrivalsUs", "chunkEnds", "tokenEnds", "tokenArrivalsUs", "answerTokens")
        SELECT run.id, ${token}::uuid, true, ${r.answerText}::text, ${r.reasoningText}::text, ${r.finishReason}::text,
          ${r.flags}::text[], ${r.responseModel}::text, ${r.inputTokens}::int, ${r.outputTokens}::int,
          ${r.estimatedCostUsd}::numeric, ${r.requestSentAt}::timestamptz, ${r.headersUs}::int, ${r.ttftUs}::int,
          ${r.durationUs}::int, ${r.chunkArrivalsUs}::int[], ${r.chunkEnds}::int[], ${r.tokenEnds}::int[],
          ${r.tokenArrivalsUs}::int[], ${r.tokenEnds.length}::int
        FROM run
      ), mention AS (
        INSERT INTO mentions (id, "runId", "projectId", "brandId", matched, "charStart", "charEnd", "tokenIndex",
          "visibleAtUs", "sinceFirstTokenUs", "relPosition", "sentenceIndex", "listRank", "inHeading", "inBold",
          snippet)
        SELECT gen_random_uuid(), run.id, run."projectId", x.*
        FROM run, unnest(${m.map((x) => x.brandId)}::uuid[], ${m.map((x) => x.matched)}::text[],
          ${m.map((x) => x.charStart)}::int[], ${m.map((x) => x.charEnd)}::int[],
          ${m.map((x) => x.tokenIndex)}::int[], ${m.map((x) => x.visibleAtUs)}::int[],
          ${m.map((x) => x.sinceFirstTokenUs)}::int[], ${m.map((x) => decimalText(x.relPosition))}::numeric[],
          ${m.map((x) => x.sentenceIndex)}::int[], ${m.map((x) => x.listRank ?? null)}::int[],
          ${m.map((x) => x.inHeading)}::boolean[], ${m.map((x) => x.inBold)}::boolean[],
          ${m.map((x) => x.snippet)}::text[]) AS x
      ), score AS (
        INSERT INTO run_brand_scores ("runId", "projectId", "promptId", "engineId", "observedAt", synthetic,
          "brandId", mentioned, "mentionCount", "firstVisibleAtUs", "sinceFirstTokenUs", "firstTokenIndex",
          "relPosition", "order", "aboveFold", attention, "streamScore")
        SELECT run.id, run."projectId", run."promptId", run."engineId", ${r.requestSentAt}::timestamptz,
          run.synthetic, x.*
        FROM run, unnest(${s.map((x) => x.brandId)}::uuid[], ${s.map((x) => x.mentioned)}::boolean[],
          ${s.map((x) => x.mentionCount)}::int[], ${s.map((x) => x.firstVisibleAtUs ?? null)}::int[],
          ${s.map((x) => x.sinceFirstTokenUs ?? null)}::int[], ${s.map((x) => x.firstTokenIndex ?? null)}::int[],
          ${s.map((x) => decimalText(x.relPosition))}::numeric[], ${s.map((x) => x.order ?? null)}::int[],
          ${s.map((x) => x.aboveFold)}::boolean[], ${s.map((x) => decimalText(x.attention))}::numeric[],
          ${s.map((x) => decimalText(x.streamScore))}::numeric[]) AS x
      ), citation AS (
        INSERT INTO citations (id, "runId", "projectId", position, url, domain, title, "charStart", "charEnd",
          "arrivedAtUs", "brandId")
        SELECT gen_random_uuid(), run.id, run."projectId", x.*
        FROM run, unnest(${c.map((x) => x.position)}::int[], ${c.map((x) => x.url)}::text[],
          ${c.map((x) => x.domain)}::text[], ${c.map((x) => x.title ?? null)}::text[],
          ${c.map((x) => x.charStart ?? null)}::int[], ${c.map((x) => x.charEnd ?? null)}::int[],
          ${c.map((x) => x.arrivedAtUs)}::int[], ${c.map((x) => x.brandId ?? null)}::uuid[]) AS x
      ), attempt AS (
        UPDATE run_attempts SET "finishedAt" = ${now}, outcome = 'succeeded'
        WHERE token = ${token}::uuid AND EXISTS (SELECT 1 FROM run)
      )
      SELECT count(*)::int AS saved FROM run`;
    if (rows[0]?.saved !== 1) throw new StaleAttemptError(runId);
  }

  /** Queued runs older than `before`: their job may have been lost with Redis; re-enqueueing is idempotent. */
  async queuedBefore(before: Date, limit: number): Promise<string[]> {
    const rows = await this.prisma.run.findMany({
      where: { status: 'queued', updatedAt: { lt: before } },
      select: { id: true },
      orderBy: { updatedAt: 'asc' },
      take: limit,
    });
    return rows.map((r) => r.id);
  }

  /**
   * Runs `running` since before `before` (no attempt started since): their worker may have died with the job
   * lost. The caller decides from the queue whether the job is still live.
   */
  async runningBefore(before: Date, limit: number): Promise<{ id: string; attemptToken: string | null }[]> {
    return this.prisma.run.findMany({
      where: { status: 'running', updatedAt: { lt: before } },
      select: { id: true, attemptToken: true },
      orderBy: { updatedAt: 'asc' },
      take: limit,
    });
  }

  /**
   * Puts a run whose worker was lost back to `queued`, fenced: only when it is still `running` under the same
   * attempt token and no attempt started since `before`. The lost attempt is closed as `abandoned`; should its
   * writer still be alive, its token no longer matches a running run, so its result is refused. Returns
   * whether this caller released the run (only that caller should re-enqueue it).
   */
  async releaseLostRun(runId: string, token: string | null, before: Date, now: Date): Promise<boolean> {
    return this.prisma.$transaction(async (tx) => {
      const released = await tx.$executeRaw`
        UPDATE runs SET status = 'queued', "updatedAt" = ${now}
        WHERE id = ${runId}::uuid AND status = 'running' AND "updatedAt" < ${before}
          AND "attemptToken" IS NOT DISTINCT FROM ${token}::uuid`;
      if (released === 0) return false;
      if (token) {
        await tx.runAttempt.updateMany({
          where: { token, finishedAt: null },
          data: {
            finishedAt: now,
            outcome: 'abandoned',
            reasonCode: 'worker_lost',
            message: 'no live job for this attempt past the run deadline; the run was re-queued',
          },
        });
      }
      return true;
    });
  }

  /**
   * Fails runs that may not make another provider call (at least `maxCalls` attempts started) yet are not
   * terminal: every such `queued` run, and `running` ones with no attempt started since `runningBefore` (a
   * live last attempt is left to finish). Fenced on the status, so a run that ended meanwhile is untouched.
   * Their open attempts are closed as `abandoned`. Returns the failed run ids.
   */
  async failExhausted(maxCalls: number, runningBefore: Date, now: Date, limit: number): Promise<string[]> {
    return this.prisma.$transaction(async (tx) => {
      const rows = await tx.$queryRaw<{ id: string }[]>`
        UPDATE runs r SET status = 'failed', "failureReason" = 'attempts_exhausted',
          "failureMessage" = ${`no attempts left (${maxCalls} provider calls started) and no outcome recorded`},
          "finishedAt" = ${now}, "updatedAt" = ${now}
        WHERE r.id IN (
          SELECT c.id FROM runs c
          WHERE (c.status = 'queued' OR (c.status = 'running' AND c."updatedAt" < ${runningBefore}))
            AND (SELECT count(*) FROM run_attempts a WHERE a."runId" = c.id) >= ${maxCalls}
          ORDER BY c."updatedAt"
          LIMIT ${limit}
          FOR UPDATE SKIP LOCKED)
          AND r.status IN ('queued', 'running')
        RETURNING r.id`;
      const ids = rows.map((r) => r.id);
      if (ids.length > 0) {
        await tx.runAttempt.updateMany({
          where: { runId: { in: ids }, finishedAt: null },
          data: { finishedAt: now, outcome: 'abandoned', reasonCode: 'attempts_exhausted' },
        });
      }
      return ids;
    });
  }
}

/** A decimal column value (Decimal, number or text) as exact text for a `::numeric` cast. */
function decimalText(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  return String(v as { toString(): string });
}
