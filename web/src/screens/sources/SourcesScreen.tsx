import { useQuery } from '@tanstack/react-query';
import { citationsQuery } from '../../api/queries';
import { FiltersBar } from '../../filters/FiltersBar';
import { EmptyState, ErrorState, Loading } from '../../ui';
import { useBrands } from '../shared/brand-colors';
import { useReportState } from '../shared/report-state';
import { SectionNotice } from '../shared/SectionNotice';
import { BrandCitations } from './BrandCitations';
import { CitedDomains } from './CitedDomains';
import type { DataKind } from '../../filters/search';

export function SourcesScreen() {
  const state = useReportState();
  const citations = useQuery(citationsQuery(state.query));
  const brands = useBrands(state.projectId);
  const d = citations.data;
  const kind: DataKind =
    state.search.data ??
    (d && d.measured.successfulRuns === 0 && d.synthetic.successfulRuns > 0 ? 'synthetic' : 'measured');
  const section = d?.[kind];

  return (
    <>
      <FiltersBar state={state} dataKind={kind} />
      {citations.isPending ? (
        <Loading label="Loading citations…" />
      ) : citations.error ? (
        <ErrorState error={citations.error} onRetry={() => void citations.refetch()} />
      ) : !section || section.successfulRuns === 0 ? (
        <EmptyState title={`No ${kind} runs in this period`}>
          <p>Widen the period or the filters.</p>
        </EmptyState>
      ) : (
        <>
          <SectionNotice kind={kind} auto={!state.search.data} runs={section.successfulRuns} />
          <BrandCitations
            state={state}
            kind={kind}
            rows={section.brands}
            colors={brands.byId}
            nearChars={citations.data.settings.nearMentionChars}
          />
          <CitedDomains state={state} kind={kind} rows={section.domains} runs={section.successfulRuns} />
        </>
      )}
    </>
  );
}
