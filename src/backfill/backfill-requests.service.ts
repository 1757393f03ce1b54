import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import { type Queue } from 'bullmq';
import { ApiError } from '../infra/http/api-error';
import {
  BACKFILL_JOB,
  BACKFILL_QUEUE,
  backfillJobId,
  backfillJobOptions,
  type BackfillJobData,
} from '../infra/queue/queue-names';
import { ENQUEUE_WAIT_MS, settleWithin } from '../infra/redis/settle-within';
import { ProjectService } from '../projects/project.service';
import { BackfillRepository, type BackfillRecord } from './backfill.repository';

export interface BackfillView {
  id: string;
  projectId: string;
  status: BackfillRecord['status'];
  reason: string;
  progress: { processedRuns: number; totalRuns: number; fraction: number | null };
  error: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

/** Asks for a project's history to be recomputed; the worker's BackfillRunner does it. */
@Injectable()
export class BackfillRequests {
  private readonly logger = new Logger(BackfillRequests.name);

  constructor(
    private readonly backfills: BackfillRepository,
    private readonly projects: ProjectService,
    @InjectQueue(BACKFILL_QUEUE) private readonly queue: Queue<BackfillJobData>,
  ) {}

  async request(workspaceId: string, projectId: string, reason: string): Promise<BackfillView> {
    const { backfill, created } = await this.backfills.createOrReuseQueued(workspaceId, projectId, reason);
    if (created) {
      try {
        // A brand edit or a backfill request never waits out a Redis outage: the held command adds the job
        // when Redis is back (see RunQueue.enqueue).
        const added = await settleWithin(
          this.queue.add(
            BACKFILL_JOB,
            { backfillId: backfill.id },
            { ...backfillJobOptions(), jobId: backfillJobId(backfill.id) },
          ),
          ENQUEUE_WAIT_MS,
          (late) => {
            if ('error' in late) {
              this.logger.warn(
                { err: late.error, backfillId: backfill.id },
                'deferred backfill enqueue failed',
              );
            }
          },
        );
        if (!added.settled) {
          this.logger.warn(
            { backfillId: backfill.id },
            'Redis not answering: backfill enqueued when it is back',
          );
        }
      } catch (err) {
        // The row stays queued; the next request for this project re-enqueues it.
        this.logger.warn({ err, backfillId: backfill.id }, 'backfill enqueue failed');
      }
    }
    return toView(backfill);
  }

  async requestFromApi(workspaceId: string, projectId: string): Promise<BackfillView> {
    await this.projects.require(workspaceId, projectId);
    return this.request(workspaceId, projectId, 'manual');
  }

  async get(workspaceId: string, id: string): Promise<BackfillView> {
    const b = await this.backfills.find(workspaceId, id);
    if (!b) throw ApiError.notFound('Backfill');
    return toView(b);
  }

  async list(workspaceId: string, projectId: string): Promise<{ data: BackfillView[] }> {
    await this.projects.require(workspaceId, projectId);
    return { data: (await this.backfills.listForProject(workspaceId, projectId, 50)).map(toView) };
  }
}

function toView(b: BackfillRecord): BackfillView {
  return {
    id: b.id,
    projectId: b.projectId,
    status: b.status,
    reason: b.reason,
    progress: {
      processedRuns: b.processedRuns,
      totalRuns: b.totalRuns,
      fraction: b.totalRuns === 0 ? null : Number((b.processedRuns / b.totalRuns).toFixed(4)),
    },
    error: b.error,
    createdAt: b.createdAt.toISOString(),
    startedAt: b.startedAt?.toISOString() ?? null,
    finishedAt: b.finishedAt?.toISOString() ?? null,
  };
}
