import { useQuery } from '@tanstack/react-query';
import { Link, Outlet, useNavigate, useParams } from '@tanstack/react-router';
import { useState } from 'react';
import { projectsQuery } from '../api/queries';
import { signOut } from '../api/session';
import { useSession } from '../api/session-store';

function ProjectSwitcher() {
  const projects = useQuery(projectsQuery());
  const params = useParams({ strict: false });
  const navigate = useNavigate();
  const list = projects.data?.data ?? [];
  if (list.length < 2) return null;
  return (
    <label className="project-switcher">
      <span className="visually-hidden">Project</span>
      <select
        value={params.projectId ?? ''}
        onChange={(e) =>
          void navigate({ to: '/p/$projectId/overview', params: { projectId: e.target.value } })
        }
      >
        {!params.projectId && <option value="">Choose a project</option>}
        {list.map((p) => (
          <option key={p.id} value={p.id}>
            {p.name}
          </option>
        ))}
      </select>
    </label>
  );
}

function SessionMenu() {
  const session = useSession();
  const navigate = useNavigate();
  const [busy, setBusy] = useState(false);
  if (!session) return null;
  return (
    <div className="session">
      <span className="session-key" title={`API key ${session.keyPrefix}…`}>
        {session.keyName}
        {session.role === 'read' && <span className="badge">Read-only</span>}
      </span>
      <button
        type="button"
        className="btn btn-ghost btn-small"
        disabled={busy}
        onClick={() => {
          setBusy(true);
          void signOut()
            .catch(() => undefined)
            .finally(() => void navigate({ to: '/sign-in' }));
        }}
      >
        Sign out
      </button>
    </div>
  );
}

/** Workspace screens (admin keys only). */
/** The workspace's screens (engines, webhooks, keys and usage); webhooks are for admin keys only (the API refuses them every webhook route). */
function WorkspaceLinks() {
  const admin = useSession()?.role === 'admin';
  return (
    <nav className="header-links" aria-label="Workspace">
      <Link to="/engines" className="header-link" activeProps={{ 'aria-current': 'page' }}>
        Engines
      </Link>
      {admin && (
        <Link to="/webhooks" className="header-link" activeProps={{ 'aria-current': 'page' }}>
          Webhooks
        </Link>
      )}
      <Link to="/workspace" className="header-link" activeProps={{ 'aria-current': 'page' }}>
        Workspace
      </Link>
    </nav>
  );
}

export function AppLayout() {
  return (
    <div className="app">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="app-header">
        <Link to="/" className="logo" aria-label="streamrank home">
          <span className="logo-mark" aria-hidden="true" />
          streamrank
        </Link>
        <ProjectSwitcher />
        <div className="header-spacer" />
        <WorkspaceLinks />
        <SessionMenu />
      </header>
      <Outlet />
    </div>
  );
}
