import { Processor, WorkerHost } from '@nestjs/bullmq';
import { type Job } from 'bullmq';
import { ALERTS_QUEUE, type EvaluateAlertsJobData } from '../infra/queue/queue-names';
import { AlertEvaluationService, type LandingEvaluation } from './alert-evaluation.service';

/** One job = one landed run: evaluate its project's enabled rules. A failed rule makes the job retry. */
@Processor(ALERTS_QUEUE, { concurrency: 4 })
export class AlertEvaluationProcessor extends WorkerHost {
  constructor(private readonly alerts: AlertEvaluationService) {
    super();
  }

  async process(job: Job<EvaluateAlertsJobData>): Promise<LandingEvaluation> {
    const result = await this.alerts.evaluateLanding(job.data.runId);
    if (result.failed > 0) {
      throw new Error(`alert evaluation of run ${job.data.runId}: ${result.failed} rule(s) failed`);
    }
    return result;
  }
}
