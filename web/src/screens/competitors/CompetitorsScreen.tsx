import { useQuery } from '@tanstack/react-query';
import { headToHeadQuery, mentionsQuery } from '../../api/queries';
import { arrivalQuery } from '../../api/arrival';
import { FiltersBar } from '../../filters/FiltersBar';
import { EmptyState, ErrorState, Loading } from '../../ui';
import { useBrands } from '../shared/brand-colors';
import { chooseDataKind, useReportState } from '../shared/report-state';
import { SectionNotice } from '../shared/SectionNotice';
import { ArrivalPanel } from './ArrivalPanel';
import { HeadToHead } from './HeadToHead';
import { PositionBands } from './PositionBands';

export function CompetitorsScreen() {
  const state = useReportState();
  // The screen's three reports start together (ArrivalPanel reads the same cached query).
  const mentions = useQuery(mentionsQuery(state.query));
  const h2h = useQuery(headToHeadQuery(state.query));
  useQuery(arrivalQuery(state.query));
  const brands = useBrands(state.projectId);
  const kind = chooseDataKind(state.search.data, mentions.data);
  const section = mentions.data?.[kind];

  return (
    <>
      <FiltersBar state={state} dataKind={kind} />
      {mentions.isPending ? (
        <Loading label="Loading the competitor reports…" />
      ) : mentions.error ? (
        <ErrorState error={mentions.error} onRetry={() => void mentions.refetch()} />
      ) : !section || section.successfulRuns === 0 ? (
        <EmptyState title={`No ${kind} runs in this period`}>
          <p>Widen the period or the filters.</p>
        </EmptyState>
      ) : (
        <>
          <SectionNotice kind={kind} auto={!state.search.data} runs={section.successfulRuns} />
          {h2h.isPending ? (
            <Loading label="Loading head to head…" />
          ) : h2h.error ? (
            <ErrorState error={h2h.error} onRetry={() => void h2h.refetch()} />
          ) : (
            <HeadToHead
              state={state}
              kind={kind}
              pairs={h2h.data[kind]}
              brands={section.brands}
              colors={brands.byId}
            />
          )}
          <ArrivalPanel state={state} kind={kind} colors={brands.byId} />
          <PositionBands brands={section.brands} />
        </>
      )}
    </>
  );
}
