import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import { type Queue } from 'bullmq';
import {
  ALERTS_QUEUE,
  alertsJobId,
  EVALUATE_ALERTS_JOB,
  evaluateAlertsJobOptions,
  type EvaluateAlertsJobData,
} from '../infra/queue/queue-names';

/**
 * Asks for the alert evaluation of a run that just landed. Awaited by the run executor after the result is
 * committed: if Redis refuses, the run's job fails and its redelivery asks again (the job id derives from the
 * run, and evaluating a run twice creates no second alert: one per rule and run).
 */
@Injectable()
export class AlertEvaluationQueue {
  constructor(@InjectQueue(ALERTS_QUEUE) private readonly queue: Queue<EvaluateAlertsJobData>) {}

  async enqueue(runId: string): Promise<void> {
    await this.queue.add(
      EVALUATE_ALERTS_JOB,
      { runId },
      { ...evaluateAlertsJobOptions(), jobId: alertsJobId(runId) },
    );
  }
}
