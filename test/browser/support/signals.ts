// In-page signals shared by the browser tests, bench:web and the screenshot script. The functions below run
// in the page (page.waitForFunction / addInitScript): they must stay self-contained.
import { type Page } from 'playwright-core';

/**
 * True once every chart of the screen is drawn and nothing is loading: the app's own signal when it gives one
 * (`body[data-charts-ready]`, or `data-ready` on each chart container), else every `.chart` holds an SVG with
 * shapes, no `.chart-loading` and no loading indicator are left. Throws when the screen shows an error.
 */
export function chartsDrawn(): boolean {
  const body = document.body;
  if (body.dataset.chartsReady !== undefined) return body.dataset.chartsReady === 'true';
  const main = document.querySelector('main');
  if (!main) return false;
  const error = main.querySelector('.state-error');
  if (error) throw new Error(`the screen shows an error: ${error.textContent ?? ''}`);
  if (main.querySelector('.state-loading, .chart-loading, [aria-busy="true"]')) return false;
  const charts = Array.from(main.querySelectorAll<HTMLElement>('.chart'));
  if (charts.length === 0) return false;
  return charts.every((c) =>
    c.dataset.ready !== undefined
      ? c.dataset.ready === 'true'
      : c.querySelector('svg path, svg rect, svg polyline') !== null,
  );
}

/**
 * Init script: records `window.__srChartsDrawnAt` (performance.now(), i.e. ms since navigation start) at the
 * first animation frame where `chartsDrawn()` holds, and how many charts there were.
 */
export const CHARTS_DRAWN_INIT_SCRIPT = `(() => {
  const drawn = ${chartsDrawn.toString()};
  window.__srChartsDrawnAt = null;
  window.__srChartsError = null;
  const check = () => {
    try {
      if (drawn()) {
        window.__srChartsDrawnAt = performance.now();
        window.__srCharts = document.querySelectorAll('main .chart').length;
        return;
      }
    } catch (e) {
      window.__srChartsError = String(e && e.message || e);
      return;
    }
    requestAnimationFrame(check);
  };
  requestAnimationFrame(check);
})();`;

/** Waits until every chart is drawn (or the screen shows an error, which throws). */
export async function waitForChartsDrawn(page: Page, timeoutMs = 60_000): Promise<void> {
  await page.waitForFunction(chartsDrawn, undefined, { timeout: timeoutMs, polling: 100 });
}

/** The replay's test hook state (`window.__streamrankReplay.state`, typed in dom-lib.d.ts). */
export type ReplayState = StreamrankReplayHook['state'];

/** A copy of the replay's state, or null while there is no replay on the page. */
export function replayState(page: Page): Promise<ReplayState | null> {
  return page.evaluate(() => {
    const hook = window.__streamrankReplay;
    return hook ? { ...hook.state } : null;
  });
}
