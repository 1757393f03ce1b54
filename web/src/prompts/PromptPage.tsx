// One prompt (/p/$projectId/prompts/$promptId) or a new one (/prompts/new). An admin key edits it, runs it
// now, pauses or resumes it and deletes it; a read key sees its settings and history, no form.
import { useQuery } from '@tanstack/react-query';
import { Link, useNavigate } from '@tanstack/react-router';
import { isNotFound } from '../api/errors';
import { enginesQuery } from '../api/queries';
import { useCanWrite } from '../api/session-store';
import { NotFound } from '../screens/NotFound';
import { EmptyState, ErrorState, Loading } from '../ui';
import { DeletePrompt } from './DeletePrompt';
import { PauseResume } from './PauseResume';
import { PromptDetails } from './PromptDetails';
import { PromptEditor } from './PromptEditor';
import { PromptHistory } from './PromptHistory';
import { promptQuery } from './queries';
import { RunNow } from './RunNow';
import { firingFormat } from './ScheduleField';
import '../brands/brands.css';
import '../runs/runs.css';
import './prompts.css';

/** The next slot in the schedule's own timezone, as the firings are shown. */
function nextRun(at: string, timezone: string): string {
  return firingFormat(timezone)?.format(new Date(at)) ?? at;
}

function BackLink({ projectId }: { projectId: string }) {
  return (
    <Link to="/p/$projectId/prompts" params={{ projectId }} className="back-link">
      ← All prompts
    </Link>
  );
}

function ReadOnlyNote() {
  return (
    <p className="notice notice-info" data-testid="read-only-note">
      Read-only: you signed in with a read key, which can view prompts and their runs but not change or run
      them. Sign in with an admin key to edit.
    </p>
  );
}

export function NewPromptPage({ projectId }: { projectId: string }) {
  const canWrite = useCanWrite();
  const engines = useQuery(enginesQuery());
  const navigate = useNavigate();
  return (
    <div className="prompt-page">
      <BackLink projectId={projectId} />
      {!canWrite ? (
        <ReadOnlyNote />
      ) : engines.isPending ? (
        <Loading label="Loading engines…" />
      ) : engines.error ? (
        <ErrorState error={engines.error} onRetry={() => void engines.refetch()} />
      ) : (
        <section className="panel" aria-labelledby="prompt-editor-title">
          <div className="panel-head">
            <div>
              <h2 id="prompt-editor-title">New prompt</h2>
              <p className="muted">A question asked to AI engines on a schedule; each answer is a run.</p>
            </div>
          </div>
          <PromptEditor
            projectId={projectId}
            prompt={null}
            engines={engines.data.data}
            onSaved={(saved) =>
              void navigate({
                to: '/p/$projectId/prompts/$promptId',
                params: { projectId, promptId: saved.id },
              })
            }
          />
        </section>
      )}
    </div>
  );
}

export function PromptPage({ projectId, promptId }: { projectId: string; promptId: string }) {
  const canWrite = useCanWrite();
  const prompt = useQuery(promptQuery(promptId));
  const engines = useQuery(enginesQuery());
  const navigate = useNavigate();

  if (prompt.error && isNotFound(prompt.error)) return <NotFound what="prompt" />;
  if (prompt.isPending || engines.isPending) return <Loading label="Loading the prompt…" />;
  if (prompt.error) return <ErrorState error={prompt.error} onRetry={() => void prompt.refetch()} />;
  if (engines.error) return <ErrorState error={engines.error} onRetry={() => void engines.refetch()} />;
  const p = prompt.data;
  if (p.projectId !== projectId) {
    return (
      <EmptyState title="This prompt belongs to another project">
        <BackLink projectId={projectId} />
      </EmptyState>
    );
  }
  const engineList = engines.data.data;

  return (
    <div className="prompt-page">
      <BackLink projectId={projectId} />
      {!canWrite && <ReadOnlyNote />}
      <section className="panel" aria-labelledby="prompt-title">
        <div className="panel-head">
          <div>
            <h2 id="prompt-title">{canWrite ? 'Edit prompt' : 'Prompt'}</h2>
            <p className="muted" data-testid="prompt-state">
              {p.active ? 'Active' : 'Paused'} · revision {p.revision}
              {p.active && p.nextSlotAt ? ` · next run ${nextRun(p.nextSlotAt, p.timezone)}` : ''}
            </p>
          </div>
          {canWrite && (
            <div className="prompt-actions">
              <RunNow projectId={projectId} promptId={p.id} />
              <PauseResume prompt={p} />
              <DeletePrompt
                prompt={p}
                onDeleted={() => void navigate({ to: '/p/$projectId/prompts', params: { projectId } })}
              />
            </div>
          )}
        </div>
        {canWrite ? (
          <PromptEditor key={p.id} projectId={projectId} prompt={p} engines={engineList} onSaved={() => {}} />
        ) : (
          <PromptDetails prompt={p} engines={engineList} />
        )}
      </section>
      <PromptHistory projectId={projectId} promptId={p.id} engines={engineList} />
    </div>
  );
}
