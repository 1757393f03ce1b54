// The workspace's projects: open one, its settings, create (admin), delete with confirmation (admin).
import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { projectsQuery } from '../api/queries';
import { useCanWrite } from '../api/session-store';
import { ErrorState, formatDate, formatMs, formatN, Loading } from '../ui';
import { CreateProjectForm } from './CreateProjectForm';
import { DeleteProject } from './DeleteProject';

export function ProjectsSection() {
  const canWrite = useCanWrite();
  const projects = useQuery(projectsQuery());
  return (
    <section className="panel" aria-labelledby="projects-title" data-testid="projects">
      <div className="panel-head">
        <div>
          <h2 id="projects-title">Projects</h2>
          <p className="muted">Each project tracks its own brands, prompts and reports.</p>
        </div>
      </div>
      {canWrite && <CreateProjectForm />}
      {projects.isPending ? (
        <Loading label="Loading projects…" />
      ) : projects.error ? (
        <ErrorState error={projects.error} onRetry={() => void projects.refetch()} />
      ) : projects.data.data.length === 0 ? (
        <p className="muted">No projects yet.</p>
      ) : (
        <div className="table-scroll">
          <table className="data-table" data-testid="projects-table">
            <caption className="visually-hidden">Projects of the workspace</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col" className="num">
                  Fold
                </th>
                <th scope="col" className="num">
                  Half-life
                </th>
                <th scope="col">Created</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {projects.data.data.map((p) => (
                <tr key={p.id} data-testid="project-row" data-id={p.id}>
                  <td>
                    <Link to="/p/$projectId/overview" params={{ projectId: p.id }}>
                      {p.name}
                    </Link>
                  </td>
                  <td className="num">{formatN(p.foldTokens)} tokens</td>
                  <td className="num">{formatMs(p.halfLifeMs)}</td>
                  <td>{formatDate(p.createdAt)}</td>
                  <td className="ws-actions">
                    <Link
                      to="/p/$projectId/settings"
                      params={{ projectId: p.id }}
                      className="btn btn-small"
                      aria-label={`Settings of ${p.name}`}
                    >
                      Settings
                    </Link>
                    {canWrite && <DeleteProject project={p} onDeleted={() => undefined} />}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
