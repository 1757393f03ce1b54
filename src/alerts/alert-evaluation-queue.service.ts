import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import { type Queue } from 'bullmq';
import {
  ALERTS_QUEUE,
  alertsJobId,
  EVALUATE_ALERTS_JOB,
  evaluateAlertsJobOptions,
  type EvaluateAlertsJobData,
} from '../infra/queue/queue-names';

/**
 * Asks for the alert evaluation of a run that just landed. Fire-and-forget like the webhook notifier: it
 * returns at once and never throws, so alerts can never fail or delay the run. A lost enqueue only delays
 * windowed rules to the next landing (which re-reads its whole window).
 */
@Injectable()
export class AlertEvaluationQueue {
  private readonly logger = new Logger(AlertEvaluationQueue.name);

  constructor(@InjectQueue(ALERTS_QUEUE) private readonly queue: Queue<EvaluateAlertsJobData>) {}

  runLanded(runId: string): void {
    try {
      this.enqueue(runId).catch((err: unknown) => this.report(runId, err));
    } catch (err) {
      this.report(runId, err);
    }
  }

  async enqueue(runId: string): Promise<void> {
    await this.queue.add(
      EVALUATE_ALERTS_JOB,
      { runId },
      { ...evaluateAlertsJobOptions(), jobId: alertsJobId(runId) },
    );
  }

  private report(runId: string, err: unknown): void {
    this.logger.error({ runId, err }, 'alert evaluation enqueue failed (the run is unaffected)');
  }
}
