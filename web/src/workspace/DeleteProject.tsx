// Deleting a project asks first and says what is lost, with the counts: its brands, prompts (their schedules
// stop), alert rules and export links go; its stored runs and alert log leave every screen and report. The name must be
// typed to confirm.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import {
  alertRulesControllerList,
  brandsControllerList,
  projectsControllerDelete,
  promptsControllerList,
  runsControllerList,
} from '../api/client';
import { ConfirmDialog } from '../ui';
import type { Project } from './queries';

const PAGE = 200;
/** "1 brand", "4 brands", "200+ runs" (one page of 200 is counted). */
const count = (page: { data: unknown[]; nextCursor?: string | null }, word: string): string => {
  const n = page.data.length;
  return `${n}${page.nextCursor ? '+' : ''} ${n === 1 && !page.nextCursor ? word : `${word}s`}`;
};

function useContents(projectId: string, enabled: boolean) {
  return useQuery({
    queryKey: ['project-contents', projectId],
    enabled,
    staleTime: 0,
    queryFn: async ({ signal }) => {
      const opts = { path: { projectId }, query: { limit: PAGE }, signal, throwOnError: true } as const;
      const [brands, prompts, rules, runs] = await Promise.all([
        brandsControllerList(opts),
        promptsControllerList(opts),
        alertRulesControllerList(opts),
        runsControllerList({ query: { projectId, limit: PAGE }, signal, throwOnError: true }),
      ]);
      return {
        brands: count(brands.data, 'brand'),
        prompts: count(prompts.data, 'prompt'),
        rules: count(rules.data, 'alert rule'),
        runs: count(runs.data, 'stored run'),
      };
    },
  });
}

export function DeleteProject({ project, onDeleted }: { project: Project; onDeleted: () => void }) {
  const [open, setOpen] = useState(false);
  const [typed, setTyped] = useState('');
  const contents = useContents(project.id, open);
  const queryClient = useQueryClient();
  const del = useMutation({
    mutationFn: async () => {
      await projectsControllerDelete({ path: { id: project.id }, throwOnError: true });
    },
    onSuccess: async () => {
      setOpen(false);
      queryClient.removeQueries({ queryKey: ['project', project.id] });
      await queryClient.invalidateQueries({ queryKey: ['projects'] });
      onDeleted();
    },
  });
  const c = contents.data;
  const inputId = `confirm-${project.id}`;
  return (
    <>
      <button
        type="button"
        className="btn btn-small btn-danger"
        aria-label={`Delete project ${project.name}…`}
        onClick={() => {
          del.reset();
          setTyped('');
          setOpen(true);
        }}
      >
        Delete…
      </button>
      <ConfirmDialog
        open={open}
        title={`Delete ${project.name}?`}
        confirmLabel="Delete project"
        busyLabel="Deleting…"
        busy={del.isPending}
        error={del.error}
        ready={typed === project.name}
        onConfirm={() => del.mutate()}
        onClose={() => setOpen(false)}
        testId="delete-project-dialog"
      >
        {contents.isPending ? (
          <p className="muted">Counting what it holds…</p>
        ) : c ? (
          <p data-testid="delete-project-lost">
            Deleting it deletes its {c.brands}, {c.prompts} (their schedules stop: no new runs), {c.rules} and
            its export links. Its {c.runs} and its alert log leave every screen and report.
          </p>
        ) : (
          <p data-testid="delete-project-lost">
            Deleting it deletes its brands, prompts (their schedules stop), alert rules and export links; its
            stored runs and alert log leave every screen and report.
          </p>
        )}
        <p>This cannot be undone.</p>
        <div className="form-field">
          <label htmlFor={inputId}>Type the project&apos;s name, {project.name}, to confirm</label>
          <input
            id={inputId}
            type="text"
            autoComplete="off"
            value={typed}
            onChange={(e) => setTyped(e.target.value)}
          />
        </div>
      </ConfirmDialog>
    </>
  );
}
