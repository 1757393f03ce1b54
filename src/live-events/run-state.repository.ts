import { Injectable } from '@nestjs/common';
import { PrismaService } from '../infra/prisma/prisma.service';
import { type ScoreLike } from './run-score';

type RunStatusName = 'queued' | 'running' | 'succeeded' | 'failed' | 'skipped';

/** Where a run stands, as the live stream checks it (on connect and on every keep-alive tick). */
export interface RunState {
  status: RunStatusName;
  finishedAt: Date | null;
}

/** What the last `status` (and `scores`) event of a run says, read from the database. */
export interface RunFinalState {
  status: RunStatusName;
  attempts: number;
  failureReason: string | null;
  failureMessage: string | null;
  skipReason: string | null;
  scores: ScoreLike[];
}

/** The run rows the live-events stream reads: a run's state, and its final state when its events are gone. */
@Injectable()
export class RunStateRepository {
  constructor(private readonly prisma: PrismaService) {}

  state(workspaceId: string, runId: string): Promise<RunState | null> {
    return this.prisma.run.findFirst({
      where: { id: runId, workspaceId },
      select: { status: true, finishedAt: true },
    });
  }

  finalState(workspaceId: string, runId: string): Promise<RunFinalState | null> {
    return this.prisma.run.findFirst({
      where: { id: runId, workspaceId },
      select: {
        status: true,
        attempts: true,
        failureReason: true,
        failureMessage: true,
        skipReason: true,
        scores: true,
      },
    });
  }
}
