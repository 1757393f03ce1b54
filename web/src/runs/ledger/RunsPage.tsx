import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useMemo } from 'react';
import { brandsQuery, enginesQuery, promptsQuery } from '../../api/queries';
import { DataTable, EmptyState, ErrorState, Loading, SyntheticBadge, type Column } from '../../ui';
import { formatDateTime, formatMs } from '../../ui/format';
import type { RunListItem } from '../api-types';
import { brandLooks, lookupFrom } from '../brand-colors';
import { runsListQuery } from '../queries';
import { StatusBadge } from '../StatusBadge';
import { hasFilters, ledgerQuery, parseLedgerSearch, withFilter, type LedgerSearch } from './ledger-search';
import { RunsFilters } from './RunsFilters';
import { useRunSummaries, type RunSummary } from './use-run-summaries';
import '../runs.css';

export interface RunsPageProps {
  projectId: string;
  search: Record<string, string | undefined>;
  onSearchChange: (next: Record<string, string | undefined>) => void;
}

type Summary = RunSummary | 'loading' | 'error' | undefined;

/** The runs ledger: every run of the project, filtered from the URL, newest first, each linking to its replay. */
export function RunsPage({ projectId, search, onSearchChange }: RunsPageProps) {
  const s = useMemo(() => parseLedgerSearch(search), [search]);
  const change = (next: LedgerSearch): void => onSearchChange({ ...next });
  const list = useQuery(runsListQuery(ledgerQuery(projectId, s)));
  const brands = useQuery(brandsQuery(projectId));
  const engines = useQuery(enginesQuery());
  const prompts = useQuery(promptsQuery(projectId));
  const brandList = useMemo(() => brands.data?.data ?? [], [brands.data]);
  const brand = useMemo(() => lookupFrom(brandLooks(brandList)), [brandList]);
  const rows = list.data?.data ?? [];
  const summaries = useRunSummaries(rows, brandList);
  const engineName = (id: string): string =>
    engines.data?.data.find((e) => e.id === id)?.name ?? id.slice(0, 8);
  const promptText = (id: string): string =>
    prompts.data?.data.find((p) => p.id === id)?.text ?? id.slice(0, 8);
  const sum = (r: RunListItem): Summary => summaries.get(r.id);
  const known = (r: RunListItem): RunSummary | null => {
    const v = sum(r);
    return v && v !== 'loading' && v !== 'error' ? v : null;
  };
  const pending = (r: RunListItem): string => (sum(r) === 'loading' ? '…' : '–');

  const columns: Column<RunListItem>[] = [
    {
      key: 'started',
      header: 'Started',
      cell: (r) => (
        <Link to="/p/$projectId/runs/$runId" params={{ projectId, runId: r.id }} className="rn-row-link">
          {formatDateTime(r.startedAt ?? r.createdAt)}
          <span className="visually-hidden">: open the run</span>
        </Link>
      ),
      csv: (r) => r.startedAt ?? r.createdAt,
      value: (r) => r.id,
    },
    {
      key: 'status',
      header: 'Status',
      cell: (r) => <StatusBadge status={r.status} />,
      csv: (r) => r.status,
      value: (r) => r.status,
    },
    {
      key: 'engine',
      header: 'Engine',
      cell: (r) => engineName(r.engineId),
      csv: (r) => engineName(r.engineId),
    },
    {
      key: 'prompt',
      header: 'Prompt',
      cell: (r) => <span className="rn-prompt-cell">{promptText(r.promptId)}</span>,
      csv: (r) => promptText(r.promptId),
    },
    {
      key: 'ttft',
      header: 'TTFT',
      numeric: true,
      cell: (r) => (known(r) ? formatMs(known(r)?.ttftMs) : pending(r)),
      csv: (r) => known(r)?.ttftMs ?? null,
      value: (r) => known(r)?.ttftMs ?? null,
    },
    {
      key: 'own',
      header: 'Your brand',
      cell: (r) => {
        const k = known(r);
        if (!k || k.ownMentioned === null) return <span className="muted">{pending(r)}</span>;
        return k.ownMentioned ? (
          <span className="rn-yes">Mentioned</span>
        ) : (
          <span className="rn-no">Not mentioned</span>
        );
      },
      csv: (r) => (known(r)?.ownMentioned === undefined ? null : String(known(r)?.ownMentioned)),
      value: (r) => (known(r)?.ownMentioned === undefined ? null : String(known(r)?.ownMentioned)),
    },
    {
      key: 'first',
      header: 'First brand',
      cell: (r) => {
        const id = known(r)?.firstBrandId;
        if (!id) return <span className="muted">{known(r) ? 'none' : pending(r)}</span>;
        return (
          <span className="rn-tag" style={{ ['--brand' as string]: brand(id).color }}>
            {brand(id).name}
          </span>
        );
      },
      csv: (r) => {
        const id = known(r)?.firstBrandId;
        return id ? brand(id).name : null;
      },
    },
    {
      key: 'data',
      header: 'Data',
      cell: (r) => (r.synthetic ? <SyntheticBadge /> : <span className="muted">measured</span>),
      csv: (r) => (r.synthetic ? 'synthetic' : 'measured'),
      value: (r) => (r.synthetic ? 'synthetic' : 'measured'),
    },
    {
      key: 'id',
      header: 'Run id',
      cell: (r) => <code className="rn-id">{r.id.slice(0, 8)}</code>,
      csv: (r) => r.id,
    },
  ];

  return (
    <section className="rn-ledger" aria-labelledby="rn-ledger-title" data-testid="runs-page">
      <div className="rn-ledger-head">
        <h2 id="rn-ledger-title">Runs</h2>
        <p className="muted">Every answer the engines streamed for this project. Open one to replay it.</p>
      </div>
      <RunsFilters
        search={s}
        onChange={change}
        brands={brandList}
        engines={engines.data?.data ?? []}
        prompts={prompts.data?.data ?? []}
      />
      {list.error ? (
        <ErrorState error={list.error} onRetry={() => void list.refetch()} />
      ) : list.isPending ? (
        <Loading label="Loading runs…" />
      ) : rows.length === 0 ? (
        <EmptyState title={hasFilters(s) ? 'No runs match these filters' : 'No runs yet'}>
          {hasFilters(s) ? (
            <button type="button" className="btn btn-small" onClick={() => change({})}>
              Clear filters
            </button>
          ) : (
            <p>Runs appear here as the schedule sends your prompts to the engines.</p>
          )}
        </EmptyState>
      ) : (
        <div className={list.isPlaceholderData ? 'rn-stale' : undefined} aria-busy={list.isFetching}>
          <DataTable
            caption="Runs, newest first"
            captionHidden
            columns={columns}
            rows={rows}
            rowKey={(r) => r.id}
            csvFilename={`runs-${projectId.slice(0, 8)}.csv`}
            testId="runs-table"
            className="rn-runs-table"
          />
          <nav className="rn-pager" aria-label="Pages">
            {s.cursor && (
              <button
                type="button"
                className="btn btn-small"
                onClick={() => change(withFilter(s, 'cursor', undefined))}
              >
                ← Newest
              </button>
            )}
            <span className="muted">{rows.length} runs on this page</span>
            {list.data?.nextCursor && (
              <button
                type="button"
                className="btn btn-small"
                onClick={() => change(withFilter(s, 'cursor', list.data?.nextCursor ?? undefined))}
                data-testid="runs-next"
              >
                Older →
              </button>
            )}
          </nav>
        </div>
      )}
    </section>
  );
}
