import { useQuery } from '@tanstack/react-query';
import { Navigate } from '@tanstack/react-router';
import { projectsQuery } from '../api/queries';
import { useCanWrite } from '../api/session-store';
import { EmptyState, ErrorState, Loading } from '../ui';
import { CreateProjectForm } from '../workspace/CreateProjectForm';
import '../brands/brands.css';
import '../workspace/workspace.css';

/** `/` → the first project's overview; the header's picker switches when there are several. */
export function HomeRedirect() {
  const projects = useQuery(projectsQuery());
  const canWrite = useCanWrite();
  return (
    <main id="main" className="content" tabIndex={-1}>
      {projects.isPending ? (
        <Loading label="Loading projects…" />
      ) : projects.error ? (
        <ErrorState error={projects.error} onRetry={() => void projects.refetch()} />
      ) : projects.data.data[0] ? (
        <Navigate to="/p/$projectId/overview" params={{ projectId: projects.data.data[0].id }} replace />
      ) : canWrite ? (
        <section className="panel ws-first" aria-labelledby="first-project-title" data-testid="first-project">
          <h1 id="first-project-title">Create your first project</h1>
          <p className="muted">
            A project holds the brands you compare (yours and competitors), the prompts asked on a schedule
            and their reports. Name it after what you track; you add brands and prompts next.
          </p>
          <CreateProjectForm autoFocus />
        </section>
      ) : (
        <EmptyState title="No projects yet">
          <p data-testid="no-projects-read">
            This workspace has no project yet, and you signed in with a read key, which cannot create one. Ask
            an admin to create a project (or sign in with an admin key); its reports show up here once it has
            runs.
          </p>
        </EmptyState>
      )}
    </main>
  );
}
