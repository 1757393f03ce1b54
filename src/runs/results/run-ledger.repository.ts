import { type EngineLimits } from '../execution/engine-throttle';
import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { brandsFromJson, type BrandRecord } from '../../brands/brand.repository';
import { engineFromJson, type EngineRecord } from '../../engines/engine.repository';
import { Prisma } from '../../generated/prisma/client';
import { PrismaService } from '../../infra/prisma/prisma.service';
import { scrubSecrets } from '../../infra/crypto/secret-scrubber';
import { manualSlotKey, scheduledSlotKey, type SlotPlan } from '../../scheduling/slot-planner';
import {
  BudgetExceededError,
  BudgetLedger,
  budgetsEnabled,
  lockWorkspaceBudgets,
  nextUtcDayStart,
  readDayUsage,
  type BudgetCaps,
} from '../../usage/usage-budget';

export interface DuePrompt {
  id: string;
  workspaceId: string;
  projectId: string;
  cron: string;
  timezone: string;
  samplesPerSlot: number;
  nextSlotAt: Date;
}

export interface LandedOutcome {
  ref: { runId: string; workspaceId: string; projectId: string; promptId: string; engineId: string };
  status: 'succeeded' | 'failed';
  failureReason: string | null;
  /** Score rows as stored (decimals as Prisma Decimals). */
  scores: {
    brandId: string;
    mentioned: boolean;
    mentionCount: number;
    firstVisibleAtUs: number | null;
    sinceFirstTokenUs: number | null;
    firstTokenIndex: number | null;
    relPosition: unknown;
    order: number | null;
    aboveFold: boolean;
    attention: unknown;
    streamScore: unknown;
  }[];
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

/**
 * What an attempt needs besides the run, read in the statement that starts it. Null (or, for brands, empty)
 * where the row was deleted while the run waited; a prompt, engine or project outside the run's workspace
 * counts as deleted.
 */
export interface AttemptSetup {
  engine: EngineRecord | null;
  promptText: string | null;
  project: { foldTokens: number; halfLifeMs: number } | null;
  /** The project's brands, oldest first (bounded by the per-project brand cap). */
  brands: BrandRecord[];
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

/** What a run cut before its end kept: its text, and the token timeline of that text. */
export interface TruncatedCapture extends PartialCapture {
  tokenEnds: number[];
  tokenArrivalsUs: number[];
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

/**
 * Who listens for a run's landing, read by the statement that committed it: whether its project has an
 * enabled alert rule and whether its workspace has an active webhook subscribed to `run.completed`. The
 * executor asks for an alert evaluation and looks webhooks up only when there is someone to tell.
 */
export interface LandingListeners {
  alertRules: boolean;
  webhooks: boolean;
}

/** A write presented an attempt token that is no longer the run's current one. */
export class StaleAttemptError extends Error {
  constructor(runId: string) {
    super(`stale attempt for run ${runId}: result refused`);
    this.name = 'StaleAttemptError';
  }
}

const MAX_SLOTS_PER_PROMPT_PER_CLAIM = 100;
/** Result statements running at once per process (the rest queue up and go out batched). */
const MAX_RESULT_WRITES_IN_FLIGHT = 4;
/** Results per batched statement at most. */
const MAX_RESULTS_PER_STATEMENT = 50;

interface PendingResult {
  runId: string;
  token: string;
  result: RunResultWrite;
  now: Date;
  fromSpill: boolean;
  resolve: (listeners: LandingListeners) => void;
  reject: (error: unknown) => void;
}
const UNLIMITED: BudgetCaps = { maxRunsPerDay: 0, maxSpendUsdPerDay: 0 };
/** Why an attempt still open is closed once the next one starts (its worker never reported). */
const SUPERSEDED_MESSAGE = 'its worker was lost before it reported; the run moved on without it';
const SPILL_LANDED_MESSAGE = 'answer landed from the spill after its worker was lost';

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
      const advanced: { id: string; nextSlotAt: Date }[] = [];
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
        advanced.push({ id: prompt.id, nextSlotAt });
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

  /** A run that ended succeeded or failed, with its scores, to announce its outcome again; null otherwise. */
  async landedOutcome(runId: string): Promise<LandedOutcome | null> {
    const run = await this.prisma.run.findFirst({
      where: { id: runId, status: { in: ['succeeded', 'failed'] } },
      select: {
        id: true,
        workspaceId: true,
        projectId: true,
        promptId: true,
        engineId: true,
        status: true,
        failureReason: true,
      },
    });
    if (!run) return null;
    const scores =
      run.status === 'succeeded'
        ? await this.prisma.runBrandScore.findMany({ where: { runId }, orderBy: { brandId: 'asc' } })
        : [];
    return {
      ref: {
        runId: run.id,
        workspaceId: run.workspaceId,
        projectId: run.projectId,
        promptId: run.promptId,
        engineId: run.engineId,
      },
      status: run.status === 'succeeded' ? 'succeeded' : 'failed',
      failureReason: run.failureReason,
      scores,
    };
  }

  /** The throttle limits of a non-terminal run's engine; null when the run is terminal or gone. */
  async engineLimitsOf(runId: string): Promise<EngineLimits | null> {
    const rows = await this.prisma.prepared<EngineLimits>('streamrank_engine_limits')`
      SELECT e.id::text AS "engineId", e."maxConcurrency", e."maxRequestsPerMinute"
      FROM runs r JOIN engines e ON e.id = r."engineId"
      WHERE r.id = ${runId}::uuid AND r.status IN ('queued', 'running')`;
    if (rows[0]) return rows[0];
    // The engine may be gone while the run is not: let the attempt record why it cannot run.
    const run = await this.prisma.run.findFirst({
      where: { id: runId, status: { in: ['queued', 'running'] } },
      select: { engineId: true },
    });
    return run ? { engineId: run.engineId, maxConcurrency: null, maxRequestsPerMinute: null } : null;
  }

  /**
   * Starts a new attempt with a fresh token; null when the run is already terminal (a duplicate job). One
   * statement, one round trip: the run update and the attempt row commit together, and the same statement
   * reads what the attempt needs (engine, prompt text, project settings, brands) as of its start. Under load
   * a worker starts dozens of attempts a second, and five separate lookups were half of the queries of a run.
   */
  async startAttempt(runId: string, now: Date): Promise<(StartedAttempt & { setup: AttemptSetup }) | null> {
    const token = randomUUID();
    const rows = await this.prisma.prepared<
      Omit<StartedAttempt, 'token'> & {
        engine: unknown;
        engineCredential: Uint8Array | null;
        promptText: string | null;
        foldTokens: number | null;
        halfLifeMs: number | null;
        brands: unknown;
      }
    >('streamrank_start_attempt')`
      WITH run AS (
        UPDATE runs SET status = 'running', attempts = attempts + 1, "attemptToken" = ${token}::uuid,
          "startedAt" = COALESCE("startedAt", ${now}), "updatedAt" = ${now}
        WHERE id = ${runId}::uuid AND status IN ('queued', 'running')
        RETURNING id AS "runId", attempts AS attempt, "workspaceId", "projectId", "promptId", "engineId", "slotAt", sample
      ), attempt AS (
        INSERT INTO run_attempts (id, "runId", attempt, token, "startedAt")
        SELECT gen_random_uuid(), "runId", attempt, ${token}::uuid, ${now}::timestamptz FROM run
      ), lost AS (
        -- An attempt still open when the next one starts lost its worker (killed, or its job stalled): closed
        -- here so no attempt stays open once its run moves on. The new row is not visible to this statement.
        UPDATE run_attempts a SET "finishedAt" = ${now}::timestamptz, outcome = 'abandoned',
          "reasonCode" = 'worker_lost', message = ${SUPERSEDED_MESSAGE}::text
        FROM run WHERE a."runId" = run."runId" AND a."finishedAt" IS NULL
      )
      SELECT run.*,
        -- The run executes with its provenance (copied at creation, immutable, so the pre-update row serves):
        -- prompt text, engine model and parameters, scoring settings. A prompt, engine or project gone since
        -- still reads as missing.
        (to_jsonb(e) - 'credentialCiphertext') || jsonb_strip_nulls(jsonb_build_object('model', pv."engineModel",
          'parameters', pv."engineParameters")) AS engine, e."credentialCiphertext" AS "engineCredential",
        CASE WHEN tp.id IS NOT NULL THEN COALESCE(pv."promptText", tp.text) END AS "promptText",
        CASE WHEN pj.id IS NOT NULL THEN COALESCE(pv."foldTokens", pj."foldTokens") END AS "foldTokens",
        CASE WHEN pj.id IS NOT NULL THEN COALESCE(pv."halfLifeMs", pj."halfLifeMs") END AS "halfLifeMs",
        COALESCE((
          SELECT jsonb_agg(to_jsonb(b) ORDER BY b."createdAt", b.id)
          FROM (SELECT * FROM brands WHERE "projectId" = run."projectId" ORDER BY "createdAt", id LIMIT 500) b
        ), '[]'::jsonb) AS brands
      FROM run
      JOIN runs pv ON pv.id = run."runId"
      LEFT JOIN engines e ON e.id = run."engineId" AND e."workspaceId" = run."workspaceId"
      LEFT JOIN tracked_prompts tp ON tp.id = run."promptId" AND tp."workspaceId" = run."workspaceId"
      LEFT JOIN projects pj ON pj.id = run."projectId" AND pj."workspaceId" = run."workspaceId"`;
    const row = rows[0];
    if (!row) return null;
    const { engine, engineCredential, promptText, foldTokens, halfLifeMs, brands, ...started } = row;
    return {
      ...started,
      token,
      setup: {
        engine: engine === null ? null : engineFromJson(engine, engineCredential),
        promptText,
        project: foldTokens === null || halfLifeMs === null ? null : { foldTokens, halfLifeMs },
        brands: brandsFromJson(brands),
      },
    };
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
    partial: TruncatedCapture | null,
    now: Date,
  ): Promise<void> {
    // Scrubbed where provider errors are created; again here, the last stop before Postgres and the API.
    const message = scrubSecrets(failure.message);
    await this.prisma.$transaction(async (tx) => {
      const { count } = await tx.run.updateMany({
        where: { id: runId, attemptToken: token, status: 'running' },
        data: final
          ? {
              status: 'failed',
              failureReason: failure.reasonCode,
              failureMessage: message,
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
          message: message.slice(0, 1000),
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
            ...partial,
            answerTokens: partial.tokenEnds.length,
          },
        });
      }
    });
  }

  /**
   * Saves a completed run's result: the fenced status change, the result row, mentions, score rows and
   * citations, and the attempt closed, all or nothing; StaleAttemptError when the token is no longer the
   * run's current one or the run is no longer `running`.
   *
   * Group commit: a save starts at once while fewer than MAX_RESULT_WRITES_IN_FLIGHT statements are running;
   * otherwise it joins the next batch, written as one statement (one round trip, one commit) when a slot
   * frees up. Fencing stays per run inside the batch. Should a batch statement fail, each of its runs is
   * retried on its own so one bad row cannot fail the others. Resolves with who listens for the landing, as of
   * the commit (a rule enabled or a webhook created after it applies from the next landing on).
   *
   * `fromSpill`: the answer was spilled by a worker that died (or gave up) before this write committed; it is
   * also accepted while the reconciler has put the run back to `queued`, as long as no newer attempt started
   * (the attempt token is still this one).
   */
  saveRunResult(
    runId: string,
    token: string,
    result: RunResultWrite,
    now: Date,
    fromSpill = false,
  ): Promise<LandingListeners> {
    return new Promise<LandingListeners>((resolve, reject) => {
      this.resultQueue.push({ runId, token, result, now, fromSpill, resolve, reject });
      this.pumpResults();
    });
  }

  private readonly resultQueue: PendingResult[] = [];
  private resultWritesInFlight = 0;

  private pumpResults(): void {
    while (this.resultQueue.length > 0 && this.resultWritesInFlight < MAX_RESULT_WRITES_IN_FLIGHT) {
      const batch = this.resultQueue.splice(0, MAX_RESULTS_PER_STATEMENT);
      this.resultWritesInFlight++;
      void this.writeResults(batch).finally(() => {
        this.resultWritesInFlight--;
        this.pumpResults();
      });
    }
  }

  private async writeResults(batch: PendingResult[]): Promise<void> {
    let saved: Map<string, LandingListeners>;
    try {
      saved = await this.insertResults(batch);
    } catch (error) {
      if (batch.length === 1) {
        batch[0]!.reject(error);
        return;
      }
      await Promise.all(batch.map((p) => this.writeResults([p])));
      return;
    }
    for (const p of batch) {
      const listeners = saved.get(p.runId);
      if (listeners !== undefined) p.resolve(listeners);
      else p.reject(new StaleAttemptError(p.runId));
    }
  }

  /**
   * One statement for a batch of results: every insert reads the runs from the fenced UPDATE, so a run with
   * a stale token (or no longer `running`) gets no rows at all. Per-run arrays (timelines, flags) travel as
   * array literals in a text[] because Postgres arrays cannot be ragged. Returns the saved runs with who
   * listens for their landing.
   */
  private async insertResults(batch: PendingResult[]): Promise<Map<string, LandingListeners>> {
    const rs = batch.map((p) => p.result);
    const ms = batch.flatMap((p) => p.result.mentions.map((m) => ({ runId: p.runId, m })));
    const ss = batch.flatMap((p) => p.result.scores.map((s) => ({ runId: p.runId, s })));
    const cs = batch.flatMap((p) => p.result.citations.map((c) => ({ runId: p.runId, c })));
    const rows = await this.prisma.prepared<{ id: string } & LandingListeners>('streamrank_insert_results')`
      WITH input AS (
        SELECT * FROM unnest(${batch.map((p) => p.runId)}::uuid[], ${batch.map((p) => p.token)}::uuid[],
          ${batch.map((p) => p.now)}::timestamptz[], ${rs.map((r) => r.answerText)}::text[],
          ${rs.map((r) => r.reasoningText)}::text[], ${rs.map((r) => r.finishReason)}::text[],
          ${rs.map((r) => arrayLiteral(r.flags))}::text[], ${rs.map((r) => r.responseModel)}::text[],
          ${rs.map((r) => r.inputTokens)}::int[], ${rs.map((r) => r.outputTokens)}::int[],
          ${rs.map((r) => r.estimatedCostUsd)}::numeric[], ${rs.map((r) => r.requestSentAt)}::timestamptz[],
          ${rs.map((r) => r.headersUs)}::int[], ${rs.map((r) => r.ttftUs)}::int[],
          ${rs.map((r) => r.durationUs)}::int[], ${rs.map((r) => arrayLiteral(r.chunkArrivalsUs))}::text[],
          ${rs.map((r) => arrayLiteral(r.chunkEnds))}::text[], ${rs.map((r) => arrayLiteral(r.tokenEnds))}::text[],
          ${rs.map((r) => arrayLiteral(r.tokenArrivalsUs))}::text[], ${rs.map((r) => r.tokenEnds.length)}::int[],
          ${batch.map((p) => p.fromSpill)}::boolean[])
          AS i("runId", token, now, "answerText", "reasoningText", "finishReason", flags, "responseModel",
            "inputTokens", "outputTokens", cost, "requestSentAt", "headersUs", "ttftUs", "durationUs",
            "chunkArrivalsUs", "chunkEnds", "tokenEnds", "tokenArrivalsUs", "answerTokens", "fromSpill")
      ), run AS (
        UPDATE runs r SET status = 'succeeded', "finishedAt" = i.now, "failureReason" = NULL,
          "failureMessage" = NULL, "updatedAt" = i.now
        FROM input i
        WHERE r.id = i."runId" AND r."attemptToken" = i.token
          AND (r.status = 'running' OR (i."fromSpill" AND r.status = 'queued'))
        RETURNING r.id, r."workspaceId", r."projectId", r."promptId", r."engineId", r.synthetic,
          i."requestSentAt"
      ), result AS (
        INSERT INTO run_results ("runId", "attemptToken", complete, "answerText", "reasoningText", "finishReason",
          flags, "responseModel", "inputTokens", "outputTokens", "estimatedCostUsd", "requestSentAt", "headersUs",
          "ttftUs", "durationUs", "chunkArrivalsUs", "chunkEnds", "tokenEnds", "tokenArrivalsUs", "answerTokens")
        SELECT i."runId", i.token, true, i."answerText", i."reasoningText", i."finishReason", i.flags::text[],
          i."responseModel", i."inputTokens", i."outputTokens", i.cost, i."requestSentAt", i."headersUs",
          i."ttftUs", i."durationUs", i."chunkArrivalsUs"::int[], i."chunkEnds"::int[], i."tokenEnds"::int[],
          i."tokenArrivalsUs"::int[], i."answerTokens"
        FROM input i JOIN run ON run.id = i."runId"
      ), mention AS (
        INSERT INTO mentions (id, "runId", "projectId", "brandId", matched, "charStart", "charEnd", "tokenIndex",
          "visibleAtUs", "sinceFirstTokenUs", "relPosition", "sentenceIndex", "listRank", "inHeading", "inBold",
          snippet)
        SELECT gen_random_uuid(), run.id, run."projectId", x."brandId", x.matched, x."charStart", x."charEnd",
          x."tokenIndex", x."visibleAtUs", x."sinceFirstTokenUs", x."relPosition", x."sentenceIndex",
          x."listRank", x."inHeading", x."inBold", x.snippet
        FROM unnest(${ms.map((x) => x.runId)}::uuid[], ${ms.map((x) => x.m.brandId)}::uuid[],
          ${ms.map((x) => x.m.matched)}::text[], ${ms.map((x) => x.m.charStart)}::int[],
          ${ms.map((x) => x.m.charEnd)}::int[], ${ms.map((x) => x.m.tokenIndex)}::int[],
          ${ms.map((x) => x.m.visibleAtUs)}::int[], ${ms.map((x) => x.m.sinceFirstTokenUs)}::int[],
          ${ms.map((x) => decimalText(x.m.relPosition))}::numeric[], ${ms.map((x) => x.m.sentenceIndex)}::int[],
          ${ms.map((x) => x.m.listRank ?? null)}::int[], ${ms.map((x) => x.m.inHeading)}::boolean[],
          ${ms.map((x) => x.m.inBold)}::boolean[], ${ms.map((x) => x.m.snippet)}::text[])
          AS x("runId", "brandId", matched, "charStart", "charEnd", "tokenIndex", "visibleAtUs",
            "sinceFirstTokenUs", "relPosition", "sentenceIndex", "listRank", "inHeading", "inBold", snippet)
        JOIN run ON run.id = x."runId"
      ), score AS (
        INSERT INTO run_brand_scores ("runId", "projectId", "promptId", "engineId", "observedAt", synthetic,
          "brandId", mentioned, "mentionCount", "firstVisibleAtUs", "sinceFirstTokenUs", "firstTokenIndex",
          "relPosition", "order", "aboveFold", attention, "streamScore", "trakkrPoints", "geoWeightedWords",
          "geoShareOfAnswer")
        SELECT run.id, run."projectId", run."promptId", run."engineId", run."requestSentAt", run.synthetic,
          x."brandId", x.mentioned, x."mentionCount", x."firstVisibleAtUs", x."sinceFirstTokenUs",
          x."firstTokenIndex", x."relPosition", x."order", x."aboveFold", x.attention, x."streamScore",
          coalesce(x."trakkrPoints", 0), x."geoWeightedWords", x."geoShareOfAnswer"
        FROM unnest(${ss.map((x) => x.runId)}::uuid[], ${ss.map((x) => x.s.brandId)}::uuid[],
          ${ss.map((x) => x.s.mentioned)}::boolean[], ${ss.map((x) => x.s.mentionCount)}::int[],
          ${ss.map((x) => x.s.firstVisibleAtUs ?? null)}::int[], ${ss.map((x) => x.s.sinceFirstTokenUs ?? null)}::int[],
          ${ss.map((x) => x.s.firstTokenIndex ?? null)}::int[], ${ss.map((x) => decimalText(x.s.relPosition))}::numeric[],
          ${ss.map((x) => x.s.order ?? null)}::int[], ${ss.map((x) => x.s.aboveFold)}::boolean[],
          ${ss.map((x) => decimalText(x.s.attention))}::numeric[], ${ss.map((x) => decimalText(x.s.streamScore))}::numeric[],
          ${ss.map((x) => x.s.trakkrPoints ?? null)}::int[], ${ss.map((x) => decimalText(x.s.geoWeightedWords))}::numeric[],
          ${ss.map((x) => decimalText(x.s.geoShareOfAnswer))}::numeric[])
          AS x("runId", "brandId", mentioned, "mentionCount", "firstVisibleAtUs", "sinceFirstTokenUs",
            "firstTokenIndex", "relPosition", "order", "aboveFold", attention, "streamScore", "trakkrPoints",
            "geoWeightedWords", "geoShareOfAnswer")
        JOIN run ON run.id = x."runId"
      ), citation AS (
        INSERT INTO citations (id, "runId", "projectId", position, url, domain, title, "charStart", "charEnd",
          "arrivedAtUs", "brandId")
        SELECT gen_random_uuid(), run.id, run."projectId", x.position, x.url, x.domain, x.title, x."charStart",
          x."charEnd", x."arrivedAtUs", x."brandId"
        FROM unnest(${cs.map((x) => x.runId)}::uuid[], ${cs.map((x) => x.c.position)}::int[],
          ${cs.map((x) => x.c.url)}::text[], ${cs.map((x) => x.c.domain)}::text[],
          ${cs.map((x) => x.c.title ?? null)}::text[], ${cs.map((x) => x.c.charStart ?? null)}::int[],
          ${cs.map((x) => x.c.charEnd ?? null)}::int[], ${cs.map((x) => x.c.arrivedAtUs)}::int[],
          ${cs.map((x) => x.c.brandId ?? null)}::uuid[])
          AS x("runId", position, url, domain, title, "charStart", "charEnd", "arrivedAtUs", "brandId")
        JOIN run ON run.id = x."runId"
      ), attempt AS (
        UPDATE run_attempts a SET "finishedAt" = i.now, outcome = 'succeeded',
          "reasonCode" = NULL, message = CASE WHEN i."fromSpill" THEN ${SPILL_LANDED_MESSAGE}::text END
        FROM input i JOIN run ON run.id = i."runId"
        WHERE a.token = i.token
      )
      SELECT run.id::text AS id,
        EXISTS (SELECT 1 FROM alert_rules ar WHERE ar."workspaceId" = run."workspaceId"
          AND ar."projectId" = run."projectId" AND ar.enabled) AS "alertRules",
        EXISTS (SELECT 1 FROM webhooks w WHERE w."workspaceId" = run."workspaceId" AND w.active
          AND 'run.completed' = ANY(w.events)) AS webhooks
      FROM run`;
    return new Map(rows.map(({ id, alertRules, webhooks }) => [id, { alertRules, webhooks }]));
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

/** A Postgres array literal (`{1,2}`, `{"a b"}`) for values passed in a text[] and cast per row. */
function arrayLiteral(values: readonly (string | number)[]): string {
  return `{${values.map((v) => (typeof v === 'number' ? String(v) : `"${v.replace(/["\\]/g, '\\$&')}"`)).join(',')}}`;
}

/** A decimal column value (Decimal, number or text) as exact text for a `::numeric` cast. */
function decimalText(v: { toString(): string } | null | undefined): string | null {
  if (v === null || v === undefined) return null;
  return v.toString();
}
