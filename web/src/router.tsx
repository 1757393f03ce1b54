// Code-based route tree. Every filter lives in the URL search params (plain URLSearchParams, all strings).
import { createRootRoute, createRoute, createRouter, Outlet, redirect } from '@tanstack/react-router';
import { setUnauthorizedHandler } from './api/client';
import { BrandsScreen } from './brands/BrandsScreen';
import { validateBrandsSearch } from './brands/brands-search';
import { EnginesScreen } from './engines/EnginesScreen';
import { validateEnginesSearch } from './engines/engines-search';
import { queryClient } from './api/query-client';
import { fetchCurrentSession } from './api/session';
import { getSession } from './api/session-store';
import {
  parseSearchString,
  stringifySearchObject,
  validateReportSearch,
  validateRunsSearch,
} from './filters/search';
import { AppLayout } from './layout/AppLayout';
import { ProjectLayout } from './layout/ProjectLayout';
import { AlertsScreen } from './screens/alerts/AlertsScreen';
import { validateAlertsSearch } from './screens/alerts/alerts-search';
import { CompetitorsScreen } from './screens/competitors/CompetitorsScreen';
import { HomeRedirect } from './screens/HomeRedirect';
import { NotFound } from './screens/NotFound';
import { OverviewScreen } from './screens/overview/OverviewScreen';
import { PromptsScreen } from './prompts/PromptsScreen';
import { NewPromptRoute, PromptRoute } from './screens/PromptsRoutes';
import { RunRoute, RunsRoute } from './screens/RunsRoutes';
import { SignIn } from './screens/SignIn';
import { SourcesScreen } from './screens/sources/SourcesScreen';
import { ProjectSettingsScreen } from './workspace/ProjectSettingsScreen';
import { WorkspaceScreen } from './workspace/WorkspaceScreen';
import { validateWebhooksSearch } from './screens/webhooks/webhooks-search';
import { WebhooksScreen } from './screens/webhooks/WebhooksScreen';

const rootRoute = createRootRoute({ component: Outlet, notFoundComponent: () => <NotFound /> });

export const signInRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/sign-in',
  validateSearch: (raw: Record<string, unknown>): { error?: string } => ({
    error: typeof raw.error === 'string' ? raw.error.slice(0, 60) : undefined,
  }),
  component: SignIn,
});

/** Everything but /sign-in needs a session. */
const appRoute = createRoute({
  getParentRoute: () => rootRoute,
  id: 'app',
  beforeLoad: async () => {
    const session = getSession() ?? (await fetchCurrentSession());
    if (!session) throw redirect({ to: '/sign-in' });
    return { session };
  },
  component: AppLayout,
});

const homeRoute = createRoute({ getParentRoute: () => appRoute, path: '/', component: HomeRedirect });

export const webhooksRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/webhooks',
  validateSearch: validateWebhooksSearch,
  component: WebhooksScreen,
});

export const projectRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/p/$projectId',
  component: ProjectLayout,
});

const projectIndexRoute = createRoute({
  getParentRoute: () => projectRoute,
  path: '/',
  beforeLoad: ({ params }) => {
    throw redirect({ to: '/p/$projectId/overview', params });
  },
});

export const overviewRoute = createRoute({
  getParentRoute: () => projectRoute,
  path: '/overview',
  validateSearch: validateReportSearch,
  component: OverviewScreen,
});

export const competitorsRoute = createRoute({
  getParentRoute: () => projectRoute,
  path: '/competitors',
  validateSearch: validateReportSearch,
  component: CompetitorsScreen,
});

export const sourcesRoute = createRoute({
  getParentRoute: () => projectRoute,
  path: '/sources',
  validateSearch: validateReportSearch,
  component: SourcesScreen,
});

export const runsRoute = createRoute({
  getParentRoute: () => projectRoute,
  path: '/runs',
  validateSearch: validateRunsSearch,
  component: RunsRoute,
});

export const runRoute = createRoute({
  getParentRoute: () => projectRoute,
  path: '/runs/$runId',
  component: RunRoute,
});

export const alertsRoute = createRoute({
  getParentRoute: () => projectRoute,
  path: '/alerts',
  validateSearch: validateAlertsSearch,
  component: AlertsScreen,
});

export const brandsRoute = createRoute({
  getParentRoute: () => projectRoute,
  path: '/brands',
  validateSearch: validateBrandsSearch,
  component: BrandsScreen,
});

export const promptsRoute = createRoute({
  getParentRoute: () => projectRoute,
  path: '/prompts',
  validateSearch: validateReportSearch,
  component: PromptsScreen,
});

export const newPromptRoute = createRoute({
  getParentRoute: () => projectRoute,
  path: '/prompts/new',
  component: NewPromptRoute,
});

export const promptRoute = createRoute({
  getParentRoute: () => projectRoute,
  path: '/prompts/$promptId',
  component: PromptRoute,
});

export const settingsRoute = createRoute({
  getParentRoute: () => projectRoute,
  path: '/settings',
  component: ProjectSettingsScreen,
});

const workspaceRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/workspace',
  component: WorkspaceScreen,
});

export const enginesRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/engines',
  validateSearch: validateEnginesSearch,
  component: EnginesScreen,
});

const routeTree = rootRoute.addChildren([
  signInRoute,
  appRoute.addChildren([
    homeRoute,
    workspaceRoute,
    webhooksRoute,
    enginesRoute,
    projectRoute.addChildren([
      projectIndexRoute,
      overviewRoute,
      competitorsRoute,
      sourcesRoute,
      runsRoute,
      runRoute,
      alertsRoute,
      brandsRoute,
      promptsRoute,
      newPromptRoute,
      promptRoute,
      settingsRoute,
    ]),
  ]),
]);

export const router = createRouter({
  routeTree,
  context: {},
  parseSearch: parseSearchString,
  stringifySearch: stringifySearchObject,
  defaultNotFoundComponent: () => <NotFound />,
  defaultPreload: 'intent',
  defaultPreloadStaleTime: 0,
  scrollRestoration: true,
});

setUnauthorizedHandler(() => {
  queryClient.clear();
  void router.navigate({ to: '/sign-in' });
});

declare module '@tanstack/react-router' {
  interface Register {
    router: typeof router;
  }
}
