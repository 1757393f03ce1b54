import { Inject, Injectable, Logger } from '@nestjs/common';
import { type Redis } from 'ioredis';
import { type AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { REDIS } from '../../infra/redis/redis.module';
import { usToMs } from '../dto/run.dto';
import {
  projectChannel,
  RUN_LOG_MAXLEN,
  RUN_LOG_TTL_SECONDS,
  runChannel,
  runLogKey,
  type RunEventType,
} from './run-event-keys';

/**
 * Appends the event to the run's capped stream (its id becomes the SSE event id), refreshes the TTL and
 * publishes `<id>|<type>|<json>` on the run channel and, for feed events, on the project channel. One script,
 * so the log and the live channels can never disagree about ids or order.
 */
const PUBLISH_SCRIPT = `
local id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', 't', ARGV[3], 'd', ARGV[4])
redis.call('EXPIRE', KEYS[1], ARGV[2])
redis.call('PUBLISH', ARGV[5], id .. '|' .. ARGV[3] .. '|' .. ARGV[4])
if ARGV[7] ~= '' then redis.call('PUBLISH', ARGV[6], id .. '|' .. ARGV[3] .. '|' .. ARGV[7]) end
return id
`;

interface PublisherRedis extends Redis {
  streamrankRunEvent(
    key: string,
    maxLen: number,
    ttlSeconds: number,
    type: string,
    data: string,
    runChannel: string,
    projectChannel: string,
    projectData: string,
  ): Promise<string>;
}

/** Commands sent but not yet answered, across all runs of this process; past it events are dropped. */
const MAX_IN_FLIGHT = 10_000;
const DROP_LOG_INTERVAL_MS = 10_000;

/** Identifies the run an event belongs to (a StartedAttempt satisfies it). */
export interface RunRef {
  runId: string;
  projectId: string;
  attempt: number;
}

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
 * Publishes live run events (worker side). Fire-and-forget: every method returns at once, never throws and
 * never waits for Redis, so the capture hot path cannot be slowed or broken by it. ioredis sends commands in
 * call order on one connection, which keeps a run's events ordered; buffering is bounded by MAX_IN_FLIGHT
 * and events are dropped (and counted in a log line) while Redis is not connected.
 */
@Injectable()
export class RunEventPublisher {
  private readonly logger = new Logger(RunEventPublisher.name);
  private readonly redis: PublisherRedis;
  private inFlight = 0;
  private dropped = 0;
  private lastDropLog = 0;

  constructor(
    @Inject(REDIS) redis: Redis,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    redis.defineCommand('streamrankRunEvent', { numberOfKeys: 1, lua: PUBLISH_SCRIPT });
    this.redis = redis as PublisherRedis;
  }

  status(
    run: RunRef,
    status: 'running' | 'queued' | 'succeeded' | 'failed',
    reason?: { reasonCode: string; message: string },
  ): void {
    const data: Record<string, unknown> = { status, attempt: run.attempt };
    if (reason) {
      data.reason = reason.reasonCode;
      data.message = reason.message;
    }
    this.publish(run, 'status', data, true);
  }

  chunk(run: RunRef, chunk: { index: number; text: string; atUs: number }): void {
    this.publish(run, 'chunk', { index: chunk.index, text: chunk.text, arrivalMs: chunk.atUs / 1000 }, false);
  }

  mention(
    run: RunRef,
    m: { brandId: string; matched: string; charStart: number; charEnd: number; visibleAtUs: number },
  ): void {
    const data = {
      brandId: m.brandId,
      matched: m.matched,
      charStart: m.charStart,
      charEnd: m.charEnd,
      visibleAtMs: m.visibleAtUs / 1000,
    };
    this.publish(run, 'mention', data, true);
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

  private publish(run: RunRef, type: RunEventType, data: Record<string, unknown>, feed: boolean): void {
    try {
      if (this.redis.status !== 'ready' || this.inFlight >= MAX_IN_FLIGHT) {
        this.drop(run.runId, `redis ${this.redis.status}, ${this.inFlight} in flight`);
        return;
      }
      const prefix = this.config.QUEUE_PREFIX;
      const json = JSON.stringify(data);
      this.inFlight++;
      this.redis
        .streamrankRunEvent(
          runLogKey(prefix, run.runId),
          RUN_LOG_MAXLEN,
          RUN_LOG_TTL_SECONDS,
          type,
          json,
          runChannel(prefix, run.runId),
          projectChannel(prefix, run.projectId),
          feed ? JSON.stringify({ runId: run.runId, ...data }) : '',
        )
        .catch((error: unknown) => this.drop(run.runId, error))
        .finally(() => this.inFlight--);
    } catch (error) {
      this.drop(run.runId, error);
    }
  }

  private drop(runId: string, why: unknown): void {
    this.dropped++;
    const now = Date.now();
    if (now - this.lastDropLog < DROP_LOG_INTERVAL_MS) return;
    this.lastDropLog = now;
    this.logger.warn(
      { runId, dropped: this.dropped, err: why },
      'live run events dropped (the run itself is unaffected)',
    );
  }
}
