import { Inject, Injectable, Logger } from '@nestjs/common';
import { type Redis } from 'ioredis';
import { type AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { REDIS } from '../../infra/redis/redis.module';
import { type StartedAttempt } from '../execution/run-attempt.types';
import { type RunResultWrite } from './run-result.types';

/**
 * A spill outlives its write only when the worker died holding the answer (or the write retry gave up); the
 * run's next job lands it within minutes (lock expiry, or the reconciler's RUN_DEADLINE_MS + margin). A day
 * leaves room for a long outage of both and still bounds what dead workers can leave behind.
 */
const SPILL_TTL_MS = 24 * 3600_000;

/** Deletes the spill only when it still holds the given attempt's answer. */
const DROP_IF_TOKEN = `if redis.call('hget', KEYS[1], 'token') == ARGV[1] then return redis.call('del', KEYS[1]) end return 0`;

export interface SpilledAnswer {
  attempt: StartedAttempt;
  result: RunResultWrite;
}

/**
 * Finished answers kept in Redis (keyed by run, holding the attempt token) from the moment they are fully
 * received until their result is committed, so that a worker dying while Postgres is unreachable loses
 * nothing: the run's next job lands the spilled answer under its original attempt instead of calling the
 * provider again (docs/operations.md, "Postgres"). Redis, not a local file: the next job may run on another
 * machine, and Redis is already required (AOF, noeviction). Best effort: when Redis cannot take the spill the
 * answer is still held in memory and retried; only a worker death in that case loses it.
 */
@Injectable()
export class AnswerSpill {
  private readonly logger = new Logger(AnswerSpill.name);

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  private key(runId: string): string {
    return `${this.config.QUEUE_PREFIX}:spill:${runId}`;
  }

  /** Stores the answer; false (logged) when Redis could not take it. Never throws. */
  async put(attempt: StartedAttempt, result: RunResultWrite): Promise<boolean> {
    try {
      const body = JSON.stringify({ attempt, result } satisfies SpilledAnswer);
      await this.redis
        .multi()
        .hset(this.key(attempt.runId), 'token', attempt.token, 'body', body)
        .pexpire(this.key(attempt.runId), SPILL_TTL_MS)
        .exec();
      return true;
    } catch (err) {
      this.logger.warn({ msg: 'answer spill failed; answer held in memory only', err, runId: attempt.runId });
      return false;
    }
  }

  /** The run's spilled answer, if any (Redis errors propagate: the job is retried rather than pay twice). */
  async read(runId: string): Promise<SpilledAnswer | null> {
    const body = await this.redis.hget(this.key(runId), 'body');
    if (body === null) return null;
    const parsed = JSON.parse(body) as SpilledAnswer;
    // JSON has no dates: revive the two the ledger writes as timestamps.
    parsed.attempt.slotAt = new Date(parsed.attempt.slotAt);
    parsed.result.requestSentAt = new Date(parsed.result.requestSentAt);
    return parsed;
  }

  /** Removes the spill of this attempt (a later attempt's spill is left alone). Never throws. */
  async drop(runId: string, token: string): Promise<void> {
    try {
      await this.redis.eval(DROP_IF_TOKEN, 1, this.key(runId), token);
    } catch (err) {
      // Left to expire; a job that finds it lands nothing (the run has moved on) and drops it.
      this.logger.warn({ msg: 'answer spill not dropped; it expires by itself', err, runId });
    }
  }
}
