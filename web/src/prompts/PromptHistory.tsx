// The prompt's recent runs, newest first, each linking to its run page; polled while one is still going.
import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { runsControllerList } from '../api/client';
import type { Engine, RunListItem } from '../runs/api-types';
import { StatusBadge } from '../runs/StatusBadge';
import { DataTable, EmptyState, ErrorState, Loading, formatDateTime, type Column } from '../ui';

const HISTORY_LIMIT = 20;
const POLL_MS = 2000;

interface Props {
  projectId: string;
  promptId: string;
  engines: Engine[];
}

const going = (r: RunListItem): boolean => r.status === 'queued' || r.status === 'running';

export function PromptHistory({ projectId, promptId, engines }: Props) {
  const history = useQuery({
    queryKey: ['runs', { projectId, promptId, limit: HISTORY_LIMIT }],
    queryFn: async ({ signal }) =>
      (
        await runsControllerList({
          query: { projectId, promptId, limit: HISTORY_LIMIT },
          signal,
          throwOnError: true,
        })
      ).data,
    refetchInterval: (q) => (q.state.data?.data.some(going) ? POLL_MS : false),
  });
  const engineName = (id: string): string => engines.find((e) => e.id === id)?.name ?? 'Deleted engine';

  const columns: Column<RunListItem>[] = [
    {
      key: 'when',
      header: 'Created',
      cell: (r) => (
        <Link to="/p/$projectId/runs/$runId" params={{ projectId, runId: r.id }}>
          {formatDateTime(r.createdAt)}
          <span className="visually-hidden">: open the run</span>
        </Link>
      ),
      csv: (r) => r.createdAt,
      value: (r) => r.id,
    },
    {
      key: 'engine',
      header: 'Engine',
      cell: (r) => engineName(r.engineId),
      csv: (r) => engineName(r.engineId),
    },
    {
      key: 'trigger',
      header: 'Trigger',
      cell: (r) => (r.trigger === 'manual' ? 'Run now' : `Slot ${formatDateTime(r.slotAt)}`),
      csv: (r) => r.trigger,
    },
    {
      key: 'revision',
      header: 'Revision',
      numeric: true,
      cell: (r) => r.promptRevision ?? '–',
      csv: (r) => r.promptRevision,
    },
    {
      key: 'status',
      header: 'Status',
      cell: (r) => <StatusBadge status={r.status} />,
      csv: (r) => r.status,
      value: (r) => r.status,
    },
  ];

  return (
    <section className="panel" aria-labelledby="prompt-history-title">
      <div className="panel-head">
        <h2 id="prompt-history-title">History</h2>
        <Link to="/p/$projectId/runs" params={{ projectId }} search={{ promptId }}>
          All runs of this prompt
        </Link>
      </div>
      {history.isPending ? (
        <Loading label="Loading the prompt's runs…" />
      ) : history.error ? (
        <ErrorState error={history.error} onRetry={() => void history.refetch()} />
      ) : history.data.data.length === 0 ? (
        <EmptyState title="No runs yet">
          <p>Runs appear here at the next firing, or at once with Run now.</p>
        </EmptyState>
      ) : (
        <DataTable
          caption="Recent runs of this prompt"
          captionHidden
          columns={columns}
          rows={history.data.data}
          rowKey={(r) => r.id}
          testId="prompt-history"
        />
      )}
    </section>
  );
}
