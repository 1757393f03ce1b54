import { Link } from '@tanstack/react-router';
import { reportCsv } from '../../api/report-csv';
import type { CitedDomain } from '../../api/types';
import type { DataKind } from '../../filters/search';
import { DataTable, EmptyState, formatN, formatRate, type Column } from '../../ui';
import { runsSearchFor } from '../shared/drill';
import type { ReportState } from '../shared/report-state';

interface Props {
  state: ReportState;
  kind: DataKind;
  rows: CitedDomain[];
  runs: number;
}

/** The domains answers cite, by the share of answers citing them (top 100). */
export function CitedDomains({ state, kind, rows, runs }: Props) {
  const columns: Array<Column<CitedDomain>> = [
    {
      key: 'domain',
      header: 'Domain',
      csv: (r) => r.domain,
      cell: (r) => (
        <Link
          to="/p/$projectId/runs"
          params={{ projectId: state.projectId }}
          search={runsSearchFor(state.query, kind, { citedDomain: r.domain }, r)}
        >
          {r.domain}
        </Link>
      ),
    },
    {
      key: 'brand',
      header: 'Belongs to',
      cell: (r) => r.brandName ?? <span className="muted">–</span>,
      csv: (r) => r.brandName,
    },
    {
      key: 'rate',
      header: 'Answers citing it (95% CI)',
      numeric: true,
      value: (r) => r.citingRate.rate,
      csv: (r) => r.citingRate.rate,
      cell: (r) => formatRate(r.citingRate.rate, r.citingRate.low, r.citingRate.high),
    },
    {
      key: 'runs',
      header: 'Citing answers',
      numeric: true,
      value: (r) => r.citingRuns,
      csv: (r) => r.citingRuns,
      cell: (r) => `${formatN(r.citingRuns)} of ${formatN(r.citingRate.n)}`,
    },
    {
      key: 'count',
      header: 'Citations',
      numeric: true,
      value: (r) => r.citationCount,
      csv: (r) => r.citationCount,
      cell: (r) => formatN(r.citationCount),
    },
  ];
  return (
    <section className="panel" aria-labelledby="domains-title">
      <div className="panel-head">
        <div>
          <h2 id="domains-title">Cited domains</h2>
          <p className="muted">
            Top 100 by answers citing them, out of {formatN(runs)} answers. Click a domain to see its runs.
          </p>
        </div>
      </div>
      {rows.length === 0 ? (
        <EmptyState title="No citations in this period" />
      ) : (
        <DataTable
          caption="Cited domains"
          captionHidden
          columns={columns}
          rows={rows}
          rowKey={(r) => r.domain}
          csvFilename={`citations-${state.projectId}.csv`}
          apiCsv={() => reportCsv.citations(state.query)}
          testId="cited-domains"
        />
      )}
    </section>
  );
}
