// Run now: one Idempotency-Key per click, reused by "Try again", so a retried request (a lost answer, a
// double click) never starts the runs twice. The new runs link to their run page, which plays them live.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useState } from 'react';
import { runsControllerRun } from '../api/client';
import { describeError } from '../api/errors';
import { newIdempotencyKey } from './queries';

interface Props {
  projectId: string;
  promptId: string;
}

export function RunNow({ projectId, promptId }: Props) {
  const queryClient = useQueryClient();
  const [key, setKey] = useState<string | null>(null);
  const run = useMutation({
    mutationFn: async (idempotencyKey: string) =>
      (
        await runsControllerRun({
          path: { id: promptId },
          body: {},
          headers: { 'Idempotency-Key': idempotencyKey },
          throwOnError: true,
        })
      ).data,
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ['runs'] });
    },
  });
  const start = () => {
    const k = newIdempotencyKey();
    setKey(k);
    run.mutate(k);
  };

  return (
    <div className="run-now" data-testid="run-now">
      <button type="button" className="btn btn-primary" disabled={run.isPending} onClick={start}>
        {run.isPending ? 'Starting…' : 'Run now'}
      </button>
      {run.error && key && (
        <span className="run-now-error" role="alert">
          <span className="field-error">{describeError(run.error).detail}</span>{' '}
          <button type="button" className="btn btn-small" onClick={() => run.mutate(key)}>
            Try again
          </button>
        </span>
      )}
      {run.data && (
        <p className="run-now-result" role="status" data-testid="run-now-result">
          {run.data.replayed ? 'Already started: ' : 'Started: '}
          {run.data.runIds.map((id, i) => (
            <span key={id}>
              {i > 0 && ', '}
              <Link to="/p/$projectId/runs/$runId" params={{ projectId, runId: id }} data-run-id={id}>
                run {i + 1}
                <span className="visually-hidden"> (watch it live)</span>
              </Link>
            </span>
          ))}
        </p>
      )}
    </div>
  );
}
