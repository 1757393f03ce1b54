import { useQuery } from '@tanstack/react-query';
import { Link, useNavigate } from '@tanstack/react-router';
import { useMemo } from 'react';
import { arrivalQuery, type ArrivalBrand } from '../../api/arrival';
import { isNotFound } from '../../api/errors';
import { EChart } from '../../charts/EChart';
import type { DataKind } from '../../filters/search';
import { DataTable, EmptyState, ErrorState, formatN, formatRate, Loading, type Column } from '../../ui';
import type { BrandInfo } from '../shared/brand-colors';
import { runsSearchFor } from '../shared/drill';
import type { ReportState } from '../shared/report-state';
import { arrivalOption } from './arrival-option';

/** t values shown in the table (ms after the first token). */
const TABLE_T = [1000, 2000, 5000, 10000, 20000];

interface Props {
  state: ReportState;
  kind: DataKind;
  colors: Map<string, BrandInfo>;
}

export function ArrivalPanel({ state, kind, colors }: Props) {
  const arrival = useQuery(arrivalQuery(state.query));
  const navigate = useNavigate();
  const brands = useMemo(() => arrival.data?.[kind].brands ?? [], [arrival.data, kind]);
  const option = useMemo(() => arrivalOption(brands, colors), [brands, colors]);

  const drill = (b: ArrivalBrand, tMs: number) =>
    runsSearchFor(state.query, kind, { brandId: b.brandId, mentioned: true, reachedWithinMs: tMs }, b);

  const columns: Array<Column<ArrivalBrand>> = [
    { key: 'brand', header: 'Brand', cell: (b) => b.name ?? 'Deleted brand', csv: (b) => b.name },
    { key: 'n', header: 'n', numeric: true, cell: (b) => formatN(b.n), value: (b) => b.n, csv: (b) => b.n },
    ...TABLE_T.map((t): Column<ArrivalBrand> => {
      const at = (b: ArrivalBrand) => b.byTime.find((p) => p.tMs === t);
      return {
        key: `t${t}`,
        header: `Seen by ${t / 1000} s`,
        numeric: true,
        value: (b) => at(b)?.share ?? null,
        csv: (b) => at(b)?.share ?? null,
        cell: (b) => {
          const p = at(b);
          if (!p) return '–';
          return (
            <Link to="/p/$projectId/runs" params={{ projectId: state.projectId }} search={drill(b, t)}>
              {formatRate(p.share, p.lower, p.upper)}
            </Link>
          );
        },
      };
    }),
  ];

  let body;
  if (arrival.isPending) body = <Loading label="Loading arrival times…" />;
  else if (arrival.error) {
    body = isNotFound(arrival.error) ? (
      <EmptyState title="Not available yet">
        <p>This API does not serve the arrival report yet.</p>
      </EmptyState>
    ) : (
      <ErrorState error={arrival.error} onRetry={() => void arrival.refetch()} />
    );
  } else if (brands.length === 0) body = <EmptyState title={`No ${kind} answers in this period`} />;
  else {
    body = (
      <>
        <EChart
          option={option}
          label="Share of answers in which each brand had reached the reader by t seconds; figures in the table below"
          testId="arrival-chart"
          onClick={(e) => {
            const b = brands.find((x) => x.brandId === e.seriesId);
            const p = b?.byTime[e.dataIndex];
            if (b && p) {
              void navigate({
                to: '/p/$projectId/runs',
                params: { projectId: state.projectId },
                search: drill(b, p.tMs),
              });
            }
          }}
        />
        <details className="data-details">
          <summary>Table of the figures</summary>
          <DataTable
            caption="Seen by t seconds"
            columns={columns}
            rows={brands}
            rowKey={(b) => b.brandId}
            highlight={(b) => b.kind === 'own'}
            csvFilename={`arrival-${state.projectId}.csv`}
            testId="arrival-table"
          />
        </details>
      </>
    );
  }

  return (
    <section className="panel" aria-labelledby="arrival-title">
      <div className="panel-head">
        <div>
          <h2 id="arrival-title">Seen by t seconds</h2>
          <p className="muted">
            For each brand, the share of answers in which it had reached the reader t seconds after the first
            token. Higher and further left is better.
          </p>
        </div>
      </div>
      {body}
    </section>
  );
}
