// Error mapping for every API call. The client's error interceptor turns whatever went wrong into an
// ApiError carrying an ApiProblem; screens show it with describeError() (see ui/ErrorState).
import type { ErrorBody } from '../../../clients/typescript/types.gen';

export type ApiProblemKind = 'network' | 'unauthorized' | 'forbidden' | 'not-found' | 'rate-limited' | 'http';

export interface ApiProblem {
  kind: ApiProblemKind;
  /** HTTP status; absent for network errors */
  status?: number;
  /** the API's error code (ErrorBody.error.code) */
  code?: string;
  message: string;
  details?: unknown;
  /** 429: seconds to wait, from Retry-After or RateLimit-Reset */
  retryAfterSeconds?: number;
}

export class ApiError extends Error {
  readonly problem: ApiProblem;
  constructor(problem: ApiProblem) {
    super(problem.message);
    this.name = 'ApiError';
    this.problem = problem;
  }
}

function isErrorBody(body: unknown): body is ErrorBody {
  if (typeof body !== 'object' || body === null || !('error' in body)) return false;
  const inner: unknown = body.error;
  return typeof inner === 'object' && inner !== null && 'message' in inner && 'code' in inner;
}

/** Seconds to wait from `Retry-After` (seconds or an HTTP date) or `RateLimit-Reset` (seconds). */
export function retryAfterSeconds(headers: Headers, now = Date.now()): number | undefined {
  const retryAfter = headers.get('Retry-After');
  if (retryAfter) {
    const seconds = Number(retryAfter);
    if (Number.isFinite(seconds)) return Math.max(0, Math.ceil(seconds));
    const date = Date.parse(retryAfter);
    if (!Number.isNaN(date)) return Math.max(0, Math.ceil((date - now) / 1000));
  }
  const reset = headers.get('RateLimit-Reset') ?? headers.get('X-RateLimit-Reset');
  if (reset) {
    const seconds = Number(reset);
    if (Number.isFinite(seconds)) return Math.max(0, Math.ceil(seconds));
  }
  return undefined;
}

/** Builds the ApiProblem for a failed response (or a failed fetch when `response` is undefined). */
export function toApiProblem(body: unknown, response: Response | undefined): ApiProblem {
  if (!response) {
    return { kind: 'network', message: 'API unreachable' };
  }
  const status = response.status;
  const parsed = isErrorBody(body) ? body.error : undefined;
  const base = {
    status,
    code: parsed?.code,
    message: parsed?.message ?? (typeof body === 'string' && body ? body.slice(0, 300) : response.statusText),
    details: parsed?.details,
  };
  if (status === 401) return { ...base, kind: 'unauthorized' };
  if (status === 403) return { ...base, kind: 'forbidden' };
  if (status === 404) return { ...base, kind: 'not-found' };
  if (status === 429) {
    return { ...base, kind: 'rate-limited', retryAfterSeconds: retryAfterSeconds(response.headers) };
  }
  return { ...base, kind: 'http' };
}

export function problemOf(e: unknown): ApiProblem {
  if (e instanceof ApiError) return e.problem;
  if (e instanceof TypeError) return { kind: 'network', message: 'API unreachable' };
  return { kind: 'http', message: e instanceof Error ? e.message : 'Unexpected error' };
}

export function isNotFound(e: unknown): boolean {
  return e instanceof ApiError && e.problem.kind === 'not-found';
}

export interface ErrorDescription {
  title: string;
  detail: string;
  retryAfterSeconds?: number;
}

/** A human description of any error thrown by an API call. */
export function describeError(e: unknown): ErrorDescription {
  const p = problemOf(e);
  switch (p.kind) {
    case 'network':
      return {
        title: 'API unreachable',
        detail: 'The streamrank API did not answer. Check that it is running.',
      };
    case 'unauthorized':
      return { title: 'Session expired', detail: 'Sign in again to continue.' };
    case 'forbidden':
      return { title: 'Not allowed', detail: p.message || 'This API key cannot do that.' };
    case 'not-found':
      return { title: 'Not found', detail: p.message || 'It does not exist in this workspace.' };
    case 'rate-limited': {
      const wait = p.retryAfterSeconds;
      return {
        title: 'Too many requests',
        detail:
          wait !== undefined ? `Rate limited: try again in ${wait} s.` : 'Rate limited: try again shortly.',
        ...(wait !== undefined ? { retryAfterSeconds: wait } : {}),
      };
    }
    case 'http':
      return {
        title: p.status && p.status >= 500 ? 'The API had a problem' : 'Request failed',
        detail: p.status ? `${p.message} (HTTP ${p.status})` : p.message,
      };
  }
}
