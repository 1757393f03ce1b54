import { useNavigate } from '@tanstack/react-router';
import { useMemo } from 'react';
import { reportCsv } from '../../api/report-csv';
import type { TrendReport, TrendRow } from '../../api/types';
import { EChart } from '../../charts/EChart';
import type { Bucket, DataKind } from '../../filters/search';
import { DataTable, EmptyState, formatN, formatRate, formatScore, type Column } from '../../ui';
import type { BrandInfo } from '../shared/brand-colors';
import { runsSearchFor } from '../shared/drill';
import type { ReportState } from '../shared/report-state';
import { bucketLabel, trendOption } from './trend-option';

interface Props {
  state: ReportState;
  kind: DataKind;
  bucket: Bucket;
  report: TrendReport;
  brands: BrandInfo[];
}

const BUCKET_MS: Record<Bucket, number> = { day: 86_400_000, week: 7 * 86_400_000 };

function bucketStart(b: string): number {
  return Date.parse(b.length === 10 ? `${b}T00:00:00Z` : b);
}

export function TrendPanel({ state, kind, bucket, report, brands }: Props) {
  const navigate = useNavigate();
  const rows = kind === 'measured' ? report.measured : report.synthetic;
  const { buckets, byBrand } = useMemo(() => {
    const bs = [...new Set(rows.map((r) => r.bucket))].sort();
    const m = new Map<string, Map<string, TrendRow>>();
    for (const r of rows) {
      const inner = m.get(r.brandId) ?? new Map<string, TrendRow>();
      inner.set(r.bucket, r);
      m.set(r.brandId, inner);
    }
    return { buckets: bs, byBrand: m };
  }, [rows]);
  const shown = useMemo(() => brands.filter((b) => byBrand.has(b.id)), [brands, byBrand]);
  const options = useMemo(
    () =>
      shown.map((b) =>
        trendOption(buckets, byBrand.get(b.id) ?? new Map<string, TrendRow>(), b.color, b.kind === 'own'),
      ),
    [shown, buckets, byBrand],
  );

  const drill = (brandId: string, b: string | undefined) => {
    if (!b) return;
    const from = bucketStart(b);
    void navigate({
      to: '/p/$projectId/runs',
      params: { projectId: state.projectId },
      search: runsSearchFor(
        state.query,
        kind,
        {
          brandId,
          mentioned: true,
          observedFrom: new Date(Math.max(from, Date.parse(state.query.from))).toISOString(),
          observedTo: new Date(Math.min(from + BUCKET_MS[bucket], Date.parse(state.query.to))).toISOString(),
        },
        byBrand.get(brandId)?.get(b),
      ),
    });
  };

  const names = new Map(brands.map((b) => [b.id, b.name]));
  const columns: Array<Column<TrendRow>> = [
    {
      key: 'brand',
      header: 'Brand',
      cell: (r) => names.get(r.brandId) ?? r.brandId,
      csv: (r) => names.get(r.brandId) ?? r.brandId,
    },
    {
      key: 'bucket',
      header: bucket === 'day' ? 'Day' : 'Week of',
      cell: (r) => bucketLabel(r.bucket),
      csv: (r) => r.bucket,
    },
    { key: 'n', header: 'n', numeric: true, cell: (r) => formatN(r.n), value: (r) => r.n, csv: (r) => r.n },
    {
      key: 'rate',
      header: 'Mention rate (95% CI)',
      numeric: true,
      cell: (r) => formatRate(r.mentionRate.rate, r.mentionRate.low, r.mentionRate.high),
      value: (r) => r.mentionRate.rate,
      csv: (r) => r.mentionRate.rate,
    },
    {
      key: 'svs',
      header: 'Stream score',
      numeric: true,
      cell: (r) => formatScore(r.meanStreamScore),
      value: (r) => r.meanStreamScore,
    },
  ];

  return (
    <section className="panel" aria-labelledby="trend-title">
      <div className="panel-head">
        <div>
          <h2 id="trend-title">Mention rate over time</h2>
          <p className="muted">Per brand, with its 95% interval. Click a point to see its runs.</p>
        </div>
        <div className="segmented" role="group" aria-label="Bucket">
          {(['day', 'week'] as const).map((b) => (
            <button
              key={b}
              type="button"
              aria-pressed={bucket === b}
              onClick={() => state.setSearch({ bucket: b === 'day' ? undefined : b })}
            >
              {b === 'day' ? 'Daily' : 'Weekly'}
            </button>
          ))}
        </div>
      </div>
      {shown.length === 0 ? (
        <EmptyState title="No runs in this period" />
      ) : (
        <div className="small-multiples">
          {shown.map((b, i) => (
            <figure key={b.id} className={`multiple ${b.kind === 'own' ? 'multiple-own' : ''}`}>
              <figcaption>
                <span className="swatch" style={{ background: b.color }} aria-hidden="true" />
                {b.name}
                {b.kind === 'own' && <span className="badge">Your brand</span>}
              </figcaption>
              <EChart
                option={options[i] ?? {}}
                height={180}
                label={`Mention rate of ${b.name} per ${bucket}; figures in the table below`}
                testId={`trend-chart-${b.id}`}
                onClick={(e) => drill(b.id, buckets[e.dataIndex])}
              />
            </figure>
          ))}
        </div>
      )}
      <details className="data-details">
        <summary>Table of the figures</summary>
        <DataTable
          caption="Mention rate per bucket and brand"
          columns={columns}
          rows={rows}
          rowKey={(r) => `${r.brandId}-${r.bucket}`}
          csvFilename={`trend-${state.projectId}.csv`}
          apiCsv={() => reportCsv.trend(state.query, bucket)}
          testId="trend-table"
        />
      </details>
    </section>
  );
}
