import { Inject, Injectable } from '@nestjs/common';
import { type AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { Clock } from '../infra/clock/clock';
import { ApiError } from '../infra/http/api-error';
import { ApiKeyRepository } from './api-key.repository';
import { ApiKeyService } from './api-key.service';
import { type ApiKeyRole, type AuthContext, type WebSessionContext } from './auth-context';
import { hashToken, isWellFormedToken, newToken } from './session-cookie';
import { WebSessionRepository, type WebSessionRecord } from './web-session.repository';

/** The body of POST /v1/sessions and GET /v1/sessions/current. */
export interface SessionView {
  workspaceId: string;
  role: ApiKeyRole;
  keyName: string;
  keyPrefix: string;
  csrfToken: string;
  expiresAt: string;
}

/** A new session: the cookie value (shown to the browser once, stored only as a hash) and its view. */
export interface NewSession {
  token: string;
  expiresAt: Date;
  view: SessionView;
}

export interface SessionAuthentication {
  auth: AuthContext;
  session: WebSessionContext;
}

@Injectable()
export class WebSessionService {
  constructor(
    private readonly sessions: WebSessionRepository,
    private readonly keys: ApiKeyService,
    private readonly keyRecords: ApiKeyRepository,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Exchanges an API key for a session acting with it; a bad or revoked key is a 401 and stores nothing. */
  async signIn(apiKey: string): Promise<NewSession> {
    const key = await this.keys.verifyKey(apiKey);
    return this.open(key.workspaceId, key.id);
  }

  /**
   * The session of a cookie value. Valid while not revoked, not expired and its key not revoked (checked here
   * on every request, so revoking a key ends its sessions at once even without the cascade in revoke).
   */
  async authenticate(token: string): Promise<SessionAuthentication> {
    const now = this.clock.now();
    const record = isWellFormedToken(token) ? await this.sessions.findByTokenHash(hashToken(token)) : null;
    if (!record || record.revokedAt || record.apiKey.revokedAt || record.expiresAt <= now) {
      throw new ApiError(401, 'unauthorized', 'The session has expired or was revoked: sign in again');
    }
    // A session's use is its key's use: lastUsedAt follows, at the session's (throttled) pace.
    if (await this.sessions.touch(record.id, now)) await this.keyRecords.touchLastUsed(record.apiKeyId, now);
    return {
      auth: { workspaceId: record.workspaceId, apiKeyId: record.apiKeyId, role: record.apiKey.role },
      session: {
        id: record.id,
        csrfToken: record.csrfToken,
        expiresAt: record.expiresAt,
        keyName: record.apiKey.name,
        keyPrefix: record.apiKey.prefix,
      },
    };
  }

  view(auth: AuthContext, session: WebSessionContext): SessionView {
    return {
      workspaceId: auth.workspaceId,
      role: auth.role,
      keyName: session.keyName,
      keyPrefix: session.keyPrefix,
      csrfToken: session.csrfToken,
      expiresAt: session.expiresAt.toISOString(),
    };
  }

  async revoke(sessionId: string): Promise<void> {
    await this.sessions.revoke(sessionId, this.clock.now());
  }

  /**
   * A single-use sign-in link for a live key of the workspace; the session it opens acts with that key's role.
   * Only the token's hash is stored: the token exists in the returned value alone.
   */
  async createSignInLink(workspaceId: string, apiKeyId: string): Promise<{ token: string; expiresAt: Date }> {
    const key = await this.keyRecords.findInWorkspace(workspaceId, apiKeyId);
    if (!key || key.revokedAt) throw ApiError.notFound('API key');
    const now = this.clock.now();
    const token = newToken();
    const expiresAt = new Date(now.getTime() + this.config.SIGN_IN_LINK_TTL_MINUTES * 60_000);
    await this.sessions.createLink({
      workspaceId,
      apiKeyId,
      tokenHash: hashToken(token),
      createdAt: now,
      expiresAt,
    });
    return { token, expiresAt };
  }

  /** Consumes a sign-in link (atomically: one session per link) and opens its session; null if invalid. */
  async signInWithLink(token: string): Promise<NewSession | null> {
    if (!isWellFormedToken(token)) return null;
    const link = await this.sessions.consumeLink(hashToken(token), this.clock.now());
    return link ? this.open(link.workspaceId, link.apiKeyId) : null;
  }

  private async open(workspaceId: string, apiKeyId: string): Promise<NewSession> {
    const now = this.clock.now();
    const token = newToken();
    // Absolute expiry, counted from sign-in and never extended by use: a stolen cookie is worth at most
    // SESSION_TTL_HOURS, however busy the session (sliding expiry would keep a replayed cookie alive forever).
    const expiresAt = new Date(now.getTime() + this.config.SESSION_TTL_HOURS * 3_600_000);
    const record = await this.sessions.create({
      workspaceId,
      apiKeyId,
      tokenHash: hashToken(token),
      csrfToken: newToken(),
      createdAt: now,
      expiresAt,
    });
    return { token, expiresAt, view: toView(record) };
  }
}

/** Where a sign-in link token is consumed (GET, public), relative to the app's origin. */
export function signInLinkPath(token: string): string {
  return `/v1/sessions/link?token=${encodeURIComponent(token)}`;
}

function toView(r: WebSessionRecord): SessionView {
  return {
    workspaceId: r.workspaceId,
    role: r.apiKey.role,
    keyName: r.apiKey.name,
    keyPrefix: r.apiKey.prefix,
    csrfToken: r.csrfToken,
    expiresAt: r.expiresAt.toISOString(),
  };
}
