import { Injectable } from '@nestjs/common';
import { PrismaService } from '../infra/prisma/prisma.service';

/**
 * What the reconciler reads and fences to recover runs whose job or worker was lost: stale queued runs, runs
 * running past their deadline, and runs with no provider call left.
 */
@Injectable()
export class RunRecoveryRepository {
  constructor(private readonly prisma: PrismaService) {}

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
