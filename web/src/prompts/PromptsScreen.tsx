// The Prompts tab: every prompt x engine with the own brand's mention rate (Wilson interval, n), its mean
// stream score and the competitor that beats it most often, each cell linking to the cell's runs.
import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useMemo } from 'react';
import { enginesQuery, promptsQuery } from '../api/queries';
import { useCanWrite } from '../api/session-store';
import { FiltersBar } from '../filters/FiltersBar';
import { useBrands } from '../screens/shared/brand-colors';
import { chooseDataKind, useReportState } from '../screens/shared/report-state';
import { EmptyState, ErrorState, Loading } from '../ui';
import { promptRows } from './prompt-matrix';
import { PromptsTable } from './PromptsTable';
import { promptHeadToHeadQuery, promptMentionsQuery } from './queries';
import './prompts.css';

export function PromptsScreen() {
  const state = useReportState();
  const canWrite = useCanWrite();
  const mentions = useQuery(promptMentionsQuery(state.query));
  const h2h = useQuery(promptHeadToHeadQuery(state.query));
  const prompts = useQuery(promptsQuery(state.projectId));
  const engines = useQuery(enginesQuery());
  const brands = useBrands(state.projectId);
  const kind = chooseDataKind(state.search.data, mentions.data);
  const own = brands.list.find((b) => b.kind === 'own');
  const rows = useMemo(() => {
    if (!prompts.data || !mentions.data) return [];
    const shown = state.search.prompts?.split(',');
    const list = prompts.data.data.filter((p) => !shown || shown.includes(p.id));
    return promptRows(
      list,
      engines.data?.data ?? [],
      mentions.data.groups?.[kind] ?? [],
      h2h.data?.groups?.[kind] ?? [],
      own?.id,
    ).filter((r) => !state.search.engines || state.search.engines.split(',').includes(r.engineId));
  }, [prompts.data, mentions.data, h2h.data, engines.data, kind, own?.id, state.search]);

  const error = prompts.error ?? mentions.error;
  const promptCount = prompts.data?.data.length ?? 0;
  return (
    <>
      <FiltersBar state={state} dataKind={kind} />
      <div className="prompts-head">
        <h2>Prompts</h2>
        {canWrite && (
          <Link
            to="/p/$projectId/prompts/new"
            params={{ projectId: state.projectId }}
            className="btn btn-primary"
          >
            New prompt
          </Link>
        )}
      </div>
      {prompts.isPending || mentions.isPending ? (
        <Loading label="Loading the prompts…" />
      ) : error ? (
        <ErrorState
          error={error}
          onRetry={() => {
            void prompts.refetch();
            void mentions.refetch();
          }}
        />
      ) : promptCount === 0 ? (
        <EmptyState title="No prompts yet">
          <p>
            {canWrite
              ? 'Add the questions your customers ask AI engines; each is asked on its schedule.'
              : 'An admin has not added any prompts to this project yet.'}
          </p>
        </EmptyState>
      ) : (
        <>
          {!own && (
            <p className="notice notice-warn">
              No own brand in this project: add one on the Brands tab to see its mention rate here.
            </p>
          )}
          <PromptsTable
            state={state}
            kind={kind}
            rows={rows}
            ownName={own?.name}
            headToHead={h2h.error ? 'error' : h2h.isPending ? 'pending' : 'ready'}
          />
        </>
      )}
    </>
  );
}
