import { QueryClient } from '@tanstack/react-query';
import { ApiError } from './errors';

/** Retries only what may succeed on retry: network errors and 5xx, once. Never 4xx (incl. 429). */
export const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      retry: (failureCount, error) => {
        if (failureCount >= 1) return false;
        if (!(error instanceof ApiError)) return false;
        const p = error.problem;
        return p.kind === 'network' || (p.kind === 'http' && (p.status ?? 0) >= 500);
      },
      refetchOnWindowFocus: false,
    },
  },
});
