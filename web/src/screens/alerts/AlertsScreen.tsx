import { useInfiniteQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { alertRulesControllerAlerts } from '../../api/client';
import type { AlertEvent } from '../../api/types';
import { projectRoute } from '../../router';
import {
  DataTable,
  EmptyState,
  ErrorState,
  formatDateTime,
  Loading,
  SyntheticBadge,
  type Column,
} from '../../ui';
import { describeFigures, KIND_LABEL, TRANSITION_LABEL } from './alert-labels';
import { AlertRules } from './AlertRules';
import '../../brands/brands.css';
import './alerts.css';

export function AlertsScreen() {
  const { projectId } = projectRoute.useParams();
  const alerts = useInfiniteQuery({
    queryKey: ['alerts', projectId, 'pages'],
    initialPageParam: undefined as string | undefined,
    queryFn: async ({ pageParam, signal }) =>
      (
        await alertRulesControllerAlerts({
          path: { projectId },
          query: { limit: 50, ...(pageParam ? { cursor: pageParam } : {}) },
          signal,
          throwOnError: true,
        })
      ).data,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    staleTime: 30_000,
  });
  const rows = alerts.data?.pages.flatMap((p) => p.data) ?? [];

  const columns: Array<Column<AlertEvent>> = [
    { key: 'at', header: 'When', cell: (a) => formatDateTime(a.triggeredAt), csv: (a) => a.triggeredAt },
    { key: 'rule', header: 'Rule', cell: (a) => a.ruleName, csv: (a) => a.ruleName },
    { key: 'kind', header: 'Kind', cell: (a) => KIND_LABEL[a.kind], csv: (a) => a.kind },
    {
      key: 'transition',
      header: 'Event',
      cell: (a) => TRANSITION_LABEL[a.transition],
      csv: (a) => a.transition,
    },
    {
      key: 'figures',
      header: 'Figures',
      cell: (a) => describeFigures(a.figures),
      csv: (a) => JSON.stringify(a.figures),
    },
    {
      key: 'data',
      header: 'Data',
      cell: (a) => (a.synthetic ? <SyntheticBadge /> : 'Measured'),
      csv: (a) => (a.synthetic ? 'synthetic' : 'measured'),
    },
    {
      key: 'run',
      header: 'Run',
      cell: (a) => (
        <Link to="/p/$projectId/runs/$runId" params={{ projectId, runId: a.runId }}>
          Open run
        </Link>
      ),
      csv: (a) => a.runId,
    },
  ];

  return (
    <div className="alerts-layout">
      <AlertRules projectId={projectId} />
      <section className="panel" aria-labelledby="alerts-title">
        <div className="panel-head">
          <div>
            <h2 id="alerts-title">Alert log</h2>
            <p className="muted">Every time an alert rule fired, newest first.</p>
          </div>
        </div>
        {alerts.isPending ? (
          <Loading label="Loading alerts…" />
        ) : alerts.error ? (
          <ErrorState error={alerts.error} onRetry={() => void alerts.refetch()} />
        ) : rows.length === 0 ? (
          <EmptyState title="No alerts yet">
            <p>Alerts appear here when a rule fires (for example a drop in the mention rate).</p>
          </EmptyState>
        ) : (
          <>
            <DataTable
              caption="Alert log"
              captionHidden
              columns={columns}
              rows={rows}
              rowKey={(a) => a.id}
              csvFilename={`alerts-${projectId}.csv`}
              testId="alerts"
            />
            {alerts.hasNextPage && (
              <button
                type="button"
                className="btn"
                disabled={alerts.isFetchingNextPage}
                onClick={() => void alerts.fetchNextPage()}
              >
                {alerts.isFetchingNextPage ? 'Loading…' : 'Load more'}
              </button>
            )}
          </>
        )}
      </section>
    </div>
  );
}
