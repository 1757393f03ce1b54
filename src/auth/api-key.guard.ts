import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { type Request } from 'express';
import { ApiError } from '../infra/http/api-error';
import { ACCESS_KEY, type Access } from './access.decorator';
import { ApiKeyService } from './api-key.service';
import { type AuthenticatedRequest } from './auth-context';

@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly keys: ApiKeyService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const access = this.reflector.getAllAndOverride<Access | undefined>(ACCESS_KEY, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (access === 'public') return true;
    const req = context.switchToHttp().getRequest<Request & AuthenticatedRequest>();
    req.auth = await this.keys.authenticate(req.headers.authorization);
    if (access !== 'read' && req.auth.role !== 'admin') throw ApiError.forbidden();
    return true;
  }
}
