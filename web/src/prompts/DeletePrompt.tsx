// Deleting a prompt asks first and says what goes: its schedule stops for good and it can no longer be run,
// edited or chosen as a filter. Its past runs stay (run history never changes), and the dialog counts them.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useId, useRef, useState } from 'react';
import { promptsControllerDelete, runsControllerList } from '../api/client';
import { describeError } from '../api/errors';
import type { Prompt } from './prompt-draft';

const COUNT_LIMIT = 200;

function short(text: string): string {
  return text.length > 60 ? `“${text.slice(0, 59)}…”` : `“${text}”`;
}

export function DeletePrompt({ prompt, onDeleted }: { prompt: Prompt; onDeleted: () => void }) {
  const id = useId();
  const dialog = useRef<HTMLDialogElement>(null);
  const cancel = useRef<HTMLButtonElement>(null);
  const [open, setOpen] = useState(false);
  const queryClient = useQueryClient();
  const runs = useQuery({
    queryKey: ['prompt-run-count', prompt.id],
    enabled: open,
    staleTime: 0,
    queryFn: async ({ signal }) => {
      const page = (
        await runsControllerList({
          query: { projectId: prompt.projectId, promptId: prompt.id, limit: COUNT_LIMIT },
          signal,
          throwOnError: true,
        })
      ).data;
      return { count: page.data.length, more: page.nextCursor !== null };
    },
  });
  const del = useMutation({
    mutationFn: async () => {
      await promptsControllerDelete({ path: { id: prompt.id }, throwOnError: true });
    },
    onSuccess: async () => {
      setOpen(false);
      queryClient.removeQueries({ queryKey: ['prompt', prompt.id] });
      await queryClient.invalidateQueries({ queryKey: ['prompts', prompt.projectId] });
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

  const r = runs.data;
  const count = r ? `${r.count}${r.more ? '+' : ''}` : '';
  return (
    <>
      <button type="button" className="btn btn-danger" onClick={() => setOpen(true)}>
        Delete prompt…
      </button>
      <dialog
        ref={dialog}
        className="dialog"
        aria-labelledby={`${id}-title`}
        aria-describedby={`${id}-body`}
        onClose={() => setOpen(false)}
        data-testid="delete-dialog"
      >
        <h2 id={`${id}-title`}>Delete this prompt?</h2>
        <div id={`${id}-body`}>
          <p className="dialog-quote">{short(prompt.text)}</p>
          {runs.isPending ? (
            <p className="muted">Checking its history…</p>
          ) : r && r.count > 0 ? (
            <p data-testid="delete-history">
              It has {count} {count === '1' ? 'run' : 'runs'}. They stay in the runs ledger and the reports as
              they were, but the prompt leaves the Prompts table and the filters, its schedule stops and it
              can no longer be run or edited.
            </p>
          ) : (
            <p data-testid="delete-history">It has no runs yet. Its schedule stops.</p>
          )}
          <p>This cannot be undone.</p>
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
            {del.isPending ? 'Deleting…' : 'Delete prompt'}
          </button>
          <button ref={cancel} type="button" className="btn" onClick={() => setOpen(false)}>
            Cancel
          </button>
        </div>
      </dialog>
    </>
  );
}
