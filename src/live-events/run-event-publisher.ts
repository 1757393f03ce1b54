import { Inject, Injectable, Logger } from '@nestjs/common';
import { type Redis } from 'ioredis';
import { type AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { REDIS } from '../infra/redis/redis.module';
import { usToMs } from '../runs/api/dto/run.dto';
import { LiveEventWriter, type RunRef } from './live-event-writer';

export { type RunRef } from './live-event-writer';

/** A score row as persisted (decimals may arrive as text, numbers or Decimal objects). */
export interface ScoreLike {
  brandId: string;
  mentioned: boolean;
  mentionCount: number;
  firstVisibleAtUs?: number | null;
  sinceFirstTokenUs?: number | null;
  firstTokenIndex?: number | null;
  relPosition?: unknown;
  order?: number | null;
  aboveFold: boolean;
  attention: unknown;
  streamScore: unknown;
}

const decimal = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

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
    const data = {
      scores: scores.map((s) => ({
        brandId: s.brandId,
        mentioned: s.mentioned,
        mentionCount: s.mentionCount,
        firstVisibleAtMs: usToMs(s.firstVisibleAtUs),
        sinceFirstTokenMs: usToMs(s.sinceFirstTokenUs),
        firstTokenIndex: s.firstTokenIndex ?? null,
        relPosition: decimal(s.relPosition),
        order: s.order ?? null,
        aboveFold: s.aboveFold,
        attention: decimal(s.attention),
        streamScore: decimal(s.streamScore),
      })),
    };
    this.publish(run, 'scores', data, false);
  }
}
