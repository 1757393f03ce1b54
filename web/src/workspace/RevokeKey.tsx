// Revoking a key asks first and says what stops working. The key of this very session: a warning (the
// session ends with it). The workspace's last live admin key: refused (no one could manage the workspace).
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { useState } from 'react';
import { apiKeysControllerRevoke } from '../api/client';
import { setSession } from '../api/session-store';
import { ConfirmDialog } from '../ui';
import type { ApiKey } from './queries';

interface Props {
  apiKey: ApiKey;
  /** This session signed in with it. */
  current: boolean;
  /** The workspace's only live admin key. */
  lastAdmin: boolean;
}

export function RevokeKey({ apiKey, current, lastAdmin }: Props) {
  const [open, setOpen] = useState(false);
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const revoke = useMutation({
    mutationFn: async () => {
      await apiKeysControllerRevoke({ path: { id: apiKey.id }, throwOnError: true });
    },
    onSuccess: async () => {
      setOpen(false);
      if (current) {
        // The session went with its key.
        setSession(null);
        queryClient.clear();
        void navigate({ to: '/sign-in' });
        return;
      }
      await queryClient.invalidateQueries({ queryKey: ['api-keys'] });
    },
  });
  return (
    <>
      <button
        type="button"
        className="btn btn-small btn-danger"
        aria-label={`Revoke ${apiKey.name}…`}
        onClick={() => {
          revoke.reset();
          setOpen(true);
        }}
      >
        Revoke…
      </button>
      <ConfirmDialog
        open={open}
        title={`Revoke ${apiKey.name}?`}
        confirmLabel={`Revoke ${apiKey.name}`}
        busyLabel="Revoking…"
        busy={revoke.isPending}
        error={revoke.error}
        ready={!lastAdmin}
        onConfirm={() => revoke.mutate()}
        onClose={() => setOpen(false)}
        testId="revoke-dialog"
      >
        {lastAdmin ? (
          <p className="notice notice-error" data-testid="revoke-refused">
            This is the workspace&apos;s only admin key: without it nobody could manage keys, projects or
            settings. Create another admin key first, then revoke this one.
          </p>
        ) : (
          <>
            <p>
              Every script, integration and signed-in session using the {apiKey.role} key{' '}
              <code>{apiKey.prefix}…</code> gets 401 from now on.
            </p>
            {current && (
              <p className="notice notice-error" data-testid="revoke-current">
                You are signed in with this key: revoking it ends this session, and you will need another
                admin key to sign in again.
              </p>
            )}
            <p>This cannot be undone.</p>
          </>
        )}
      </ConfirmDialog>
    </>
  );
}
