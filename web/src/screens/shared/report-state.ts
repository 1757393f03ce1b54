// The report screens' URL state: filters from the search params, the API query they make, the section.
import { useNavigate, useParams, useSearch } from '@tanstack/react-router';
import { useCallback, useMemo } from 'react';
import { reportQuery, resolveRange, type ReportQuery, type ResolvedRange } from '../../filters/range';
import { validateReportSearch, type DataKind, type ReportSearch } from '../../filters/search';

export interface ReportState {
  projectId: string;
  search: ReportSearch;
  query: ReportQuery;
  range: ResolvedRange;
  setSearch: (patch: Partial<ReportSearch>) => void;
}

function clean(s: ReportSearch): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(s)) if (typeof v === 'string' && v !== '') out[k] = v;
  return out;
}

export function useReportState(): ReportState {
  const params = useParams({ strict: false });
  const raw = useSearch({ strict: false });
  const navigate = useNavigate();
  const projectId = params.projectId ?? '';
  const search = useMemo(() => validateReportSearch(raw), [raw]);
  const query = useMemo(() => reportQuery(projectId, search), [projectId, search]);
  const range = useMemo(() => resolveRange(search), [search]);
  const setSearch = useCallback(
    (patch: Partial<ReportSearch>) =>
      void navigate({ to: '.', search: (prev) => clean({ ...validateReportSearch(prev), ...patch }) }),
    [navigate],
  );
  return { projectId, search, query, range, setSearch };
}

interface SectionCounts {
  measured: { successfulRuns: number };
  synthetic: { successfulRuns: number };
}

/**
 * Measured or synthetic (never mixed): the URL's `data`, else measured when the period has measured runs,
 * else synthetic when only synthetic runs exist (the demo), else measured.
 */
export function chooseDataKind(explicit: DataKind | undefined, counts: SectionCounts | undefined): DataKind {
  if (explicit) return explicit;
  if (!counts) return 'measured';
  if (counts.measured.successfulRuns === 0 && counts.synthetic.successfulRuns > 0) return 'synthetic';
  return 'measured';
}
