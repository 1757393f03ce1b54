import type { EChartsCoreOption } from 'echarts/core';
import { useMemo } from 'react';
import type { MentionsBrand } from '../../api/types';
import { EChart } from '../../charts/EChart';
import { DataTable, formatN, formatPercent, formatScore, type Column } from '../../ui';

const BANDS = [
  { key: 'top', label: 'Top third', color: '#4f46e5' },
  { key: 'middle', label: 'Middle third', color: '#a5b4fc' },
  { key: 'bottom', label: 'Bottom third', color: '#dfe3f5' },
] as const;

function bandsOf(b: MentionsBrand) {
  return b.compatibility.positionBands;
}

/** Where in the answer each brand's first mention sits (fractions of the answers mentioning it). */
export function PositionBands({ brands }: { brands: MentionsBrand[] }) {
  const rows = useMemo(() => brands.filter((b) => b.mentionedRuns > 0), [brands]);
  const option = useMemo((): EChartsCoreOption => {
    const names = rows.map((b) => `${b.name ?? 'Deleted brand'} (n = ${formatN(b.mentionedRuns)})`);
    return {
      animation: false,
      grid: { left: 8, right: 16, top: 30, bottom: 8, containLabel: true },
      legend: { top: 0, left: 0, itemWidth: 12, itemHeight: 12, textStyle: { color: '#5b6270' } },
      tooltip: {
        trigger: 'axis',
        axisPointer: { type: 'shadow' },
        valueFormatter: (v: number) => formatPercent(v),
      },
      xAxis: {
        type: 'value',
        max: 1,
        axisLabel: { formatter: (v: number) => formatPercent(v), color: '#5b6270' },
      },
      yAxis: { type: 'category', data: names, inverse: true, axisLabel: { color: '#16181d' } },
      series: BANDS.map((band) => ({
        id: band.key,
        name: band.label,
        type: 'bar',
        stack: 'bands',
        barMaxWidth: 22,
        itemStyle: { color: band.color },
        data: rows.map((b) => bandsOf(b)?.[band.key] ?? 0),
      })),
    };
  }, [rows]);

  const columns: Array<Column<MentionsBrand>> = [
    { key: 'brand', header: 'Brand', cell: (b) => b.name ?? 'Deleted brand', csv: (b) => b.name },
    {
      key: 'n',
      header: 'n (mentioned)',
      numeric: true,
      cell: (b) => formatN(b.mentionedRuns),
      value: (b) => b.mentionedRuns,
      csv: (b) => b.mentionedRuns,
    },
    ...BANDS.map((band): Column<MentionsBrand> => ({
      key: band.key,
      header: band.label,
      numeric: true,
      cell: (b) => formatPercent(bandsOf(b)?.[band.key]),
      value: (b) => bandsOf(b)?.[band.key] ?? null,
      csv: (b) => bandsOf(b)?.[band.key] ?? null,
    })),
    {
      key: 'order',
      header: 'Mean order',
      numeric: true,
      cell: (b) => formatScore(b.meanOrder, 2),
      value: (b) => b.meanOrder,
      csv: (b) => b.meanOrder,
    },
  ];

  return (
    <section className="panel" aria-labelledby="bands-title">
      <div className="panel-head">
        <div>
          <h2 id="bands-title">Position in the answer</h2>
          <p className="muted">
            Where the first mention sits, as a share of the answers that mention the brand.
          </p>
        </div>
      </div>
      {rows.length > 0 && (
        <EChart
          option={option}
          height={Math.max(160, 46 * rows.length + 50)}
          label="Position bands per brand; figures in the table below"
          testId="position-bands-chart"
        />
      )}
      <details className="data-details">
        <summary>Table of the figures</summary>
        <DataTable
          caption="Position bands"
          columns={columns}
          rows={rows}
          rowKey={(b) => b.brandId}
          csvFilename="position-bands.csv"
          testId="position-bands"
        />
      </details>
    </section>
  );
}
