import { Inject, Injectable, Logger } from '@nestjs/common';
import { type Response } from 'express';
import { type Redis } from 'ioredis';
import { type AppConfig } from '../../../config/app-config';
import { APP_CONFIG } from '../../../config/config.module';
import { REDIS } from '../../redis/redis.module';
import { ApiError } from '../api-error';

const WINDOW_MS = 60_000;
/** A rate-limit check never holds a request longer than this; past it the request passes (fail open). */
const CHECK_TIMEOUT_MS = 250;
const FAIL_OPEN_LOG_INTERVAL_MS = 30_000;

/**
 * Fixed one-minute window per key, atomic in Redis: the first hit creates the counter with a TTL of one
 * window; every hit returns the count and the time left. Returns { count, pttl }.
 */
const HIT_SCRIPT = `
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {n, ttl}
`;

interface RateLimitRedis extends Redis {
  streamrankRateLimitHit(key: string, windowMs: number): Promise<[number, number]>;
}

export interface RateLimitState {
  limit: number;
  remaining: number;
  /** Seconds until the window resets. */
  resetSeconds: number;
  allowed: boolean;
}

/**
 * Per-API-key request limit shared by every API replica (the counter lives in Redis under QUEUE_PREFIX).
 *
 * Availability over strictness: when Redis is unreachable or slow the check is skipped and the request
 * passes (logged at most every 30 s). The limit protects the service from runaway clients; it is not a
 * security boundary, and taking the whole API down with Redis would hurt every tenant instead of one.
 */
@Injectable()
export class RateLimiter {
  private readonly logger = new Logger(RateLimiter.name);
  private readonly redis: RateLimitRedis;
  private lastFailOpenLog = 0;

  constructor(
    @Inject(REDIS) redis: Redis,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    redis.defineCommand('streamrankRateLimitHit', { numberOfKeys: 1, lua: HIT_SCRIPT });
    this.redis = redis as RateLimitRedis;
  }

  get enabled(): boolean {
    return this.config.API_RATE_LIMIT_PER_MINUTE > 0;
  }

  /** Counts one request for the key; null when disabled or when Redis could not answer (fail open). */
  async hit(apiKeyId: string): Promise<RateLimitState | null> {
    if (!this.enabled) return null;
    const limit = this.config.API_RATE_LIMIT_PER_MINUTE;
    if (this.redis.status !== 'ready') {
      this.failOpen(new Error(`redis connection is ${this.redis.status}`));
      return null;
    }
    let timer: NodeJS.Timeout | undefined;
    try {
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('rate limit check timed out')), CHECK_TIMEOUT_MS);
      });
      const [count, pttl] = await Promise.race([
        this.redis.streamrankRateLimitHit(`${this.config.QUEUE_PREFIX}:ratelimit:${apiKeyId}`, WINDOW_MS),
        timeout,
      ]);
      return {
        limit,
        remaining: Math.max(0, limit - Number(count)),
        resetSeconds: Math.max(1, Math.ceil(Number(pttl) / 1000)),
        allowed: Number(count) <= limit,
      };
    } catch (error) {
      this.failOpen(error);
      return null;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Counts the request, sets the RateLimit-* headers and throws a 429 past the limit. */
  async enforce(apiKeyId: string, res: Response): Promise<void> {
    const state = await this.hit(apiKeyId);
    if (!state) return;
    res.setHeader('RateLimit-Limit', String(state.limit));
    res.setHeader('RateLimit-Remaining', String(state.remaining));
    res.setHeader('RateLimit-Reset', String(state.resetSeconds));
    if (state.allowed) return;
    res.setHeader('Retry-After', String(state.resetSeconds));
    throw new ApiError(
      429,
      'rate_limited',
      `Rate limit of ${state.limit} requests per minute exceeded for this API key; retry in ${state.resetSeconds} s`,
    );
  }

  private failOpen(error: unknown): void {
    const now = Date.now();
    if (now - this.lastFailOpenLog < FAIL_OPEN_LOG_INTERVAL_MS) return;
    this.lastFailOpenLog = now;
    this.logger.warn({ err: error }, 'rate limiting skipped (fail open): Redis unavailable');
  }
}
