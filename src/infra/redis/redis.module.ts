import { Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { Redis } from 'ioredis';
import { APP_CONFIG } from '../../config/config.module';
import { type AppConfig } from '../../config/app-config';

/** A general-purpose Redis connection (health checks, counters, pub/sub publish). BullMQ makes its own. */
export const REDIS = Symbol('REDIS');

export function createRedis(config: AppConfig, purpose: string): Redis {
  const redis = new Redis(config.REDIS_URL, {
    connectionName: `streamrank:${purpose}`,
    maxRetriesPerRequest: 2,
    enableOfflineQueue: true,
    connectTimeout: 3000,
    commandTimeout: 3000,
    lazyConnect: false,
  });
  // ioredis reconnects by itself; while Redis is down the failing commands report it (readiness 503, the
  // rate limiter failing open). Without a listener every reconnect attempt prints "Unhandled error event".
  redis.on('error', () => undefined);
  return redis;
}

@Global()
@Module({
  providers: [
    { provide: REDIS, inject: [APP_CONFIG], useFactory: (c: AppConfig) => createRedis(c, 'general') },
  ],
  exports: [REDIS],
})
export class RedisModule implements OnApplicationShutdown {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  async onApplicationShutdown(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
