import { Processor, WorkerHost } from '@nestjs/bullmq';
import { type Job } from 'bullmq';
import { BACKFILL_QUEUE, type BackfillJobData } from '../infra/queue/queue-names';
import { BackfillRunner } from './backfill-runner.service';

/** Thin: one backfill per job, one at a time per worker (it is CPU-bound). */
@Processor(BACKFILL_QUEUE, { concurrency: 1 })
export class BackfillProcessor extends WorkerHost {
  constructor(private readonly runner: BackfillRunner) {
    super();
  }

  process(job: Job<BackfillJobData>): Promise<string> {
    return this.runner.run(job.data.backfillId);
  }
}
