// Deleting an engine asks first and says what changes: the prompts that ask it (loaded when the dialog opens)
// stop asking it, and a prompt left with no engine stops running; its stored runs stay in the ledger.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useId, useRef, useState } from 'react';
import { enginesControllerDelete, enginesControllerPrompts } from '../api/client';
import { describeError } from '../api/errors';
import type { Engine } from './engine-draft';

export function DeleteEngine({ engine, onDeleted }: { engine: Engine; onDeleted: () => void }) {
  const id = useId();
  const dialog = useRef<HTMLDialogElement>(null);
  const cancel = useRef<HTMLButtonElement>(null);
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
  useEffect(() => {
    if (open && !dialog.current?.open) {
      dialog.current?.showModal();
      // The safe choice has the focus, not the destructive one.
      cancel.current?.focus();
    }
    if (!open && dialog.current?.open) dialog.current.close();
  }, [open]);

  const u = usage.data;
  const orphans = u?.data.filter((p) => p.engineCount === 1).length ?? 0;
  return (
    <>
      <button type="button" className="btn btn-danger" onClick={() => setOpen(true)}>
        Delete engine…
      </button>
      <dialog
        ref={dialog}
        className="dialog"
        aria-labelledby={`${id}-title`}
        aria-describedby={`${id}-body`}
        onClose={() => setOpen(false)}
        data-testid="delete-dialog"
      >
        <h2 id={`${id}-title`}>Delete {engine.name}?</h2>
        <div id={`${id}-body`} data-testid="delete-usage">
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
                  {orphans === 1 ? 'A prompt' : `${orphans} prompts`} left with no engine will not run until
                  an engine is added.
                </p>
              )}
            </>
          ) : (
            <p>No prompt asks this engine.</p>
          )}
          <p>Its stored runs stay in the run ledger and the reports. This cannot be undone.</p>
        </div>
        {del.error && (
          <p className="field-error" role="alert">
            {describeError(del.error).detail}
          </p>
        )}
        <div className="form-actions">
          <button
            type="button"
            className="btn btn-danger-solid"
            disabled={del.isPending}
            onClick={() => del.mutate()}
          >
            {del.isPending ? 'Deleting…' : `Delete ${engine.name}`}
          </button>
          <button ref={cancel} type="button" className="btn" onClick={() => setOpen(false)}>
            Cancel
          </button>
        </div>
      </dialog>
    </>
  );
}
