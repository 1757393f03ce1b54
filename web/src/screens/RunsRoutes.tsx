// The Runs screens are built in web/src/runs/**; this only wires them to the router.
import { RunPage, RunsPage } from '../runs';
import { runRoute, runsRoute } from '../router';

export function RunsRoute() {
  const { projectId } = runsRoute.useParams();
  const search = runsRoute.useSearch();
  const navigate = runsRoute.useNavigate();
  return (
    <RunsPage
      projectId={projectId}
      search={search}
      onSearchChange={(next) => void navigate({ search: next, replace: false })}
    />
  );
}

export function RunRoute() {
  const { projectId, runId } = runRoute.useParams();
  return <RunPage projectId={projectId} runId={runId} />;
}
