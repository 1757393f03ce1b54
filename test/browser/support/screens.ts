// Reading figures off the screens: tables' `data-value` cells (DataTable), tiles, chart SVGs; and the report
// filters a screen URL and the API query share.
import { type Page } from 'playwright-core';

const DAY_MS = 86_400_000;
const day = (t: number): string => new Date(t).toISOString().slice(0, 10);

/** A custom 30-day range ending today (UTC): the screen's search and the API query it resolves to. */
export function last30Days(now = Date.now()): { search: string; api: string } {
  const today = Math.floor(now / DAY_MS) * DAY_MS;
  const from = today - 29 * DAY_MS;
  return {
    search: `from=${day(from)}&to=${day(today)}`,
    api: `from=${new Date(from).toISOString()}&to=${new Date(today + DAY_MS).toISOString()}`,
  };
}

/** The `data-value`s of one column (`data-col`) of a table, row by row (null where the cell has none). */
export function columnValues(page: Page, testId: string, col: string): Promise<(number | null)[]> {
  return page
    .getByTestId(testId)
    .locator('tbody tr')
    .evaluateAll(
      (trs, c) =>
        trs.map((tr) => {
          const v = tr.querySelector<HTMLElement>(`[data-col="${c}"]`)?.dataset.value;
          return v === undefined ? null : Number(v);
        }),
      col,
    );
}

/** Every `data-value` in a table (any column), as numbers. */
export function allValues(page: Page, testId: string): Promise<number[]> {
  return page
    .getByTestId(testId)
    .locator('tbody td[data-value]')
    .evaluateAll((tds) => tds.map((td) => Number((td as HTMLElement).dataset.value)));
}

export function rowCount(page: Page, testId: string): Promise<number> {
  return page.getByTestId(testId).locator('tbody tr').count();
}

/** Sorted, rounded to 6 decimals (the API's precision), nulls dropped: compares figures regardless of order. */
export function figures(values: readonly (number | null | undefined)[]): number[] {
  return values
    .filter((v): v is number => typeof v === 'number' && Number.isFinite(v))
    .map((v) => Math.round(v * 1e6) / 1e6)
    .sort((a, b) => a - b);
}

/** How many shapes a chart container's SVG holds (0 when it has no SVG yet). */
export function chartShapes(page: Page, testId: string): Promise<number> {
  return page
    .getByTestId(testId)
    .evaluate((el) => el.querySelectorAll('svg path, svg rect, svg polyline').length);
}
