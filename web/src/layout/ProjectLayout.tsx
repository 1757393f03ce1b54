import { useQuery } from '@tanstack/react-query';
import { Link, Outlet, useLocation } from '@tanstack/react-router';
import { isNotFound } from '../api/errors';
import { brandsQuery, enginesQuery, projectQuery, promptsQuery } from '../api/queries';
import { pickReportSearch, type ReportSearch } from '../filters/search';
import { projectRoute } from '../router';
import { NotFound } from '../screens/NotFound';
import { ErrorState } from '../ui';

const TABS = [
  { to: '/p/$projectId/overview', label: 'Overview', report: true },
  { to: '/p/$projectId/competitors', label: 'Competitors', report: true },
  { to: '/p/$projectId/sources', label: 'Sources', report: true },
  { to: '/p/$projectId/runs', label: 'Runs', report: false },
  { to: '/p/$projectId/alerts', label: 'Alerts', report: false },
  { to: '/p/$projectId/brands', label: 'Brands', report: false },
  { to: '/p/$projectId/prompts', label: 'Prompts', report: false },
  { to: '/p/$projectId/settings', label: 'Settings', report: false },
] as const;

/** Report filters travel with the user from one report tab to another. */
function carried(search: Record<string, unknown>): ReportSearch {
  const s = pickReportSearch(search);
  return Object.fromEntries(Object.entries(s).filter(([, v]) => v !== undefined));
}

export function ProjectLayout() {
  const { projectId } = projectRoute.useParams();
  const location = useLocation();
  // Fired together (no waterfall): the screens below use the same cached queries.
  const project = useQuery(projectQuery(projectId));
  useQuery(brandsQuery(projectId));
  useQuery(enginesQuery());
  useQuery(promptsQuery(projectId));

  if (project.error && isNotFound(project.error)) return <NotFound what="project" />;
  const onReport = /\/(overview|competitors|sources)$/.test(location.pathname);
  const search = onReport ? carried(location.search) : {};

  return (
    <main id="main" className="project" tabIndex={-1}>
      <div className="project-bar">
        <h1 className="project-name">{project.data?.name ?? (project.isPending ? ' ' : 'Project')}</h1>
        <nav aria-label="Project sections" className="tabs">
          {TABS.map((t) => (
            <Link
              key={t.to}
              to={t.to}
              params={{ projectId }}
              search={t.report ? search : {}}
              className="tab"
              activeProps={{ className: 'tab tab-active', 'aria-current': 'page' }}
              activeOptions={{ exact: !/\/(runs|prompts)$/.test(t.to), includeSearch: false }}
            >
              {t.label}
            </Link>
          ))}
        </nav>
      </div>
      <div className="content">
        {project.error ? (
          <ErrorState error={project.error} onRetry={() => void project.refetch()} />
        ) : (
          <Outlet />
        )}
      </div>
    </main>
  );
}
