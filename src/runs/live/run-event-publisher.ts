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
 * Appends each event to its run's capped stream (its id becomes the SSE event id), refreshes the TTL and
 * publishes `<id>|<type>|<json>` on the run channel and, for feed events, on the project channel. One script
 * call carries a batch of events (KEYS[i] is event i's log key; ARGV[1..2] are MAXLEN and TTL, then 5 values
 * per event: type, data, run channel, project channel, project data or ''), applied in order, so the log and
 * the live channels can never disagree about ids or order.
 */
const PUBLISH_SCRIPT = `
for i = 1, #KEYS do
  local b = 2 + (i - 1) * 5
  local id = redis.call('XADD', KEYS[i], 'MAXLEN', '~', ARGV[1], '*', 't', ARGV[b + 1], 'd', ARGV[b + 2])
  redis.call('EXPIRE', KEYS[i], ARGV[2])
  redis.call('PUBLISH', ARGV[b + 3], id .. '|' .. ARGV[b + 1] .. '|' .. ARGV[b + 2])
  if ARGV[b + 5] ~= '' then redis.call('PUBLISH', ARGV[b + 4], id .. '|' .. ARGV[b + 1] .. '|' .. ARGV[b + 5]) end
end
return #KEYS
`;

interface PublisherRedis extends Redis {
  /** numKeys, the keys, MAXLEN, TTL, then 5 values per key (see PUBLISH_SCRIPT). */
  streamrankRunEvents(...args: (string | number)[]): Promise<number>;
}

/** One event waiting for the next flush. */
interface PendingEvent {
  runId: string;
  key: string;
  values: [type: string, data: string, runChannel: string, projectChannel: string, projectData: string];
}

/**
 * Events published during one turn of the event loop go out together, at most this many per script call:
 * under load a worker records thousands of chunks per second across its streams, and one command per chunk
 * cost more CPU (command objects, socket writes) than the capture itself.
 */
const MAX_EVENTS_PER_CALL = 200;

/**
 * Script calls sent and not yet answered. While this many are out, a partial batch of new events waits and
 * leaves when a reply comes back, so batches grow with the round trip instead of one call per loop turn (the
 * connection is one ordered pipeline either way; the wait is at most one Redis round trip). Full batches
 * (MAX_EVENTS_PER_CALL) are never held back, so this never caps throughput.
 */
const MAX_CALLS_IN_FLIGHT = 2;

/**
 * Script calls start at least this far apart: under load (500 streams publish about 10,000 chunk batches a
 * second) each call is a socket write that wakes Redis, and hundreds of small calls a second cost the worker's
 * main thread more than their content. An event waits at most this long for its call; with the publisher
 * idle for that long, the next event leaves in the same event-loop turn.
 */
const MIN_FLUSH_INTERVAL_MS = 10;

/** Events queued or sent but not yet answered, across all runs of this process; past it events are dropped. */
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
 * never waits for Redis, so the capture hot path cannot be slowed or broken by it. Events are queued in call
 * order and flushed in batched script calls (at most one flush per MIN_FLUSH_INTERVAL_MS) on one connection,
 * which keeps a run's events ordered; buffering is bounded by MAX_IN_FLIGHT and events are dropped (and counted in a
 * log line) while Redis is not connected.
 */
@Injectable()
export class RunEventPublisher {
  private readonly logger = new Logger(RunEventPublisher.name);
  private readonly redis: PublisherRedis;
  private inFlight = 0;
  private callsInFlight = 0;
  private pending: PendingEvent[] = [];
  private flushScheduled = false;
  private lastFlushAt = -Infinity;
  private dropped = 0;
  private lastDropLog = 0;

  constructor(
    @Inject(REDIS) redis: Redis,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    redis.defineCommand('streamrankRunEvents', { lua: PUBLISH_SCRIPT });
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

  /**
   * Consecutive answer chunks as one log entry (type `chunk`, data a JSON array of {index,text,arrivalMs});
   * the SSE endpoint hands each chunk to clients as its own `chunk` event (see expandChunkEntry).
   */
  chunks(run: RunRef, chunks: readonly { index: number; text: string; atUs: number }[]): void {
    if (chunks.length === 0) return;
    this.publish(
      run,
      'chunk',
      chunks.map((c) => ({ index: c.index, text: c.text, arrivalMs: c.atUs / 1000 })),
      false,
    );
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

  private publish(
    run: RunRef,
    type: RunEventType,
    data: Record<string, unknown> | Record<string, unknown>[],
    feed: boolean,
  ): void {
    try {
      if (this.redis.status !== 'ready' || this.inFlight >= MAX_IN_FLIGHT) {
        this.drop(run.runId, `redis ${this.redis.status}, ${this.inFlight} in flight`);
        return;
      }
      const prefix = this.config.QUEUE_PREFIX;
      this.inFlight++;
      this.pending.push({
        runId: run.runId,
        key: runLogKey(prefix, run.runId),
        values: [
          type,
          JSON.stringify(data),
          runChannel(prefix, run.runId),
          projectChannel(prefix, run.projectId),
          feed && !Array.isArray(data) ? JSON.stringify({ runId: run.runId, ...data }) : '',
        ],
      });
      this.scheduleFlush();
    } catch (error) {
      this.drop(run.runId, error);
    }
  }

  /** The next flush: in this event-loop turn, or MIN_FLUSH_INTERVAL_MS after the last one. */
  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    const wait = this.lastFlushAt + MIN_FLUSH_INTERVAL_MS - performance.now();
    if (wait <= 0) setImmediate(() => this.flush());
    else setTimeout(() => this.flush(), Math.ceil(wait));
  }

  /**
   * Sends the queued events in order, MAX_EVENTS_PER_CALL per script call and at most MAX_CALLS_IN_FLIGHT
   * calls awaiting a reply; what is left is sent when a reply arrives.
   */
  private flush(): void {
    this.flushScheduled = false;
    if (this.pending.length > 0 && this.callsInFlight < MAX_CALLS_IN_FLIGHT)
      this.lastFlushAt = performance.now();
    // Full batches always go out at once; only a partial batch waits for a reply while calls are out.
    while (
      this.pending.length >= MAX_EVENTS_PER_CALL ||
      (this.pending.length > 0 && this.callsInFlight < MAX_CALLS_IN_FLIGHT)
    ) {
      const batch =
        this.pending.length <= MAX_EVENTS_PER_CALL
          ? this.pending
          : this.pending.slice(0, MAX_EVENTS_PER_CALL);
      this.pending = batch === this.pending ? [] : this.pending.slice(MAX_EVENTS_PER_CALL);
      const args: (string | number)[] = [batch.length];
      for (const e of batch) args.push(e.key);
      args.push(RUN_LOG_MAXLEN, RUN_LOG_TTL_SECONDS);
      for (const e of batch) args.push(...e.values);
      try {
        this.callsInFlight++;
        this.redis
          .streamrankRunEvents(...args)
          .catch((error: unknown) => {
            this.dropped += batch.length - 1;
            this.drop(batch[0]!.runId, error);
          })
          .finally(() => {
            this.inFlight -= batch.length;
            this.callsInFlight--;
            if (this.pending.length > 0) this.scheduleFlush();
          });
      } catch (error) {
        this.callsInFlight--;
        this.inFlight -= batch.length;
        this.dropped += batch.length - 1;
        this.drop(batch[0]!.runId, error);
      }
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
