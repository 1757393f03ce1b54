// A disabled engine says why, what it stops, and how to turn it back on (an admin re-enables it here).
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { enginesControllerUpdate } from '../api/client';
import { describeError } from '../api/errors';
import type { Engine } from './engine-draft';

export function DisabledBanner({ engine, canWrite }: { engine: Engine; canWrite: boolean }) {
  const queryClient = useQueryClient();
  const enable = useMutation({
    mutationFn: async () =>
      (
        await enginesControllerUpdate({
          path: { id: engine.id },
          body: { enabled: true },
          throwOnError: true,
        })
      ).data,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['engines'] }),
  });
  if (!engine.disabledReason) return null;
  return (
    <div className="notice notice-warn disabled-banner" role="status" data-testid="disabled-banner">
      <p>
        <strong>Disabled: {engine.disabledReason}.</strong> Scheduled prompts skip this engine and “run now”
        refuses it until it is re-enabled.
      </p>
      {canWrite ? (
        <>
          <p>
            Fix the cause first: a refused key needs a new one (type it below and save: saving a new key
            re-enables the engine), or test the connection and re-enable it as it is.
          </p>
          <div className="form-actions">
            <button
              type="button"
              className="btn btn-small"
              disabled={enable.isPending}
              onClick={() => enable.mutate()}
            >
              {enable.isPending ? 'Re-enabling…' : 'Re-enable engine'}
            </button>
            {enable.error && (
              <span className="field-error" role="alert">
                {describeError(enable.error).detail}
              </span>
            )}
          </div>
        </>
      ) : (
        <p>An admin can re-enable it from this screen.</p>
      )}
    </div>
  );
}
