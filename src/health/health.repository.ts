import { existsSync } from 'node:fs';
import path from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import { type Redis } from 'ioredis';
import { readMigrations } from '../infra/database/migration-files';
import { PrismaService } from '../infra/prisma/prisma.service';
import { REDIS } from '../infra/redis/redis.module';

/** `detail` is for the log only: it can name hosts, ports and server versions. */
export interface DependencyCheck {
  ok: boolean;
  detail?: string;
}

/** prisma/migrations next to the code: `src/health` in the repository, `dist/src/health` in the image. */
function findMigrationsDir(): string | null {
  for (let dir = __dirname, i = 0; i < 5; i++, dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'prisma', 'migrations');
    if (existsSync(candidate)) return candidate;
  }
  return null;
}

@Injectable()
export class HealthRepository {
  /** The migrations this build expects, read once: they do not change while the process runs. */
  private expected: Promise<string[]> | null = null;

  constructor(
    private readonly prisma: PrismaService,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  async postgres(): Promise<DependencyCheck> {
    try {
      await this.prisma.$queryRaw`SELECT 1`;
      return { ok: true };
    } catch (e) {
      return { ok: false, detail: (e as Error).message.slice(0, 200) };
    }
  }

  /**
   * Every migration in prisma/migrations is applied (finished, not rolled back): until then every route
   * that touches a new table or column answers 500, so the instance must not take traffic.
   */
  async migrations(migrationsDir = findMigrationsDir()): Promise<DependencyCheck> {
    try {
      if (migrationsDir === null) return { ok: false, detail: 'prisma/migrations not found' };
      this.expected ??= readMigrations(migrationsDir).then((list) => list.map((m) => m.name));
      const expected = await this.expected.catch((e: unknown) => {
        this.expected = null;
        throw e;
      });
      // The table is the migrator's (MIGRATIONS_TABLE); on an unmigrated database it does not exist yet.
      const rows = await this.prisma.$queryRaw<{ migration_name: string }[]>`
        SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`;
      const applied = new Set(rows.map((r) => r.migration_name));
      const pending = expected.filter((name) => !applied.has(name));
      if (pending.length > 0) {
        return {
          ok: false,
          detail: `${pending.length} migration(s) not applied: ${pending.slice(0, 5).join(', ')}`,
        };
      }
      return { ok: true };
    } catch (e) {
      return { ok: false, detail: (e as Error).message.slice(0, 200) };
    }
  }

  /** Redis must answer and must not evict keys: eviction silently loses queued runs. */
  async redisCheck(): Promise<DependencyCheck> {
    try {
      // INFO works where CONFIG GET is disabled (managed Redis).
      const info = await this.redis.info('memory');
      const policy = /maxmemory_policy:(\S+)/.exec(info)?.[1] ?? 'unknown';
      if (policy !== 'noeviction') {
        return { ok: false, detail: `maxmemory-policy is ${policy}, must be noeviction` };
      }
      return { ok: true };
    } catch (e) {
      return { ok: false, detail: (e as Error).message.slice(0, 200) };
    }
  }
}
