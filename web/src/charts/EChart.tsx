import type { EChartsCoreOption, EChartsType } from 'echarts/core';
import { useEffect, useRef, useState } from 'react';

type Setup = typeof import('./echarts-setup');
let setupPromise: Promise<Setup> | null = null;
/** Starts loading the chart code (its own chunk); main.tsx calls it at once on a page that draws charts. */
export function loadEcharts(): Promise<Setup> {
  setupPromise ??= import('./echarts-setup');
  return setupPromise;
}

export interface ChartClick {
  seriesId?: string;
  seriesName?: string;
  dataIndex: number;
  name: string;
}

interface Props {
  option: EChartsCoreOption;
  /** a one-sentence summary for screen readers; the figures are in the table next to the chart */
  label: string;
  height?: number;
  onClick?: (e: ChartClick) => void;
  testId?: string;
}

/** An ECharts chart (SVG renderer, loaded lazily). Resizes with its container. */
export function EChart({ option, label, height, onClick, testId }: Props) {
  const el = useRef<HTMLDivElement>(null);
  const chart = useRef<EChartsType | null>(null);
  const clickRef = useRef(onClick);
  clickRef.current = onClick;
  const [ready, setReady] = useState(false);
  const [failed, setFailed] = useState(false);

  useEffect(() => {
    let disposed = false;
    let observer: ResizeObserver | null = null;
    loadEcharts()
      .then(({ echarts }) => {
        if (disposed || !el.current) return;
        const c = echarts.init(el.current, null, { renderer: 'svg' });
        chart.current = c;
        c.on('click', (p) => {
          const params = p as { seriesId?: string; seriesName?: string; dataIndex: number; name: string };
          clickRef.current?.({
            seriesId: params.seriesId,
            seriesName: params.seriesName,
            dataIndex: params.dataIndex,
            name: params.name,
          });
        });
        observer = new ResizeObserver(() => c.resize());
        observer.observe(el.current);
        setReady(true);
      })
      .catch(() => setFailed(true));
    return () => {
      disposed = true;
      observer?.disconnect();
      chart.current?.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    // No entry animation: figures appear as soon as they are drawn (ECharts animates ~1 s by default).
    if (ready) {
      chart.current?.setOption({ animation: false, ...option }, { notMerge: true, lazyUpdate: true });
    }
  }, [ready, option]);

  return (
    <div
      ref={el}
      className={`chart ${ready ? '' : 'chart-loading'}`}
      style={height ? { height } : undefined}
      role="img"
      aria-label={label}
      data-testid={testId}
    >
      {!ready && (
        <span className="muted">{failed ? 'The chart could not be loaded.' : 'Drawing chart…'}</span>
      )}
    </div>
  );
}
