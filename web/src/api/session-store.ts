// The signed-in session, kept in memory only (never localStorage, never the URL). The CSRF token it
// carries is sent on every non-GET request by the client's request interceptor.
import { useSyncExternalStore } from 'react';
import type { Session } from './session';

let current: Session | null = null;
const listeners = new Set<() => void>();

export function getSession(): Session | null {
  return current;
}

export function setSession(session: Session | null): void {
  current = session;
  for (const l of listeners) l();
}

export function subscribeSession(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function useSession(): Session | null {
  return useSyncExternalStore(subscribeSession, getSession, getSession);
}

/** A read key sees a read-only app: no write controls anywhere. */
export function useCanWrite(): boolean {
  return useSession()?.role === 'admin';
}
