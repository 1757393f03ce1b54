import { Inject, Injectable, Logger } from '@nestjs/common';
import { type Redis } from 'ioredis';
import { type AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { REDIS } from '../infra/redis/redis.module';
import { LiveEventWriter, type RunRef } from './live-event-writer';
import { runScoreView, type ScoreLike } from './run-score';

export { type RunRef } from './live-event-writer';

/**
 * Publishes live run events from the worker's main thread on the shared connection: statuses, scores, and the
 * chunks and mentions of answers captured on the main thread (CAPTURE_THREADS=0). Capture threads write their
 * answers' chunks and mentions with their own LiveEventWriter. See LiveEventWriter for batching and ordering.
 */
@Injectable()
export class RunEventPublisher extends LiveEventWriter {
  private readonly logger = new Logger(RunEventPublisher.name);

  constructor(@Inject(REDIS) redis: Redis, @Inject(APP_CONFIG) config: AppConfig) {
    super(redis, config.QUEUE_PREFIX, (fields, message) => this.logger.warn(fields, message));
  }

  /** The run succeeded: `status: succeeded`, then the final per-brand `scores` (which end the stream). */
  succeeded(run: RunRef, scores: ScoreLike[]): void {
    this.status(run, 'succeeded');
    const data = { scores: scores.map(runScoreView) };
    this.publish(run, 'scores', data, false);
  }
}
