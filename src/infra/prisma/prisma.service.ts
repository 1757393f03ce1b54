import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';
import { Pool } from 'pg';
import { PrismaClient } from '../../generated/prisma/client';
import { APP_CONFIG } from '../../config/config.module';
import { type AppConfig } from '../../config/app-config';

/** A tagged template that runs its SQL as a named prepared statement and resolves with the rows. */
export type PreparedQuery<T> = (strings: TemplateStringsArray, ...values: unknown[]) => Promise<T[]>;

/**
 * The one Prisma client of a process. Only repositories inject it.
 * Timeouts are explicit: the pg pool's default acquire timeout is infinite, which turns a Postgres
 * outage into hung requests instead of fast 503s.
 */
@Injectable()
export class PrismaService extends PrismaClient implements OnApplicationShutdown {
  /** The pool under the driver adapter (the client's own connections), for `prepared` statements. */
  private readonly pool: Pool;
  private readonly texts = new WeakMap<TemplateStringsArray, string>();

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    const pool = new Pool({
      connectionString: config.DATABASE_URL,
      max: config.DATABASE_POOL_SIZE,
      connectionTimeoutMillis: 3000,
      idleTimeoutMillis: 30_000,
      statement_timeout: config.DATABASE_STATEMENT_TIMEOUT_MS,
      query_timeout: config.DATABASE_STATEMENT_TIMEOUT_MS + 1000,
    });
    // An idle client that loses its server (Postgres restarted) is dropped by the pool; without a listener
    // the pool's 'error' event would end the process.
    pool.on('error', () => undefined);
    super({ adapter: new PrismaPg(pool) });
    this.pool = pool;
  }

  /**
   * For the few statements a worker runs for every run (start an attempt, save a result): the same SQL as
   * `$queryRaw` (values interpolated as `$n` parameters, never into the text), but sent straight to the pool
   * as a named prepared statement. Postgres then parses and plans it once per connection instead of on every
   * call (under bench:load a third of Postgres' CPU went to parsing and planning these statements), and the
   * worker's main thread skips the client's query engine. Each name must always carry the same SQL text.
   * Errors are the driver's (pg DatabaseError, connection errors), not Prisma's.
   */
  prepared<T>(name: string): PreparedQuery<T> {
    return async (strings, ...values) => {
      let text = this.texts.get(strings);
      if (text === undefined) {
        text = strings.reduce((sql, part, i) => `${sql}$${i}${part}`);
        this.texts.set(strings, text);
      }
      const result = await this.pool.query({ name, text, values });
      return result.rows as T[];
    };
  }

  /**
   * Last shutdown phase: Nest runs onModuleDestroy, then beforeApplicationShutdown (where workers drain their
   * in-flight runs, which still write results), then onApplicationShutdown. Disconnecting earlier would let
   * a draining run reconnect lazily and keep the process alive. The pool is ours (the adapter leaves an
   * external pool open), so it is ended here too.
   */
  async onApplicationShutdown(): Promise<void> {
    await this.$disconnect();
    if (!this.pool.ended) await this.pool.end();
  }
}
