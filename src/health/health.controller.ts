import { Controller, Get, HttpCode, Res } from '@nestjs/common';
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
  constructor(private readonly health: HealthRepository) {}

  /** Liveness: the process answers. Never touches dependencies (a DB outage must not restart pods). */
  @Get('live')
  @ApiOkResponse({ schema: openApiSchema(liveResponseSchema) })
  @Public()
  @HttpCode(200)
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** Readiness: Postgres and Redis answer, and Redis will not evict keys. */
  @Get('ready')
  @ApiOkResponse({ description: 'Ready', schema: openApiSchema(readyResponseSchema) })
  @ApiServiceUnavailableResponse({
    description: 'Not ready (a dependency failed its check)',
    schema: openApiSchema(readyResponseSchema),
  })
  @Public()
  async ready(@Res({ passthrough: true }) res: Response): Promise<{
    status: 'ok' | 'unavailable';
    checks: { postgres: DependencyCheck; redis: DependencyCheck };
  }> {
    const [postgres, redis] = await Promise.all([
      withTimeout(this.health.postgres(), 2000),
      withTimeout(this.health.redisCheck(), 2000),
    ]);
    const ok = postgres.ok && redis.ok;
    res.status(ok ? 200 : 503);
    return { status: ok ? 'ok' : 'unavailable', checks: { postgres, redis } };
  }
}
