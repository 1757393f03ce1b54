import { Controller, Get, HttpCode, Logger, Res } from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { type Response } from 'express';
import { Public } from '../auth/access.decorator';
import { openApiSchema } from '../infra/http/openapi-schema';
import { liveResponseSchema, readyResponseSchema } from './dto/health.dto';
import { HealthRepository, type DependencyCheck } from './health.repository';

const withTimeout = (p: Promise<DependencyCheck>, ms: number): Promise<DependencyCheck> =>
  Promise.race([
    p,
    new Promise<DependencyCheck>((r) => setTimeout(() => r({ ok: false, detail: 'timeout' }), ms)),
  ]);

@ApiTags('health')
@Controller('health')
export class HealthController {
  private readonly logger = new Logger('health');

  constructor(private readonly health: HealthRepository) {}

  /** Liveness: the process answers. Never touches dependencies (a DB outage must not restart pods). */
  @Get('live')
  @ApiOkResponse({ schema: openApiSchema(liveResponseSchema) })
  @Public()
  @HttpCode(200)
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /**
   * Readiness: Postgres answers with every migration applied, and Redis answers and will not evict keys.
   * Callers are unauthenticated, so the body says only which check failed; why is logged.
   */
  @Get('ready')
  @ApiOkResponse({ description: 'Ready', schema: openApiSchema(readyResponseSchema) })
  @ApiServiceUnavailableResponse({
    description: 'Not ready (a dependency failed its check)',
    schema: openApiSchema(readyResponseSchema),
  })
  @Public()
  async ready(@Res({ passthrough: true }) res: Response): Promise<{
    status: 'ok' | 'unavailable';
    checks: { postgres: { ok: boolean }; migrations: { ok: boolean }; redis: { ok: boolean } };
  }> {
    const [postgres, migrations, redis] = await Promise.all([
      withTimeout(this.health.postgres(), 2000),
      withTimeout(this.health.migrations(), 2000),
      withTimeout(this.health.redisCheck(), 2000),
    ]);
    const checks = { postgres, migrations, redis };
    const failed = Object.entries(checks).filter(([, c]) => !c.ok);
    if (failed.length > 0) {
      this.logger.warn(
        { failed: Object.fromEntries(failed.map(([name, c]) => [name, c.detail])) },
        'not ready',
      );
    }
    res.status(failed.length === 0 ? 200 : 503);
    return {
      status: failed.length === 0 ? 'ok' : 'unavailable',
      checks: { postgres: { ok: postgres.ok }, migrations: { ok: migrations.ok }, redis: { ok: redis.ok } },
    };
  }
}
