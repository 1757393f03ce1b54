// Deleting a brand asks first, and says what goes with it: its mentions in stored runs leave every report
// when history is recomputed (the delete requests that), and alert rules watching it stop.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useId, useRef, useState } from 'react';
import { brandsControllerDelete, reportsControllerMentions } from '../api/client';
import { describeError } from '../api/errors';
import type { Brand } from './brand-draft';

const DAY = 86_400_000;
/** The longest range a report takes (src/reports/report-filter.ts). */
const HISTORY_DAYS = 400;

function useHistory(brand: Brand, enabled: boolean) {
  return useQuery({
    queryKey: ['brand-history', brand.id],
    enabled,
    queryFn: async ({ signal }) => {
      const to = Math.floor(Date.now() / DAY) * DAY + DAY;
      const r = (
        await reportsControllerMentions({
          query: {
            projectId: brand.projectId,
            brandIds: brand.id,
            from: new Date(to - HISTORY_DAYS * DAY).toISOString(),
            to: new Date(to).toISOString(),
          },
          signal,
          throwOnError: true,
        })
      ).data;
      const rows = [...r.measured.brands, ...r.synthetic.brands].filter((b) => b.brandId === brand.id);
      return {
        mentions: rows.reduce((s, b) => s + b.mentionCount, 0),
        runs: rows.reduce((s, b) => s + b.mentionedRuns, 0),
      };
    },
  });
}

export function DeleteBrand({ brand, onDeleted }: { brand: Brand; onDeleted: () => void }) {
  const id = useId();
  const dialog = useRef<HTMLDialogElement>(null);
  const cancel = useRef<HTMLButtonElement>(null);
  const [open, setOpen] = useState(false);
  const history = useHistory(brand, open);
  const queryClient = useQueryClient();
  const del = useMutation({
    mutationFn: async () => {
      await brandsControllerDelete({ path: { id: brand.id }, throwOnError: true });
    },
    onSuccess: async () => {
      setOpen(false);
      await queryClient.invalidateQueries({ queryKey: ['brands', brand.projectId] });
      void queryClient.invalidateQueries({ queryKey: ['reports'] });
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

  const h = history.data;
  return (
    <>
      <button type="button" className="btn btn-danger" onClick={() => setOpen(true)}>
        Delete brand…
      </button>
      <dialog
        ref={dialog}
        className="dialog"
        aria-labelledby={`${id}-title`}
        aria-describedby={`${id}-body`}
        onClose={() => setOpen(false)}
        data-testid="delete-dialog"
      >
        <h2 id={`${id}-title`}>Delete {brand.name}?</h2>
        <div id={`${id}-body`}>
          {history.isPending ? (
            <p className="muted">Checking its history…</p>
          ) : h && h.mentions > 0 ? (
            <p data-testid="delete-history">
              {brand.name} was mentioned {h.mentions} {h.mentions === 1 ? 'time' : 'times'} in {h.runs}{' '}
              {h.runs === 1 ? 'run' : 'runs'} over the last {HISTORY_DAYS} days. Deleting it removes those
              mentions and its scores from every report once history is recomputed, and alert rules that watch
              it stop.
            </p>
          ) : (
            <p data-testid="delete-history">
              No stored run mentions {brand.name}. Alert rules that watch it stop.
            </p>
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
            {del.isPending ? 'Deleting…' : `Delete ${brand.name}`}
          </button>
          <button ref={cancel} type="button" className="btn" onClick={() => setOpen(false)}>
            Cancel
          </button>
        </div>
      </dialog>
    </>
  );
}
