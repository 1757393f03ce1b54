// Cookie sessions (generated sdk): POST /v1/sessions { apiKey } → the session and an HttpOnly cookie;
// GET /v1/sessions/current → the session or 401; DELETE /v1/sessions/current (X-CSRF-Token) → 204.
import type { WebSessionsControllerCurrentResponse } from '../../../clients/typescript/types.gen';
import {
  webSessionsControllerCurrent,
  webSessionsControllerSignIn,
  webSessionsControllerSignOut,
} from './client';
import { ApiError } from './errors';
import { setSession } from './session-store';

export type Session = WebSessionsControllerCurrentResponse;

/** Dev server only (vite.config.ts): the proxy adds the SR_DEV_KEY bearer, so no cookie session is needed. */
const devProxyAuth = import.meta.env.DEV && __SR_DEV_PROXY_AUTH__;

const DEV_SESSION: Session = {
  workspaceId: 'dev',
  role: 'admin',
  keyName: 'SR_DEV_KEY (dev proxy)',
  keyPrefix: 'dev',
  csrfToken: 'dev',
  expiresAt: new Date(Date.now() + 24 * 3600 * 1000).toISOString(),
};

export async function fetchCurrentSession(): Promise<Session | null> {
  try {
    const { data } = await webSessionsControllerCurrent({ throwOnError: true });
    setSession(data);
    return data;
  } catch (e) {
    if (e instanceof ApiError && (e.problem.kind === 'unauthorized' || e.problem.kind === 'not-found')) {
      const session = devProxyAuth ? DEV_SESSION : null;
      setSession(session);
      return session;
    }
    throw e;
  }
}

export async function signIn(apiKey: string): Promise<Session> {
  const { data } = await webSessionsControllerSignIn({ body: { apiKey }, throwOnError: true });
  setSession(data);
  return data;
}

export async function signOut(): Promise<void> {
  try {
    // X-CSRF-Token is added by the client's request interceptor.
    await webSessionsControllerSignOut({ throwOnError: true });
  } finally {
    setSession(null);
  }
}
