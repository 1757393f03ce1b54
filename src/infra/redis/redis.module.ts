import { Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { Redis } from 'ioredis';
import { APP_CONFIG } from '../../config/config.module';
import { type AppConfig } from '../../config/app-config';

/** A general-purpose Redis connection (health checks, counters, pub/sub publish). BullMQ makes its own. */
export const REDIS = Symbol('REDIS');

export function createRedis(config: AppConfig, purpose: string): Redis {
  return new Redis(config.REDIS_URL, {
    connectionName: `streamrank:${purpose}`,
    maxRetriesPerRequest: 2,
    enableOfflineQueue: true,
    connectTimeout: 3000,
    commandTimeout: 3000,
    lazyConnect: false,
  });
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
