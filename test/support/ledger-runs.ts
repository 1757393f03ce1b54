// The run ledger's repositories in one object, for specs that drive a run's life by hand (scored runs for
// report specs: ./scored-runs.ts).
import { type INestApplicationContext } from '@nestjs/common';
import { runsApi, runsWorker, type AppConfig } from '../../src/config/app-config';
import { APP_CONFIG } from '../../src/config/config.module';
import { PrismaService } from '../../src/infra/prisma/prisma.service';
import { ManualRunRepository } from '../../src/runs/api/manual-run.repository';
import { RunAttemptRepository } from '../../src/runs/execution/run-attempt.repository';
import { ResultWriteBatcher } from '../../src/runs/results/result-write-batcher';
import { RunResultRepository } from '../../src/runs/results/run-result.repository';
import { RunRecoveryRepository } from '../../src/scheduling/run-recovery.repository';

/**
 * The run ledger as specs write to it by hand: the methods of the manual-run, attempt, result and recovery
 * repositories in one object. The app's own instances are used where its role provides them; an API-only app
 * has no attempt repository or result writer (only workers land runs), so those are built on its Prisma client.
 */
export type TestLedger = Pick<ManualRunRepository, 'createManualRuns'> &
  Pick<RunAttemptRepository, 'startAttempt' | 'recordAttemptFailure' | 'landedOutcome' | 'engineLimitsOf'> &
  Pick<ResultWriteBatcher, 'saveRunResult'> &
  Pick<RunRecoveryRepository, 'releaseLostRun' | 'failExhausted' | 'queuedBefore' | 'runningBefore'>;

export function testLedger(app: INestApplicationContext): TestLedger {
  const prisma = app.get(PrismaService, { strict: false });
  const role = app.get<AppConfig>(APP_CONFIG, { strict: false }).ROLE;
  // app.get() of a class the app does not provide aborts the process, so ask the role what it loaded.
  const manualRuns = runsApi(role)
    ? app.get(ManualRunRepository, { strict: false })
    : new ManualRunRepository(prisma);
  const worker = runsWorker(role);
  const attempts = worker
    ? app.get(RunAttemptRepository, { strict: false })
    : new RunAttemptRepository(prisma);
  const results = worker
    ? app.get(ResultWriteBatcher, { strict: false })
    : new ResultWriteBatcher(new RunResultRepository(prisma));
  const recovery = app.get(RunRecoveryRepository, { strict: false });
  return {
    createManualRuns: (input) => manualRuns.createManualRuns(input),
    startAttempt: (runId, now) => attempts.startAttempt(runId, now),
    recordAttemptFailure: (...args) => attempts.recordAttemptFailure(...args),
    landedOutcome: (runId) => attempts.landedOutcome(runId),
    engineLimitsOf: (runId) => attempts.engineLimitsOf(runId),
    saveRunResult: (...args) => results.saveRunResult(...args),
    releaseLostRun: (...args) => recovery.releaseLostRun(...args),
    failExhausted: (...args) => recovery.failExhausted(...args),
    queuedBefore: (before, limit) => recovery.queuedBefore(before, limit),
    runningBefore: (before, limit) => recovery.runningBefore(before, limit),
  };
}
