// Deleting a prompt asks first and says what goes: its schedule stops for good and it can no longer be run,
// edited or chosen as a filter. Its past runs stay (run history never changes), and the dialog counts them.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { promptsControllerDelete, runsControllerList } from '../api/client';
import { ConfirmAction } from '../ui';
import type { Prompt } from './prompt-draft';

const COUNT_LIMIT = 200;

function short(text: string): string {
  return text.length > 60 ? `“${text.slice(0, 59)}…”` : `“${text}”`;
}

export function DeletePrompt({ prompt, onDeleted }: { prompt: Prompt; onDeleted: () => void }) {
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

  const r = runs.data;
  const count = r ? `${r.count}${r.more ? '+' : ''}` : '';
  return (
    <ConfirmAction
      label="Delete prompt…"
      title="Delete this prompt?"
      confirmLabel="Delete prompt"
      busyLabel="Deleting…"
      busy={del.isPending}
      error={del.error}
      onConfirm={() => del.mutate()}
      open={open}
      onOpenChange={setOpen}
      testId="delete-dialog"
    >
      <p className="dialog-quote">{short(prompt.text)}</p>
      {runs.isPending ? (
        <p className="muted">Checking its history…</p>
      ) : r && r.count > 0 ? (
        <p data-testid="delete-history">
          It has {count} {count === '1' ? 'run' : 'runs'}. They stay in the runs ledger and the reports as
          they were, but the prompt leaves the Prompts table and the filters, its schedule stops and it can no
          longer be run or edited.
        </p>
      ) : (
        <p data-testid="delete-history">It has no runs yet. Its schedule stops.</p>
      )}
      <p>This cannot be undone.</p>
    </ConfirmAction>
  );
}
