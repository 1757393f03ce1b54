import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { type Redis } from 'ioredis';
import { type AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { REDIS } from '../../infra/redis/redis.module';

const MINUTE_MS = 60_000;

/**
 * One atomic admission decision for an engine, on Redis' clock (every worker sees the same time).
 * KEYS[1]: sorted set of concurrency leases (member = lease id, score = expiry ms).
 * KEYS[2]: sorted set of provider calls in the last minute (member = lease id, score = call time ms).
 * KEYS[3]: the engine's pause (set from a provider's retry-after): while it exists, nothing is admitted.
 * ARGV: maxConcurrency (0 = unlimited), maxPerMinute (0 = unlimited), leaseMs, lease id, busyRetryMs.
 * Expired leases are dropped first, so a crashed worker's slot comes back after one lease at most.
 * Returns {1, 0} when admitted (slot taken and call counted), {0, waitMs} otherwise (nothing recorded).
 */
const ACQUIRE_SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local paused = redis.call('PTTL', KEYS[3])
if paused > 0 then return {0, paused} end
local maxc = tonumber(ARGV[1])
local maxr = tonumber(ARGV[2])
local lease = tonumber(ARGV[3])
if maxc > 0 then
  redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
  if redis.call('ZCARD', KEYS[1]) >= maxc then
    local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
    local untilExpiry = tonumber(first[2]) - now
    return {0, math.min(tonumber(ARGV[5]), math.max(1, untilExpiry))}
  end
end
if maxr > 0 then
  redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now - ${MINUTE_MS})
  if redis.call('ZCARD', KEYS[2]) >= maxr then
    local oldest = redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')
    return {0, math.max(1, tonumber(oldest[2]) + ${MINUTE_MS} - now)}
  end
  redis.call('ZADD', KEYS[2], now, ARGV[4])
  redis.call('PEXPIRE', KEYS[2], ${MINUTE_MS + 1000})
end
if maxc > 0 then
  redis.call('ZADD', KEYS[1], now + lease, ARGV[4])
  redis.call('PEXPIRE', KEYS[1], lease + 1000)
end
return {1, 0}
`;

/** Pauses an engine for ARGV[1] ms unless it is already paused for longer. */
const PAUSE_SCRIPT = `
if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[1]) then
  redis.call('SET', KEYS[1], '1', 'PX', ARGV[1])
end
return 1
`;

/** Extends a lease that is still held; 0 when it already expired (and may have been given away). */
const RENEW_SCRIPT = `
if not redis.call('ZSCORE', KEYS[1], ARGV[1]) then return 0 end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[2]) + 1000)
return 1
`;

interface ThrottleRedis extends Redis {
  streamrankEngineAcquire(
    slots: string,
    calls: string,
    pause: string,
    maxConcurrency: number,
    maxPerMinute: number,
    leaseMs: number,
    leaseId: string,
    busyRetryMs: number,
  ): Promise<[number, number]>;
  streamrankEngineRenew(slots: string, leaseId: string, leaseMs: number): Promise<number>;
  streamrankEnginePause(pause: string, ms: number): Promise<number>;
}

export interface EngineLimits {
  engineId: string;
  maxConcurrency: number | null;
  maxRequestsPerMinute: number | null;
}

/** A held engine slot: renewed in the background until released. */
export interface EngineLease {
  release(): Promise<void>;
}

export type Admission = { admitted: true; lease: EngineLease } | { admitted: false; retryInMs: number };

const NO_LEASE: EngineLease = { release: () => Promise.resolve() };

/**
 * Per-engine concurrency and requests-per-minute limits shared by every worker process. Concurrency is a
 * Redis semaphore of expiring leases (renewed while the stream runs, so a crashed worker leaks its slot for
 * one lease at most); the minute limit is a sliding window of call times. A refused run is deferred by the
 * caller: it is neither failed nor charged an attempt.
 */
@Injectable()
export class EngineThrottle {
  private readonly logger = new Logger(EngineThrottle.name);
  private readonly redis: ThrottleRedis;

  constructor(
    @Inject(REDIS) redis: Redis,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    redis.defineCommand('streamrankEngineAcquire', { numberOfKeys: 3, lua: ACQUIRE_SCRIPT });
    redis.defineCommand('streamrankEnginePause', { numberOfKeys: 1, lua: PAUSE_SCRIPT });
    redis.defineCommand('streamrankEngineRenew', { numberOfKeys: 1, lua: RENEW_SCRIPT });
    this.redis = redis as ThrottleRedis;
  }

  static isLimited(limits: EngineLimits): boolean {
    return limits.maxConcurrency !== null || limits.maxRequestsPerMinute !== null;
  }

  slotsKey(engineId: string): string {
    return `${this.config.QUEUE_PREFIX}:engine-slots:${engineId}`;
  }

  callsKey(engineId: string): string {
    return `${this.config.QUEUE_PREFIX}:engine-calls:${engineId}`;
  }

  pauseKey(engineId: string): string {
    return `${this.config.QUEUE_PREFIX}:engine-pause:${engineId}`;
  }

  /**
   * Honours a provider's retry-after for the whole engine: no run of it is admitted for `ms`, whichever worker
   * asks. Best effort: a failure only means other runs may meet the 429 themselves.
   */
  async pause(engineId: string, ms: number): Promise<void> {
    if (ms <= 0) return;
    await this.redis.streamrankEnginePause(this.pauseKey(engineId), Math.ceil(ms)).catch((err: unknown) => {
      this.logger.warn({ err, engineId }, 'engine pause not recorded');
    });
  }

  /**
   * Asks for one provider call against the engine. Redis errors propagate for a limited engine (the caller
   * defers rather than exceed the limit); an unlimited engine is admitted without Redis (only its pause is
   * skipped).
   */
  async acquire(limits: EngineLimits): Promise<Admission> {
    if (!EngineThrottle.isLimited(limits)) {
      try {
        const [admitted, waitMs] = await this.ask(limits, '');
        return admitted ? { admitted: true, lease: NO_LEASE } : { admitted: false, retryInMs: waitMs };
      } catch (err) {
        this.logger.warn({ err, engineId: limits.engineId }, 'engine pause unknown (Redis); run admitted');
        return { admitted: true, lease: NO_LEASE };
      }
    }
    const leaseId = randomUUID();
    const [admitted, retryInMs] = await this.ask(limits, leaseId);
    if (!admitted) return { admitted: false, retryInMs };
    if (limits.maxConcurrency === null) return { admitted: true, lease: NO_LEASE };
    return { admitted: true, lease: this.hold(limits.engineId, leaseId) };
  }

  /** One acquire script call: [admitted, jittered wait when refused]. */
  private async ask(limits: EngineLimits, leaseId: string): Promise<[boolean, number]> {
    const leaseMs = this.config.ENGINE_SLOT_LEASE_MS;
    const [admitted, waitMs] = await this.redis.streamrankEngineAcquire(
      this.slotsKey(limits.engineId),
      this.callsKey(limits.engineId),
      this.pauseKey(limits.engineId),
      limits.maxConcurrency ?? 0,
      limits.maxRequestsPerMinute ?? 0,
      leaseMs,
      leaseId || 'unlimited',
      this.config.ENGINE_THROTTLE_RETRY_MS,
    );
    if (Number(admitted) === 1) return [true, 0];
    // Jitter (never early): runs refused together must not all come back in the same millisecond.
    return [false, Math.max(10, Math.round(Number(waitMs) * (1 + Math.random() / 2)))];
  }

  /** Renews the lease in the background until released. */
  private hold(engineId: string, leaseId: string): EngineLease {
    const leaseMs = this.config.ENGINE_SLOT_LEASE_MS;
    const slots = this.slotsKey(engineId);
    const limits = { engineId };
    const renewal = setInterval(
      () => {
        this.redis.streamrankEngineRenew(slots, leaseId, leaseMs).then(
          (held) => {
            if (Number(held) !== 1) {
              this.logger.warn({ engineId: limits.engineId }, 'engine slot lease expired before renewal');
            }
          },
          (err: unknown) =>
            this.logger.warn({ err, engineId: limits.engineId }, 'engine slot renewal failed'),
        );
      },
      Math.max(50, Math.floor(leaseMs / 3)),
    );
    renewal.unref();
    return {
      release: async () => {
        clearInterval(renewal);
        // A lost release only holds the slot until the lease expires.
        await this.redis.zrem(slots, leaseId).catch((err: unknown) => {
          this.logger.warn({ err, engineId: limits.engineId }, 'engine slot release failed');
        });
      },
    };
  }
}
