import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { brandsFromJson } from '../../brands/brand.repository';
import { engineFromJson } from '../../engines/engine.repository';
import { scrubSecrets } from '../../infra/crypto/secret-scrubber';
import { PrismaService } from '../../infra/prisma/prisma.service';
import { type TruncatedCapture } from '../results/run-result.types';
import { StaleAttemptError } from '../results/stale-attempt-error';
import { type EngineLimits } from './engine-throttle';
import {
  type AttemptFailure,
  type AttemptSetup,
  type LandedOutcome,
  type StartedAttempt,
} from './run-attempt.types';

/** Why an attempt still open is closed once the next one starts (its worker never reported). */
const SUPERSEDED_MESSAGE = 'its worker was lost before it reported; the run moved on without it';

/**
 * A run's attempts: each starts with a fresh token that fences every later write of that attempt; a failure is
 * recorded against it. A success lands through the result-write batcher (runs/results).
 */
@Injectable()
export class RunAttemptRepository {
  constructor(private readonly prisma: PrismaService) {}

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
}
