import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { RateLimiter } from '../infra/http/rate-limit/rate-limiter';
import { ApiKeyGuard } from './api-key.guard';
import { ApiKeyRepository } from './api-key.repository';
import { ApiKeyService } from './api-key.service';
import { ApiKeysController } from './api-keys.controller';
import { WebSessionRepository } from './web-session.repository';
import { WebSessionService } from './web-session.service';
import { WebSessionsController } from './web-sessions.controller';

@Module({
  controllers: [ApiKeysController, WebSessionsController],
  providers: [
    ApiKeyRepository,
    ApiKeyService,
    WebSessionRepository,
    WebSessionService,
    RateLimiter,
    { provide: APP_GUARD, useClass: ApiKeyGuard },
  ],
  exports: [ApiKeyService, WebSessionService],
})
export class AuthModule {}
