import { useQuery } from '@tanstack/react-query';
import { mentionsQuery, trendQuery } from '../../api/queries';
import { FiltersBar } from '../../filters/FiltersBar';
import { EmptyState, ErrorState, Loading } from '../../ui';
import { useBrands } from '../shared/brand-colors';
import { chooseDataKind, useReportState } from '../shared/report-state';
import { SectionNotice } from '../shared/SectionNotice';
import { Leaderboard } from './Leaderboard';
import { Tiles } from './Tiles';
import { TrendPanel } from './TrendPanel';

export function OverviewScreen() {
  const state = useReportState();
  const bucket = state.search.bucket ?? 'day';
  // Both reports are requested at once (no waterfall); each answers both sections.
  const mentions = useQuery(mentionsQuery(state.query));
  const trend = useQuery(trendQuery(state.query, bucket));
  const brands = useBrands(state.projectId);
  const kind = chooseDataKind(state.search.data, mentions.data);
  const section = mentions.data?.[kind];
  const own = section?.brands.find((b) => b.kind === 'own');
  const ctx = { projectId: state.projectId, query: state.query, kind };

  return (
    <>
      <FiltersBar state={state} dataKind={kind} />
      {mentions.isPending ? (
        <Loading label="Loading the mention report…" />
      ) : mentions.error ? (
        <ErrorState error={mentions.error} onRetry={() => void mentions.refetch()} />
      ) : !section || section.successfulRuns === 0 ? (
        <EmptyState title={`No ${kind} runs in this period`}>
          <p>
            Widen the period or the filters{kind === 'measured' ? ', or look at the synthetic data' : ''}.
          </p>
        </EmptyState>
      ) : (
        <>
          <SectionNotice kind={kind} auto={!state.search.data} runs={section.successfulRuns} />
          {own ? (
            <Tiles brand={own} ctx={ctx} />
          ) : (
            <EmptyState title="No own brand">
              <p>Add your brand (kind “own”) to the project to see its headline figures.</p>
            </EmptyState>
          )}
          {trend.isPending ? (
            <Loading label="Loading the trend…" />
          ) : trend.error ? (
            <ErrorState error={trend.error} onRetry={() => void trend.refetch()} />
          ) : (
            <TrendPanel state={state} kind={kind} bucket={bucket} report={trend.data} brands={brands.list} />
          )}
          <Leaderboard state={state} kind={kind} brands={section.brands} colors={brands.byId} />
        </>
      )}
    </>
  );
}
