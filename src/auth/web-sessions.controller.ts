import { Body, Controller, Delete, Get, HttpCode, Post, Query, Req, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiExcludeEndpoint,
  ApiHeader,
  ApiNoContentResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { type Request, type Response } from 'express';
import { ApiBodySchema, ApiCreatedSchema, ApiOkSchema } from '../infra/http/crud.decorators';
import { ApiError } from '../infra/http/api-error';
import { openApiSchema } from '../infra/http/openapi-schema';
import { RateLimiter } from '../infra/http/rate-limit/rate-limiter';
import { parseInput } from '../infra/http/zod-body';
import { Auth, Public, ReadAccess } from './access.decorator';
import { type AuthContext, type AuthenticatedRequest } from './auth-context';
import { sessionResponseSchema, signInBodySchema, signInLinkResponseSchema } from './dto/web-session.dto';
import { assertSameOrigin, clearedSessionCookie, sessionCookie } from './session-cookie';
import { signInLinkPath, WebSessionService, type NewSession, type SessionView } from './web-session.service';

const SET_COOKIE_DOC = {
  'Set-Cookie': {
    description:
      'sr_session=<token>; Max-Age=<seconds>; Path=/; HttpOnly; SameSite=Strict (+ Secure over HTTPS)',
    schema: { type: 'string' },
  },
};
const LINK_ERROR_TARGET = '/sign-in?error=link-invalid';

/**
 * Sign-in for the web app: an API key (or a single-use link) is exchanged for an HttpOnly session cookie, so
 * the browser never keeps the key. The cookie authenticates like the key itself (see ApiKeyGuard).
 */
@ApiTags('sessions')
@Controller('v1/sessions')
export class WebSessionsController {
  constructor(
    private readonly sessions: WebSessionService,
    private readonly rateLimiter: RateLimiter,
  ) {}

  @Post()
  @Public()
  @ApiOperation({ summary: 'Sign in with an API key: sets the session cookie' })
  @ApiBodySchema(signInBodySchema)
  @ApiCreatedResponse({ schema: openApiSchema(sessionResponseSchema), headers: SET_COOKIE_DOC })
  async signIn(
    @Body() body: unknown,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<SessionView> {
    await this.throttle(req, res);
    assertSameOrigin(req);
    const input = parseInput(signInBodySchema, body);
    const session = await this.sessions.signIn(input.apiKey);
    setSessionCookie(req, res, session);
    return session.view;
  }

  @Get('current')
  @ReadAccess()
  @ApiBearerAuth()
  @ApiOperation({ summary: 'The session of the cookie (401 without one), with its CSRF token' })
  @ApiOkSchema(sessionResponseSchema)
  current(
    @Auth() auth: AuthContext,
    @Req() req: Request & AuthenticatedRequest,
    @Res({ passthrough: true }) res: Response,
  ): SessionView {
    if (!req.webSession) throw noSession();
    res.setHeader('Cache-Control', 'no-store');
    return this.sessions.view(auth, req.webSession);
  }

  @Delete('current')
  @ReadAccess()
  @ApiBearerAuth()
  @HttpCode(204)
  @ApiOperation({ summary: 'Sign out: revokes the session and clears the cookie (needs X-CSRF-Token)' })
  @ApiHeader({ name: 'X-CSRF-Token', required: false, description: 'The csrfToken of the session' })
  @ApiNoContentResponse({ description: 'Signed out', headers: SET_COOKIE_DOC })
  async signOut(
    @Req() req: Request & AuthenticatedRequest,
    @Res({ passthrough: true }) res: Response,
  ): Promise<void> {
    if (!req.webSession) throw noSession();
    await this.sessions.revoke(req.webSession.id);
    res.setHeader('Set-Cookie', clearedSessionCookie(req.secure));
  }

  /** A browser navigation, not an API call (it answers 303 either way): kept out of the OpenAPI document. */
  @Get('link')
  @Public()
  @ApiExcludeEndpoint()
  async signInWithLink(
    @Query('token') token: unknown,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    await this.throttle(req, res);
    const session = typeof token === 'string' ? await this.sessions.signInWithLink(token) : null;
    if (session) setSessionCookie(req, res, session);
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res
      .status(303)
      .location(session ? '/' : LINK_ERROR_TARGET)
      .end();
  }

  @Post('links')
  @ApiBearerAuth()
  @ApiOperation({
    summary: 'A single-use sign-in link for the calling key',
    description:
      'Opening the link (GET, in a browser) within SIGN_IN_LINK_TTL_MINUTES signs in with the calling key ' +
      '(and its role): it sets the session cookie and redirects (303) to `/`; a used, expired or unknown link ' +
      'redirects to `/sign-in?error=link-invalid`.',
  })
  @ApiCreatedSchema(signInLinkResponseSchema)
  async createLink(
    @Auth() auth: AuthContext,
    @Res({ passthrough: true }) res: Response,
  ): Promise<{ url: string; expiresAt: string }> {
    const link = await this.sessions.createSignInLink(auth.workspaceId, auth.apiKeyId);
    res.setHeader('Cache-Control', 'no-store');
    return { url: signInLinkPath(link.token), expiresAt: link.expiresAt.toISOString() };
  }

  /**
   * Sign-in attempts per client address share the per-minute budget of API_RATE_LIMIT_PER_MINUTE (Redis,
   * across replicas). Keys and link tokens carry 256 bits, so this bounds load rather than guessing odds.
   */
  private async throttle(req: Request, res: Response): Promise<void> {
    const state = await this.rateLimiter.hit(`sign-in:${req.ip ?? req.socket.remoteAddress ?? 'unknown'}`);
    if (!state || state.allowed) return;
    res.setHeader('Retry-After', String(state.resetSeconds));
    throw new ApiError(
      429,
      'rate_limited',
      `Too many sign-in attempts from this address; retry in ${state.resetSeconds} s`,
    );
  }
}

function setSessionCookie(req: Request, res: Response, session: NewSession): void {
  const maxAge = Math.round((session.expiresAt.getTime() - Date.now()) / 1000);
  res.setHeader('Set-Cookie', sessionCookie(session.token, maxAge, req.secure));
  res.setHeader('Cache-Control', 'no-store');
}

function noSession(): ApiError {
  return new ApiError(
    401,
    'unauthorized',
    'No session: this request was not authenticated by a session cookie (sign in with POST /v1/sessions)',
  );
}
