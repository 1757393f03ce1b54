import { Inject, Injectable } from '@nestjs/common';
import { type Redis } from 'ioredis';
import { PrismaService } from '../infra/prisma/prisma.service';
import { REDIS } from '../infra/redis/redis.module';

export interface DependencyCheck {
  ok: boolean;
  detail?: string;
}

@Injectable()
export class HealthRepository {
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

  /** Redis must answer and must not evict keys: eviction silently loses queued runs. */
  async redisCheck(): Promise<DependencyCheck> {
    try {
      // INFO works where CONFIG GET is disabled (managed Redis).
      const info = await this.redis.info('memory');
      const policy = /maxmemory_policy:(\S+)/.exec(info)?.[1] ?? 'unknown';
      if (policy !== 'noeviction')
        return { ok: false, detail: `maxmemory-policy is ${policy}, must be noeviction` };
      return { ok: true };
    } catch (e) {
      return { ok: false, detail: (e as Error).message.slice(0, 200) };
    }
  }
}
