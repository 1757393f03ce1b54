import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../../generated/prisma/client';
import { APP_CONFIG } from '../../config/config.module';
import { type AppConfig } from '../../config/app-config';

/**
 * The one Prisma client of a process. Only repositories inject it.
 * Timeouts are explicit: the pg pool's default acquire timeout is infinite, which turns a Postgres
 * outage into hung requests instead of fast 503s.
 */
@Injectable()
export class PrismaService extends PrismaClient implements OnApplicationShutdown {
  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    super({
      adapter: new PrismaPg({
        connectionString: config.DATABASE_URL,
        max: config.DATABASE_POOL_SIZE,
        connectionTimeoutMillis: 3000,
        idleTimeoutMillis: 30_000,
        statement_timeout: config.DATABASE_STATEMENT_TIMEOUT_MS,
        query_timeout: config.DATABASE_STATEMENT_TIMEOUT_MS + 1000,
      }),
    });
  }

  /**
   * Last shutdown phase: Nest runs onModuleDestroy, then beforeApplicationShutdown (where workers drain their
   * in-flight runs, which still write results), then onApplicationShutdown. Disconnecting earlier would let
   * a draining run reconnect lazily and keep the process alive.
   */
  async onApplicationShutdown(): Promise<void> {
    await this.$disconnect();
  }
}
