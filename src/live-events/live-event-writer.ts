import { type Redis } from 'ioredis';
import { scrubSecrets } from '../infra/crypto/secret-scrubber';
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
/** How long `settled()` waits by default: past it the caller goes on (see there). */
const SETTLE_MAX_MS = 1_000;

/** Identifies the run an event belongs to (a StartedAttempt satisfies it). */
export interface RunRef {
  runId: string;
  projectId: string;
  attempt: number;
}

/** Where a writer reports dropped events (rate-limited to one line per DROP_LOG_INTERVAL_MS). */
export type DropWarning = (fields: { runId: string; dropped: number; err: unknown }, message: string) => void;

/** A script call sent and not yet answered: the sequence number of its last event. */
interface SentCall {
  lastSeq: number;
  answered: boolean;
}

/**
 * Writes live run events to Redis. Fire-and-forget: every method returns at once, never throws and never
 * waits for Redis, so the capture hot path cannot be slowed or broken by it. Events are queued in call order
 * and flushed in batched script calls (at most one flush per MIN_FLUSH_INTERVAL_MS) on one connection, which
 * keeps a run's events ordered; buffering is bounded by MAX_IN_FLIGHT and events are dropped (and counted in a
 * log line) while Redis is not connected. `settled()` says when everything written so far has been answered,
 * so that a writer on another connection (the main thread's, after a capture thread's) can follow in order.
 *
 * No Nest here: the main thread's RunEventPublisher extends it, and each capture thread writes its answers'
 * events with its own.
 */
export class LiveEventWriter {
  private readonly redis: PublisherRedis;
  private inFlight = 0;
  private pending: PendingEvent[] = [];
  private flushScheduled = false;
  private lastFlushAt = -Infinity;
  private dropped = 0;
  private lastDropLog = 0;
  /** Sequence number of the last event queued; events dropped before queueing get none. */
  private lastSeq = 0;
  /** Every event up to this one has been answered (written, or failed and counted as dropped). */
  private answeredSeq = 0;
  /** Calls in send order; answered calls leave from the front only, so answeredSeq never skips one. */
  private calls: SentCall[] = [];
  private waiters: { seq: number; resolve: () => void }[] = [];

  constructor(
    redis: Redis,
    private readonly prefix: string,
    private readonly warn: DropWarning,
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
      // The live log is readable by any read key of the workspace: never a credential in it.
      data.message = scrubSecrets(reason.message);
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

  /**
   * Resolves once every event written before the call has been answered by Redis (or failed and been counted
   * as dropped), or after `maxMs` (Redis slow or down: a later event on another connection may then land
   * before them); events written after the call are not waited for. Never rejects.
   */
  async settled(maxMs = SETTLE_MAX_MS): Promise<void> {
    const seq = this.lastSeq;
    if (this.answeredSeq >= seq) return;
    let timer: NodeJS.Timeout | undefined;
    await new Promise<void>((resolve) => {
      this.waiters.push({ seq, resolve });
      timer = setTimeout(resolve, maxMs);
    });
    clearTimeout(timer);
  }

  /**
   * Resolves once the connection is ready (events written before that are dropped), or after `maxMs`.
   * Never rejects.
   */
  async connected(maxMs: number): Promise<void> {
    if (this.redis.status === 'ready') return;
    let timer: NodeJS.Timeout | undefined;
    let ready = (): void => undefined;
    await new Promise<void>((resolve) => {
      ready = resolve;
      this.redis.once('ready', ready);
      timer = setTimeout(resolve, maxMs);
    });
    clearTimeout(timer);
    this.redis.off('ready', ready);
  }

  protected publish(
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
      const prefix = this.prefix;
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
      this.lastSeq++;
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
    if (this.pending.length > 0 && this.calls.length < MAX_CALLS_IN_FLIGHT) {
      this.lastFlushAt = performance.now();
    }
    // Full batches always go out at once; only a partial batch waits for a reply while calls are out.
    while (
      this.pending.length >= MAX_EVENTS_PER_CALL ||
      (this.pending.length > 0 && this.calls.length < MAX_CALLS_IN_FLIGHT)
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
      // The events still pending are the newest ones queued: this batch ends just before them.
      const call: SentCall = { lastSeq: this.lastSeq - this.pending.length, answered: false };
      this.calls.push(call);
      const failed = (error: unknown): void => {
        this.dropped += batch.length - 1;
        this.drop(batch[0]!.runId, error);
      };
      const answered = (): void => {
        this.inFlight -= batch.length;
        call.answered = true;
        this.retire();
        if (this.pending.length > 0) this.scheduleFlush();
      };
      try {
        this.redis
          .streamrankRunEvents(...args)
          .catch(failed)
          .finally(answered);
      } catch (error) {
        failed(error);
        answered();
      }
    }
  }

  /** Answered calls leave in send order; waiters whose events are all answered are released. */
  private retire(): void {
    while (this.calls.length > 0 && this.calls[0]!.answered) this.answeredSeq = this.calls.shift()!.lastSeq;
    if (this.waiters.length === 0) return;
    const released = this.waiters.filter((w) => w.seq <= this.answeredSeq);
    this.waiters = this.waiters.filter((w) => w.seq > this.answeredSeq);
    for (const w of released) w.resolve();
  }

  private drop(runId: string, why: unknown): void {
    this.dropped++;
    const now = Date.now();
    if (now - this.lastDropLog < DROP_LOG_INTERVAL_MS) return;
    this.lastDropLog = now;
    this.warn(
      { runId, dropped: this.dropped, err: why },
      'live run events dropped (the run itself is unaffected)',
    );
  }
}
