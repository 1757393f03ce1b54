// The Runs ledger and the run page: rows and CSV against GET /v1/runs, the run page's figures against
// GET /v1/runs/:id, the stream replay's timing (no mention lit before visibleAtMs / speed, at 8x and 1x), and
// another workspace's run URL.
import { readFile } from 'node:fs/promises';
import { type RunDetail } from '../support/pipeline';
import { collectPageErrors } from './support/browser';
import { startBrowserHarness, type BrowserHarness } from './support/harness';
import { playFromStart, waitForReplay } from './support/replay';

let h: BrowserHarness;

beforeAll(async () => {
  h = await startBrowserHarness('bruns');
});

afterAll(async () => {
  await h?.stop();
});

interface RunsPage {
  data: {
    id: string;
    status: string;
    engineId: string;
    synthetic: boolean;
    ttftMs: number | null;
    mentionedBrandIds: string[];
  }[];
  nextCursor: string | null;
}

describe('runs ledger', () => {
  it('lists the runs GET /v1/runs gives (order, status, TTFT, own brand named) and downloads them as CSV', async () => {
    const api = await h.api<RunsPage>(`/v1/runs?projectId=${h.fx.projectId}&limit=25`);
    expect(api.data.length).toBe(h.fx.runIds.length);
    const { page } = await h.signedIn();
    const errors = collectPageErrors(page);
    await page.goto(`${h.baseUrl}/p/${h.fx.projectId}/runs`);
    const table = page.getByTestId('runs-table');
    await table.waitFor();
    const rows = await table.locator('tbody tr').evaluateAll((trs) =>
      trs.map((tr) => {
        const value = (col: string): string | null =>
          tr.querySelector<HTMLElement>(`[data-col="${col}"]`)?.dataset.value ?? null;
        return { id: value('started'), status: value('status'), ttft: value('ttft'), own: value('own') };
      }),
    );
    const own = h.fx.brands['Northwind CRM']!;
    expect(rows).toEqual(
      api.data.map((r) => ({
        id: r.id,
        status: r.status,
        ttft: r.ttftMs === null ? null : String(r.ttftMs),
        own: String(r.mentionedBrandIds.includes(own)),
      })),
    );

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page
        .getByRole('button', { name: /download csv/i })
        .first()
        .click(),
    ]);
    const csv = await readFile(await download.path(), 'utf8');
    const lines = csv.trim().split(/\r?\n/);
    expect(lines[0]).toMatch(/^Started,Status,Engine,Prompt,/);
    expect(lines.length - 1).toBe(api.data.length);
    for (const r of api.data) expect(csv).toContain(r.id);
    expect(errors).toEqual([]);
  });

  it('a row opens the run page', async () => {
    const { page } = await h.signedIn();
    await page.goto(`${h.baseUrl}/p/${h.fx.projectId}/runs`);
    await page.getByTestId('runs-table').locator('tbody tr a').first().click();
    await page.waitForURL(/\/runs\/[0-9a-f-]{36}$/);
    await page.getByTestId('run-page').waitFor();
  });
});

describe('run page', () => {
  it('shows the figures of GET /v1/runs/:id and a mark per mention at its visibleAtMs', async () => {
    const runId = h.fx.runIds[0]!;
    const run = await h.api<RunDetail>(`/v1/runs/${runId}`);
    const { page } = await h.signedIn();
    await page.goto(`${h.baseUrl}/p/${h.fx.projectId}/runs/${runId}`);
    await page.getByTestId('run-page').waitFor();
    expect(await page.getByTestId('run-page').getAttribute('data-run-status')).toBe('succeeded');
    await waitForReplay(page);
    // Skip to the end: every mark exists, with the API's brand and visibleAtMs.
    await page.evaluate(() => window.__streamrankReplay!.clock!.seek(1e12));
    await page.waitForFunction(() => window.__streamrankReplay!.state.ended);
    const marks = await page
      .locator('[data-testid="replay-text"] [data-mention-brand]')
      .evaluateAll((els) =>
        els.map((el) => [
          (el as HTMLElement).dataset.mentionBrand,
          Number((el as HTMLElement).dataset.visibleAtMs),
        ]),
      );
    const expected = [...run.mentions]
      .sort((a, b) => a.charStart - b.charStart)
      .map((m) => [m.brandId, m.visibleAtMs]);
    expect(marks.length).toBe(expected.length);
    marks.forEach(([brand, at], i) => {
      expect(brand).toBe(expected[i]![0]);
      expect(at).toBeCloseTo(expected[i]![1] as number, 2);
    });
    const shown = await page.getByTestId('replay-text').evaluate((root) => {
      const copy = root.cloneNode(true) as HTMLElement;
      copy.querySelectorAll('.rn-fold').forEach((el) => el.remove());
      return copy.textContent;
    });
    expect(shown).toBe(run.result!.answerText);

    // The brand table: one row per scored brand, mentioned ones in arrival order.
    const scored = await page
      .getByTestId('run-scores')
      .locator('tbody tr')
      .evaluateAll((trs) => trs.map((tr) => (tr as HTMLElement).dataset.brand));
    const order = [...run.scores]
      .sort((a, b) => (a.order ?? Infinity) - (b.order ?? Infinity))
      .map((s) => s.brandId);
    expect(scored).toEqual(order);
    const ttft = await page.getByTestId('run-ttft').textContent();
    expect(ttft).toMatch(/\d/);
  });

  it.each([8, 1] as const)(
    'at %dx, no mention lights before visibleAtMs / speed (and every one lights)',
    async (speed) => {
      const runId = h.fx.runIds[0]!;
      const run = await h.api<RunDetail>(`/v1/runs/${runId}`);
      const { page } = await h.signedIn();
      await page.goto(`${h.baseUrl}/p/${h.fx.projectId}/runs/${runId}`);
      await waitForReplay(page);
      const lit = await playFromStart(page, speed);
      expect(lit.length).toBe(run.mentions.length);
      for (const m of lit) {
        expect(m.seenLitAtWallMs).not.toBeNull();
        // The lower bound only: a busy machine may light late, never early.
        expect(m.seenLitAtWallMs!).toBeGreaterThanOrEqual(m.visibleAtMs / speed);
        expect(m.litBy).toBe('play');
        expect(m.appLitAtWallMs!).toBeGreaterThanOrEqual(m.visibleAtMs / speed);
      }
      // Not vacuous: the latest mention reached the reader a good while after the request.
      expect(Math.max(...lit.map((m) => m.visibleAtMs))).toBeGreaterThan(500);
    },
  );

  it("another workspace's run is a not-found page", async () => {
    const { page } = await h.signedIn();
    await page.goto(`${h.baseUrl}/p/${h.fx.projectId}/runs/${h.foreign.runId}`);
    await page.getByTestId('run-not-found').waitFor();
    expect(await page.getByRole('heading', { level: 2 }).first().textContent()).toMatch(/not found/i);

    await page.goto(`${h.baseUrl}/p/${h.foreign.projectId}/runs/${h.foreign.runId}`);
    await page.getByRole('heading', { name: /not found/i }).waitFor();
    expect(await page.content()).not.toContain('Other question?');
  });
});
