// The project's alert rules: a table (name, kind, state) and, for an admin key, "New rule" and "Edit" that open
// the editor with its 30-day preview. The open rule is in the URL (?rule=<id>|new).
import { useQuery } from '@tanstack/react-query';
import { Link, useNavigate } from '@tanstack/react-router';
import { alertRulesControllerList } from '../../api/client';
import { brandsQuery } from '../../api/queries';
import { useCanWrite } from '../../api/session-store';
import { alertsRoute } from '../../router';
import { DataTable, EmptyState, ErrorState, formatDateTime, Loading, type Column } from '../../ui';
import { KIND_LABEL } from './alert-labels';
import { AlertRuleEditor } from './AlertRuleEditor';
import type { AlertRule } from './rule-draft';

export function AlertRules({ projectId }: { projectId: string }) {
  const canWrite = useCanWrite();
  const { rule: open } = alertsRoute.useSearch();
  const navigate = useNavigate({ from: '/p/$projectId/alerts' });
  const rules = useQuery({
    queryKey: ['alert-rules', projectId],
    queryFn: async ({ signal }) =>
      (
        await alertRulesControllerList({
          path: { projectId },
          query: { limit: 100 },
          signal,
          throwOnError: true,
        })
      ).data,
  });
  const brands = useQuery(brandsQuery(projectId));
  const list = rules.data?.data ?? [];
  const close = () => void navigate({ search: {} });
  const editing = canWrite && open ? (open === 'new' ? null : list.find((r) => r.id === open)) : undefined;

  const columns: Array<Column<AlertRule>> = [
    { key: 'name', header: 'Rule', cell: (r) => r.name, csv: (r) => r.name },
    { key: 'kind', header: 'Kind', cell: (r) => KIND_LABEL[r.kind], csv: (r) => r.kind },
    {
      key: 'state',
      header: 'State',
      cell: (r) =>
        !r.enabled
          ? 'Disabled'
          : r.state.lastError
            ? `Error: ${r.state.lastError}`
            : r.state.firing
              ? 'Firing'
              : 'OK',
      csv: (r) => (!r.enabled ? 'disabled' : r.state.firing ? 'firing' : 'ok'),
    },
    {
      key: 'last',
      header: 'Last fired',
      cell: (r) => (r.state.lastTriggeredAt ? formatDateTime(r.state.lastTriggeredAt) : 'Never'),
      csv: (r) => r.state.lastTriggeredAt ?? '',
    },
    ...(canWrite
      ? [
          {
            key: 'edit',
            header: 'Actions',
            cell: (r: AlertRule) => (
              <Link from="/p/$projectId/alerts" search={{ rule: r.id }} aria-label={`Edit ${r.name}`}>
                Edit
              </Link>
            ),
          },
        ]
      : []),
  ];

  return (
    <>
      {editing !== undefined && brands.data ? (
        <AlertRuleEditor
          key={open}
          projectId={projectId}
          rule={editing}
          brands={brands.data.data}
          onClose={close}
        />
      ) : null}
      <section className="panel" aria-labelledby="rules-title">
        <div className="panel-head">
          <div>
            <h2 id="rules-title">Alert rules</h2>
            <p className="muted">
              {canWrite
                ? 'Each rule is evaluated when a run lands; edit one to see where it would have fired.'
                : 'Read-only: a read key lists the rules; an admin key creates and edits them.'}
            </p>
          </div>
          {canWrite && open !== 'new' && (
            <Link className="btn btn-primary" from="/p/$projectId/alerts" search={{ rule: 'new' }}>
              New rule
            </Link>
          )}
        </div>
        {rules.isPending ? (
          <Loading label="Loading alert rules…" />
        ) : rules.error ? (
          <ErrorState error={rules.error} onRetry={() => void rules.refetch()} />
        ) : list.length === 0 ? (
          <EmptyState title="No alert rules">
            <p>
              A rule watches a brand’s figures and fires when they change (for example a mention-rate drop).
            </p>
          </EmptyState>
        ) : (
          <DataTable
            caption="Alert rules"
            captionHidden
            columns={columns}
            rows={list}
            rowKey={(r) => r.id}
            csvFilename={`alert-rules-${projectId}.csv`}
            testId="alert-rules"
          />
        )}
      </section>
    </>
  );
}
