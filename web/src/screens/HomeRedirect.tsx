import { useQuery } from '@tanstack/react-query';
import { Navigate } from '@tanstack/react-router';
import { projectsQuery } from '../api/queries';
import { EmptyState, ErrorState, Loading } from '../ui';

/** `/` → the first project's overview; the header's picker switches when there are several. */
export function HomeRedirect() {
  const projects = useQuery(projectsQuery());
  return (
    <main id="main" className="content" tabIndex={-1}>
      {projects.isPending ? (
        <Loading label="Loading projects…" />
      ) : projects.error ? (
        <ErrorState error={projects.error} onRetry={() => void projects.refetch()} />
      ) : projects.data.data[0] ? (
        <Navigate to="/p/$projectId/overview" params={{ projectId: projects.data.data[0].id }} replace />
      ) : (
        <EmptyState title="No projects yet">
          <p>
            Create a project with the API (<code>POST /v1/projects</code>) or the CLI, add your brand,
            competitors and prompts, and the first runs will show up here.
          </p>
        </EmptyState>
      )}
    </main>
  );
}
