// Deleting a brand asks first, and says what goes with it: its mentions in stored runs leave every report
// when history is recomputed (the delete requests that), and alert rules watching it stop.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { brandsControllerDelete, reportsControllerMentions } from '../api/client';
import { ConfirmAction } from '../ui';
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

  const h = history.data;
  return (
    <ConfirmAction
      label="Delete brand…"
      title={`Delete ${brand.name}?`}
      confirmLabel={`Delete ${brand.name}`}
      busyLabel="Deleting…"
      busy={del.isPending}
      error={del.error}
      onConfirm={() => del.mutate()}
      open={open}
      onOpenChange={setOpen}
      testId="delete-dialog"
    >
      {history.isPending ? (
        <p className="muted">Checking its history…</p>
      ) : h && h.mentions > 0 ? (
        <p data-testid="delete-history">
          {brand.name} was mentioned {h.mentions} {h.mentions === 1 ? 'time' : 'times'} in {h.runs}{' '}
          {h.runs === 1 ? 'run' : 'runs'} over the last {HISTORY_DAYS} days. Deleting it removes those
          mentions and its scores from every report once history is recomputed, and alert rules that watch it
          stop.
        </p>
      ) : (
        <p data-testid="delete-history">
          No stored run mentions {brand.name}. Alert rules that watch it stop.
        </p>
      )}
      <p>This cannot be undone.</p>
    </ConfirmAction>
  );
}
