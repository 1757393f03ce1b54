import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { type Request } from 'express';
import { ApiError } from '../infra/http/api-error';

/** The web app's session cookie: HttpOnly (no script reads it), SameSite=Strict, whole origin. */
export const SESSION_COOKIE = 'sr_session';
/** Header carrying the session's CSRF token on every cookie-authenticated write. */
export const CSRF_HEADER = 'x-csrf-token';

const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/** 32 random bytes, base64url (43 characters): session cookies, CSRF tokens and sign-in link tokens. */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

export function isWellFormedToken(value: string): boolean {
  return TOKEN_PATTERN.test(value);
}

/** SHA-256 of a token: what the database stores and looks up (high-entropy tokens need no slow hash). */
export function hashToken(token: string): Uint8Array<ArrayBuffer> {
  return new Uint8Array(createHash('sha256').update(token, 'utf8').digest());
}

/** Constant-time comparison (of the SHA-256 digests, so the length is not leaked either). */
export function safeEqual(a: string, b: string): boolean {
  const da = createHash('sha256').update(a, 'utf8').digest();
  const db = createHash('sha256').update(b, 'utf8').digest();
  return timingSafeEqual(da, db);
}

/** The value of cookie `name` in a Cookie header (the first one when repeated); undefined when absent. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim() !== name) continue;
    const raw = part.slice(eq + 1).trim();
    return raw.startsWith('"') && raw.endsWith('"') && raw.length >= 2 ? raw.slice(1, -1) : raw;
  }
  return undefined;
}

/**
 * `Secure` when the request came over HTTPS: `req.secure` is the socket's TLS state, or X-Forwarded-Proto
 * when TRUST_PROXY makes Express trust the proxy in front (it ignores the header otherwise).
 */
export function sessionCookie(token: string, maxAgeSeconds: number, secure: boolean): string {
  const attributes = [`Max-Age=${Math.max(0, Math.floor(maxAgeSeconds))}`, 'Path=/', 'HttpOnly'];
  attributes.push('SameSite=Strict');
  if (secure) attributes.push('Secure');
  return `${SESSION_COOKIE}=${token}; ${attributes.join('; ')}`;
}

export function clearedSessionCookie(secure: boolean): string {
  return sessionCookie('', 0, secure);
}

/**
 * Refuses a cookie-authenticated request sent from another origin: when the browser says where the request
 * comes from (Origin), it must be this server's own host (the scheme is not compared: behind a TLS-terminating
 * proxy without TRUST_PROXY the app sees http while the browser says https).
 */
export function assertSameOrigin(req: Request): void {
  const origin = req.headers.origin;
  if (origin === undefined) return;
  if (!isOwnOrigin(origin, req.headers.host)) {
    throw new ApiError(
      403,
      'origin_mismatch',
      'Cross-origin requests may not use the session cookie: the Origin header is not this server',
    );
  }
}

function isOwnOrigin(origin: string, host: string | undefined): boolean {
  if (!host) return false;
  try {
    const from = new URL(origin);
    return from.host === new URL(`${from.protocol}//${host}`).host;
  } catch {
    return false;
  }
}

/** Cookie-authenticated writes must echo the session's CSRF token in X-CSRF-Token. */
export function assertCsrfToken(req: Request, expected: string): void {
  const sent = req.headers[CSRF_HEADER];
  if (typeof sent === 'string' && sent.length > 0 && safeEqual(sent, expected)) return;
  throw new ApiError(
    403,
    'csrf_token_invalid',
    'Writes authenticated by the session cookie need the header X-CSRF-Token with the csrfToken of the ' +
      'session (from POST /v1/sessions or GET /v1/sessions/current)',
  );
}
