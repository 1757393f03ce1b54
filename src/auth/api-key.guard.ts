import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { type Request, type Response } from 'express';
import { ApiError } from '../infra/http/api-error';
import { RateLimiter } from '../infra/http/rate-limit/rate-limiter';
import { ACCESS_KEY, type Access } from './access.decorator';
import { ApiKeyService } from './api-key.service';
import { type AuthenticatedRequest } from './auth-context';

@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly keys: ApiKeyService,
    private readonly rateLimiter: RateLimiter,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const access = this.reflector.getAllAndOverride<Access | undefined>(ACCESS_KEY, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (access === 'public') return true;
    const req = context.switchToHttp().getRequest<Request & AuthenticatedRequest>();
    req.auth = await this.keys.authenticate(req.headers.authorization);
    // Per-key limit, counted once the key is known (RateLimit-* headers on every authenticated response).
    await this.rateLimiter.enforce(req.auth.apiKeyId, context.switchToHttp().getResponse<Response>());
    if (access !== 'read' && req.auth.role !== 'admin') throw ApiError.forbidden();
    return true;
  }
}
