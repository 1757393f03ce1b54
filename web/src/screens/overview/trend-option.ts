// ECharts option of one brand's trend: the mention rate per bucket and its 95% interval as a band.
import type { EChartsCoreOption } from 'echarts/core';
import type { TrendRow } from '../../api/types';
import { formatN, formatPercent, formatRate } from '../../ui';

export function bucketLabel(bucket: string): string {
  const d = new Date(bucket.length === 10 ? `${bucket}T00:00:00Z` : bucket);
  return Number.isNaN(d.getTime())
    ? bucket
    : d.toLocaleDateString('en-US', { month: 'short', day: 'numeric', timeZone: 'UTC' });
}

export function trendOption(
  buckets: string[],
  rows: Map<string, TrendRow>,
  color: string,
  emphasis: boolean,
): EChartsCoreOption {
  const rate = buckets.map((b) => rows.get(b)?.mentionRate.rate ?? null);
  const low = buckets.map((b) => rows.get(b)?.mentionRate.low ?? null);
  const span = buckets.map((b) => {
    const r = rows.get(b)?.mentionRate;
    return r && r.low !== null && r.high !== null ? r.high - r.low : null;
  });
  return {
    animation: false,
    grid: { left: 44, right: 12, top: 12, bottom: 28 },
    tooltip: {
      trigger: 'axis',
      formatter: (items: unknown) => {
        const first = Array.isArray(items) ? (items[0] as { dataIndex?: number } | undefined) : undefined;
        const b = first?.dataIndex === undefined ? undefined : buckets[first.dataIndex];
        const row = b ? rows.get(b) : undefined;
        if (!b || !row) return b ? `${bucketLabel(b)}: no runs` : '';
        const m = row.mentionRate;
        return `${bucketLabel(b)}<br/>${formatRate(m.rate, m.low, m.high)}<br/>n = ${formatN(row.n)}`;
      },
    },
    xAxis: {
      type: 'category',
      data: buckets.map(bucketLabel),
      boundaryGap: false,
      axisLine: { lineStyle: { color: '#cdd2da' } },
      axisLabel: { color: '#5b6270', hideOverlap: true },
    },
    yAxis: {
      type: 'value',
      min: 0,
      max: 1,
      interval: 0.25,
      axisLabel: { color: '#5b6270', formatter: (v: number) => formatPercent(v) },
      splitLine: { lineStyle: { color: '#eef0f3' } },
    },
    series: [
      {
        id: 'low',
        type: 'line',
        data: low,
        stack: 'band',
        symbol: 'none',
        lineStyle: { opacity: 0 },
        silent: true,
      },
      {
        id: 'band',
        type: 'line',
        data: span,
        stack: 'band',
        symbol: 'none',
        lineStyle: { opacity: 0 },
        areaStyle: { color, opacity: 0.14 },
        silent: true,
      },
      {
        id: 'rate',
        name: 'Mention rate',
        type: 'line',
        data: rate,
        symbol: 'circle',
        symbolSize: emphasis ? 7 : 5,
        lineStyle: { width: emphasis ? 3 : 2, color },
        itemStyle: { color },
        connectNulls: false,
      },
    ],
  };
}
