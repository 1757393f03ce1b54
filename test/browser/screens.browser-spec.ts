// Overview, Competitors, Sources and Alerts show the figures the JSON API gives for the same filters (read off
// the tables' data-value cells, the tiles and the charts' SVG, never a screenshot), and a table downloads as
// CSV with the API's rows.
import { readFile } from 'node:fs/promises';
import type {
  AlertRulesControllerAlertsResponse as Alerts,
  ReportsControllerCitationsResponse as Citations,
  ReportsControllerHeadToHeadResponse as HeadToHead,
  ReportsControllerMentionsResponse as Mentions,
  ReportsControllerTrendResponse as Trend,
} from '../../clients/typescript/types.gen';
import { collectPageErrors } from './support/browser';
import { startBrowserHarness, type BrowserHarness } from './support/harness';
import { allValues, chartShapes, columnValues, figures, last30Days, rowCount } from './support/screens';
import { waitForChartsDrawn } from './support/signals';

let h: BrowserHarness;
const range = last30Days();
const screen = (name: string): string => `${h.baseUrl}/p/${h.fx.projectId}/${name}?${range.search}`;
const report = <T>(name: string, extra = ''): Promise<T> =>
  h.api<T>(`/v1/reports/${name}?projectId=${h.fx.projectId}&${range.api}${extra}`);

beforeAll(async () => {
  h = await startBrowserHarness('bscreens');
});

afterAll(async () => {
  await h?.stop();
});

describe('report screens', () => {
  it('Overview: tiles, leaderboard and trend match the mentions and trend reports', async () => {
    const mentions = await report<Mentions>('mentions');
    const trend = await report<Trend>('trend', '&bucket=day');
    const section = mentions.measured;
    expect(section.successfulRuns).toBe(h.fx.runIds.length);
    const own = section.brands.find((b) => b.kind === 'own')!;

    const { page } = await h.signedIn();
    const errors = collectPageErrors(page);
    await page.goto(screen('overview'));
    await waitForChartsDrawn(page);
    const tile = async (id: string): Promise<number> =>
      Number(await page.getByTestId(`tile-${id}`).getAttribute('data-value'));
    expect(await tile('mention-rate')).toBeCloseTo(own.mentionRate.rate!, 6);
    expect(await tile('stream-score')).toBeCloseTo(own.meanStreamScore!, 6);
    expect(await tile('share-of-voice')).toBeCloseTo(own.shareOfVoice!, 6);
    expect(await tile('above-fold-rate')).toBeCloseTo(own.aboveFoldRate.rate!, 6);
    expect(await tile('time-to-first-mention')).toBeCloseTo(own.timeToFirstMentionMs.p50!, 3);

    expect(await rowCount(page, 'leaderboard')).toBe(section.brands.length);
    expect(figures(await columnValues(page, 'leaderboard', 'mentionRate'))).toEqual(
      figures(section.brands.map((b) => b.mentionRate.rate)),
    );
    expect(figures(await columnValues(page, 'leaderboard', 'n'))).toEqual(
      figures(section.brands.map((b) => b.n)),
    );
    expect(figures(await columnValues(page, 'leaderboard', 'svs'))).toEqual(
      figures(section.brands.map((b) => b.meanStreamScore)),
    );

    // One trend row per (bucket, brand), and a drawn chart.
    expect(await rowCount(page, 'trend-table')).toBe(trend.measured.length);
    expect(figures(await columnValues(page, 'trend-table', 'n'))).toEqual(
      figures(trend.measured.map((r) => r.n)),
    );
    const charts = page.locator('main .chart');
    expect(await charts.count()).toBeGreaterThan(0);
    const testId = await charts.first().getAttribute('data-testid');
    expect(await chartShapes(page, testId!)).toBeGreaterThan(0);
    expect(errors).toEqual([]);
  });

  it('Overview: the leaderboard downloads as CSV with one row per brand', async () => {
    const mentions = await report<Mentions>('mentions');
    const { page } = await h.signedIn();
    await page.goto(screen('overview'));
    await page.getByTestId('leaderboard').waitFor();
    const button = page.getByRole('button', { name: /download csv.*leaderboard/i });
    const [download] = await Promise.all([page.waitForEvent('download'), button.click()]);
    const csv = await readFile(await download.path(), 'utf8');
    const lines = csv.trim().split(/\r?\n/);
    expect(lines[0]).toMatch(/brand/i);
    expect(lines.length - 1).toBe(mentions.measured.brands.length);
    for (const b of mentions.measured.brands) expect(csv).toContain(b.name!);
  });

  it('Competitors: head-to-head, arrival and position bands match the reports', async () => {
    const mentions = await report<Mentions>('mentions');
    const h2h = await report<HeadToHead>('head-to-head');
    const arrival = await report<{ measured: { brands: { n: number; mentionedRuns: number }[] } }>('arrival');
    const { page } = await h.signedIn();
    const errors = collectPageErrors(page);
    await page.goto(screen('competitors'));
    await waitForChartsDrawn(page);

    expect(await rowCount(page, 'head-to-head')).toBe(mentions.measured.brands.length);
    expect(figures(await allValues(page, 'head-to-head'))).toEqual(
      figures(h2h.measured.map((p) => p.aFirstRate.rate)),
    );
    expect(figures(await columnValues(page, 'arrival-table', 'n'))).toEqual(
      figures(arrival.measured.brands.map((b) => b.n)),
    );
    expect(figures(await columnValues(page, 'position-bands', 'n'))).toEqual(
      figures(mentions.measured.brands.map((b) => b.mentionedRuns)),
    );
    expect(await chartShapes(page, 'arrival-chart')).toBeGreaterThan(0);
    expect(await chartShapes(page, 'position-bands-chart')).toBeGreaterThan(0);
    expect(errors).toEqual([]);
  });

  it('Sources: cited domains and per-brand citation rates match the citations report', async () => {
    const citations = await report<Citations>('citations');
    const section = citations.measured;
    expect(section.domains.length).toBeGreaterThan(0);
    const { page } = await h.signedIn();
    await page.goto(screen('sources'));
    await page.getByTestId('cited-domains').waitFor();
    expect(await rowCount(page, 'cited-domains')).toBe(section.domains.length);
    expect(figures(await columnValues(page, 'cited-domains', 'runs'))).toEqual(
      figures(section.domains.map((d) => d.citingRuns)),
    );
    expect(figures(await columnValues(page, 'cited-domains', 'count'))).toEqual(
      figures(section.domains.map((d) => d.citationCount)),
    );
    const shownDomains = await page
      .getByTestId('cited-domains')
      .locator('tbody [data-col="domain"]')
      .allTextContents();
    for (const d of section.domains) expect(shownDomains.join(' ')).toContain(d.domain);
    expect(figures(await columnValues(page, 'brand-citations', 'own'))).toEqual(
      figures(section.brands.map((b) => b.ownDomainCitationRate.rate)),
    );
  });

  it('Alerts: the alert log lists the alerts of the API', async () => {
    const alerts = await h.api<Alerts>(`/v1/projects/${h.fx.projectId}/alerts?limit=50`);
    expect(alerts.data.length).toBeGreaterThan(0);
    const { page } = await h.signedIn();
    await page.goto(`${h.baseUrl}/p/${h.fx.projectId}/alerts`);
    await page.getByTestId('alerts').waitFor();
    expect(await rowCount(page, 'alerts')).toBe(alerts.data.length);
    const text = await page.getByTestId('alerts').textContent();
    for (const a of alerts.data) expect(text).toContain(a.ruleName);
  });
});
