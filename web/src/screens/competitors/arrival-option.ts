import type { EChartsCoreOption } from 'echarts/core';
import type { ArrivalBrand } from '../../api/arrival';
import { formatPercent } from '../../ui';
import { colorOf, type BrandInfo } from '../shared/brand-colors';

/** Ends the x axis a little after the last change of any curve (the grid runs to 30 s). */
function plateauSeconds(brands: ArrivalBrand[]): number {
  let last = 0;
  for (const b of brands) {
    b.byTime.forEach((p, i) => {
      const prev = b.byTime[i - 1];
      if (prev && p.share !== prev.share) last = Math.max(last, p.tMs);
    });
  }
  const grid = Math.max(...brands.flatMap((b) => b.byTime.map((p) => p.tMs)), 1000);
  return Math.min(grid, Math.max(5000, Math.ceil((last + 2000) / 1000) * 1000)) / 1000;
}

/** One line per brand: share of answers in which it had reached the reader by t seconds. */
export function arrivalOption(brands: ArrivalBrand[], colors: Map<string, BrandInfo>): EChartsCoreOption {
  return {
    animation: false,
    grid: { left: 48, right: 20, top: 36, bottom: 40 },
    legend: {
      type: 'scroll',
      top: 0,
      left: 0,
      itemWidth: 14,
      itemHeight: 8,
      textStyle: { color: '#5b6270' },
    },
    tooltip: {
      trigger: 'axis',
      valueFormatter: (v: number | null) => formatPercent(v),
      axisPointer: { type: 'line' },
    },
    xAxis: {
      type: 'value',
      min: 0,
      max: plateauSeconds(brands),
      name: 'seconds after the first token',
      nameLocation: 'middle',
      nameGap: 26,
      nameTextStyle: { color: '#5b6270' },
      axisLabel: { formatter: (v: number) => `${v} s`, color: '#5b6270' },
      splitLine: { show: false },
    },
    yAxis: {
      type: 'value',
      min: 0,
      max: 1,
      interval: 0.25,
      axisLabel: { formatter: (v: number) => formatPercent(v), color: '#5b6270' },
      splitLine: { lineStyle: { color: '#eef0f3' } },
    },
    series: brands.map((b) => {
      const own = b.kind === 'own';
      const color = colorOf(colors, b.brandId);
      return {
        id: b.brandId,
        name: b.name ?? 'Deleted brand',
        type: 'line',
        step: 'end',
        symbol: 'none',
        z: own ? 3 : 2,
        lineStyle: { width: own ? 3.5 : 1.8, color },
        itemStyle: { color },
        emphasis: { focus: 'series' },
        data: b.byTime.map((p) => [p.tMs / 1000, p.share]),
      };
    }),
  };
}
