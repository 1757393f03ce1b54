// Deleting an engine asks first and says what changes: the prompts that ask it (loaded when the dialog opens)
// stop asking it, and a prompt left with no engine stops running; its stored runs stay in the ledger.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { enginesControllerDelete, enginesControllerPrompts } from '../api/client';
import { describeError } from '../api/errors';
import { ConfirmAction } from '../ui';
import type { Engine } from './engine-draft';

export function DeleteEngine({ engine, onDeleted }: { engine: Engine; onDeleted: () => void }) {
  const [open, setOpen] = useState(false);
  const queryClient = useQueryClient();
  const usage = useQuery({
    queryKey: ['engine-prompts', engine.id],
    enabled: open,
    staleTime: 0,
    queryFn: async ({ signal }) =>
      (await enginesControllerPrompts({ path: { id: engine.id }, signal, throwOnError: true })).data,
  });
  const del = useMutation({
    mutationFn: async () => {
      await enginesControllerDelete({ path: { id: engine.id }, throwOnError: true });
    },
    onSuccess: async () => {
      setOpen(false);
      await queryClient.invalidateQueries({ queryKey: ['engines'] });
      void queryClient.invalidateQueries({ queryKey: ['prompts'] });
      onDeleted();
    },
  });

  const u = usage.data;
  const orphans = u?.data.filter((p) => p.engineCount === 1).length ?? 0;
  return (
    <ConfirmAction
      label="Delete engine…"
      title={`Delete ${engine.name}?`}
      confirmLabel={`Delete ${engine.name}`}
      busyLabel="Deleting…"
      busy={del.isPending}
      error={del.error}
      onConfirm={() => del.mutate()}
      open={open}
      onOpenChange={setOpen}
      testId="delete-dialog"
    >
      <div data-testid="delete-usage">
        {usage.isPending ? (
          <p className="muted">Checking which prompts use it…</p>
        ) : usage.error ? (
          <p className="field-error">{describeError(usage.error).detail}</p>
        ) : u && u.total > 0 ? (
          <>
            <p>
              {u.total} {u.total === 1 ? 'prompt asks' : 'prompts ask'} this engine and will stop asking it:
            </p>
            <ul className="usage-list">
              {u.data.map((p) => (
                <li key={p.id} data-testid="delete-prompt">
                  <span className="muted">{p.projectName}:</span> {p.text}
                  {p.engineCount === 1 && <strong> (its only engine)</strong>}
                </li>
              ))}
            </ul>
            {u.total > u.data.length && <p className="muted">…and {u.total - u.data.length} more.</p>}
            {orphans > 0 && (
              <p>
                {orphans === 1 ? 'A prompt' : `${orphans} prompts`} left with no engine will not run until an
                engine is added.
              </p>
            )}
          </>
        ) : (
          <p>No prompt asks this engine.</p>
        )}
        <p>Its stored runs stay in the run ledger and the reports. This cannot be undone.</p>
      </div>
    </ConfirmAction>
  );
}
