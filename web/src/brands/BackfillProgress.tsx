// After a brand change: the offer to recompute the project's history with the current brands
// (POST /v1/projects/{projectId}/backfills; a queued one is reused), then its progress (GET /v1/backfills/:id,
// polled until it ends).
import { useMutation, useQuery } from '@tanstack/react-query';
import { backfillsControllerCreate, backfillsControllerGet } from '../api/client';
import { describeError } from '../api/errors';

const POLL_MS = 1000;
const ENDED = new Set(['succeeded', 'failed', 'superseded']);

interface OfferProps {
  projectId: string;
  /** What just changed the watchlist. */
  change: 'saved' | 'deleted';
  onStarted: (backfillId: string) => void;
  onDismiss: () => void;
}

export function BackfillOffer({ projectId, change, onStarted, onDismiss }: OfferProps) {
  const start = useMutation({
    mutationFn: async () =>
      (await backfillsControllerCreate({ path: { projectId }, throwOnError: true })).data,
    onSuccess: (b) => onStarted(b.id),
  });
  return (
    <div className="notice notice-info backfill" data-testid="backfill-offer" role="status">
      <p>
        <strong>{change === 'saved' ? 'Saved.' : 'Deleted.'}</strong> Reports count stored answers with the
        brands they were scored with. Recompute the project&apos;s history so past runs count with the brands
        as they are now.
      </p>
      {start.error && <p className="field-error">{describeError(start.error).detail}</p>}
      <div className="form-actions">
        <button
          type="button"
          className="btn btn-primary"
          disabled={start.isPending}
          onClick={() => start.mutate()}
        >
          {start.isPending ? 'Starting…' : 'Recompute history'}
        </button>
        <button type="button" className="btn" onClick={onDismiss}>
          Not now
        </button>
      </div>
    </div>
  );
}

export function BackfillStatus({ backfillId, onDismiss }: { backfillId: string; onDismiss: () => void }) {
  const q = useQuery({
    queryKey: ['backfill', backfillId],
    queryFn: async ({ signal }) =>
      (await backfillsControllerGet({ path: { id: backfillId }, signal, throwOnError: true })).data,
    refetchInterval: (query) => (query.state.data && ENDED.has(query.state.data.status) ? false : POLL_MS),
  });
  const b = q.data;
  const { processedRuns, totalRuns } = b?.progress ?? { processedRuns: 0, totalRuns: 0 };
  const text = !b
    ? q.error
      ? describeError(q.error).detail
      : 'Checking the recompute…'
    : b.status === 'queued'
      ? 'Recompute queued: waiting for the worker.'
      : b.status === 'running'
        ? `Recomputing history: ${processedRuns} of ${totalRuns} runs.`
        : b.status === 'succeeded'
          ? `History recomputed: ${totalRuns} ${totalRuns === 1 ? 'run' : 'runs'} now count with the current brands.`
          : b.status === 'superseded'
            ? 'A newer recompute (after a later brand change) replaced this one.'
            : `The recompute failed: ${b.error ?? 'unknown error'}.`;
  return (
    <div className="notice notice-info backfill" data-testid="backfill-status" data-status={b?.status ?? ''}>
      <p role="status" aria-live="polite">
        {text}
      </p>
      {b && (
        <progress
          max={Math.max(totalRuns, 1)}
          value={b.status === 'succeeded' ? Math.max(totalRuns, 1) : processedRuns}
          aria-label="Recompute progress"
        />
      )}
      {b && ENDED.has(b.status) && (
        <div className="form-actions">
          <button type="button" className="btn btn-small" onClick={onDismiss}>
            Close
          </button>
        </div>
      )}
    </div>
  );
}
