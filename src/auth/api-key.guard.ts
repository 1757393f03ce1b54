import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { type Request, type Response } from 'express';
import { ApiError } from '../infra/http/api-error';
import { RateLimiter } from '../infra/http/rate-limit/rate-limiter';
import { ACCESS_KEY, type Access } from './access.decorator';
import { ApiKeyService } from './api-key.service';
import { type AuthContext, type AuthenticatedRequest, type WebSessionContext } from './auth-context';
import { assertCsrfToken, assertSameOrigin, readCookie, SESSION_COOKIE } from './session-cookie';
import { WebSessionService } from './web-session.service';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Authenticates every non-public route by `Authorization: Bearer <key>` or, when that header is absent, by the
 * web app's session cookie. Either way `req.auth` is the key's (workspace, key id, role), so roles, tenancy
 * and the per-key rate limit apply the same. Cookie-authenticated writes must also pass the CSRF checks.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly keys: ApiKeyService,
    private readonly sessions: WebSessionService,
    private readonly rateLimiter: RateLimiter,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const access = this.reflector.getAllAndOverride<Access | undefined>(ACCESS_KEY, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (access === 'public') return true;
    const req = context.switchToHttp().getRequest<Request & AuthenticatedRequest>();
    const { auth, session } = await this.authenticate(req);
    req.auth = auth;
    if (session) req.webSession = session;
    // Per-key limit, counted once the key is known (RateLimit-* headers on every authenticated response).
    await this.rateLimiter.enforce(auth.apiKeyId, context.switchToHttp().getResponse<Response>());
    if (session && !SAFE_METHODS.has(req.method)) {
      assertSameOrigin(req);
      assertCsrfToken(req, session.csrfToken);
    }
    if (access !== 'read' && auth.role !== 'admin') throw ApiError.forbidden();
    return true;
  }

  private async authenticate(req: Request): Promise<{ auth: AuthContext; session?: WebSessionContext }> {
    // A Bearer key wins over a cookie: a cross-site page cannot make a browser send an Authorization header.
    if (req.headers.authorization !== undefined) {
      return { auth: await this.keys.authenticate(req.headers.authorization) };
    }
    const token = readCookie(req.headers.cookie, SESSION_COOKIE);
    if (!token) throw ApiError.unauthorized();
    return this.sessions.authenticate(token);
  }
}
