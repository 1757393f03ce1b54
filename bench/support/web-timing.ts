// Where a bench:web navigation spends its time: milestones read from the page's Resource and Navigation Timing
// (ms since navigation start), so a slow "every chart drawn" can be traced to the HTML, the entry script, the
// session check, the report requests, the lazily loaded chart library or the drawing itself.
import { type Page } from 'playwright-core';
import { percentile } from '../../src/scoring/statistics';

export type Milestones = Record<string, number>;

/** Milestones of the page's current document (call once the charts are drawn). */
export function milestones(page: Page): Promise<Milestones> {
  return page.evaluate(() => {
    const out: Record<string, number> = {};
    const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined;
    if (nav) {
      out.htmlEnd = nav.responseEnd;
      out.domContentLoaded = nav.domContentLoadedEventEnd;
    }
    const resources = performance.getEntriesByType('resource') as PerformanceResourceTiming[];
    const last = (re: RegExp, field: 'responseEnd' | 'startTime' = 'responseEnd'): number | undefined => {
      const xs = resources.filter((r) => re.test(new URL(r.name).pathname)).map((r) => r[field]);
      return xs.length ? (field === 'startTime' ? Math.min(...xs) : Math.max(...xs)) : undefined;
    };
    const put = (k: string, v: number | undefined): void => {
      if (v !== undefined) out[k] = v;
    };
    put('entryJsEnd', last(/^\/assets\/index-[^/]+\.js$/));
    put('sessionEnd', last(/^\/v1\/sessions\/current$/));
    put('reportsStart', last(/^\/v1\/reports\//, 'startTime'));
    put('reportsEnd', last(/^\/v1\/reports\//));
    put('apiEnd', last(/^\/v1\//));
    put('chartLibEnd', last(/^\/assets\/echarts[^/]*\.js$/));
    for (const r of resources) {
      const p = new URL(r.name).pathname;
      if (p.startsWith('/v1/reports/')) out[`server ${p.slice(12)}`] = r.responseEnd - r.requestStart;
    }
    const drawn = (window as unknown as { __srChartsDrawnAt: number | null }).__srChartsDrawnAt;
    if (drawn !== null) out.chartsDrawn = drawn;
    return out;
  });
}

/** Median of each milestone over several navigations, rounded to 1 ms. */
export function medianMilestones(all: Milestones[]): Milestones {
  const keys = [...new Set(all.flatMap((m) => Object.keys(m)))];
  const out: Milestones = {};
  for (const k of keys) {
    const xs = all.map((m) => m[k]).filter((v): v is number => v !== undefined);
    out[k] = Math.round(percentile(xs, 0.5)!);
  }
  return out;
}
