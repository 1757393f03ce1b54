// The configured API client (the generated hey-api client in clients/typescript). Same origin, cookie
// session; every non-GET request carries X-CSRF-Token from the in-memory session. Errors become ApiError
// (see errors.ts); a 401 outside the session endpoints clears the session and goes back to /sign-in.
// Call sdk functions with `throwOnError: true` so `data` is typed non-optional and failures reject.
import { client } from '../../../clients/typescript/client.gen';
import { ApiError, toApiProblem } from './errors';
import { getSession, setSession } from './session-store';

export { client };
export * from '../../../clients/typescript/sdk.gen';

let onUnauthorized: (() => void) | null = null;

/** The router registers how to go to /sign-in (avoids an import cycle). */
export function setUnauthorizedHandler(handler: () => void): void {
  onUnauthorized = handler;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

client.setConfig({ baseUrl: '', credentials: 'same-origin' });

client.interceptors.request.use((request) => {
  const token = getSession()?.csrfToken;
  if (token && !SAFE_METHODS.has(request.method.toUpperCase())) {
    request.headers.set('X-CSRF-Token', token);
  }
  return request;
});

client.interceptors.error.use((error: unknown, response: Response | undefined, request: Request) => {
  if (error instanceof ApiError) return error;
  if (error instanceof DOMException && error.name === 'AbortError') return error;
  const problem = toApiProblem(error, response);
  if (problem.kind === 'unauthorized' && !new URL(request.url).pathname.startsWith('/v1/sessions')) {
    setSession(null);
    onUnauthorized?.();
  }
  return new ApiError(problem);
});
