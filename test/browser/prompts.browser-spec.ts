// The Prompts tab and the prompt editor against the real service: the prompt x engine table against the
// reports' breakdowns (each cell linking to its runs), a prompt created entirely through the UI (a server
// validation error shown next to its fields with the typed content kept, the schedule in words with the
// server's next firings), run now (the Idempotency-Key reused on retry) and the run arriving on its page,
// pause and resume, delete with a confirmation saying what is lost, a read key seeing no prompt form, and a
// forged write (no CSRF token) refused. PROMPTS_SCREENSHOTS=<dir> also writes the screens' pictures there.
import path from 'node:path';
import { type Page } from 'playwright-core';
import type {
  PromptsControllerGetResponse as Prompt,
  ReportsControllerHeadToHeadResponse as HeadToHead,
  ReportsControllerMentionsResponse as Mentions,
  RunsControllerListResponse as Runs,
  SchedulePreviewControllerPreviewResponse as Preview,
} from '../../clients/typescript/types.gen';
import { waitForRun } from '../support/pipeline';
import {
  collectPageErrors,
  horizontalOverflow,
  overflowingElements,
  seriousAxeViolations,
} from './support/browser';
import { ANSWERS, gptScript, OWN_BRAND } from './support/fixture';
import { startBrowserHarness, type BrowserHarness } from './support/harness';
import { columnValues, last30Days, rowCount } from './support/screens';

let h: BrowserHarness;
const SHOTS = process.env.PROMPTS_SCREENSHOTS;
const range = last30Days();

const shot = async (page: Page, name: string): Promise<void> => {
  if (SHOTS) await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
};
const promptsUrl = (rest = ''): string => `${h.baseUrl}/p/${h.fx.projectId}/prompts${rest}`;

beforeAll(async () => {
  h = await startBrowserHarness('bprompts');
});

afterAll(async () => {
  await h?.stop();
});

describe('Prompts table', () => {
  it("shows each prompt x engine's own mention rate, stream score and leading competitor, linking to the runs", async () => {
    const q = `projectId=${h.fx.projectId}&${range.api}&groupBy=prompt,engine`;
    const mentions = await h.api<Mentions>(`/v1/reports/mentions?${q}`);
    const h2h = await h.api<HeadToHead>(`/v1/reports/head-to-head?${q}`);
    const own = h.fx.brands[OWN_BRAND]!;
    // Rows in the prompt's engine order.
    const engines = (await h.api<Prompt>(`/v1/prompts/${h.fx.promptId}`)).engineIds;
    expect([...engines].sort()).toEqual([h.fx.engines.gpt, h.fx.engines.sonar].sort());
    const groupOf = (engineId: string) =>
      mentions.groups!.measured.find((g) => g.key.promptId === h.fx.promptId && g.key.engineId === engineId)!;
    const ownRow = (engineId: string) => groupOf(engineId).brands.find((b) => b.brandId === own)!;

    const { page } = await h.signedIn();
    const errors = collectPageErrors(page);
    await page.goto(promptsUrl(`?${range.search}`));
    const table = page.getByTestId('prompts-table');
    await table.waitFor();
    await page.locator('[data-testid="prompts-table"] td[data-col="rival"] strong').first().waitFor();
    expect(await page.getByRole('link', { name: 'Prompts', exact: true }).getAttribute('aria-current')).toBe(
      'page',
    );
    expect(await rowCount(page, 'prompts-table')).toBe(2);
    expect(
      await table
        .locator('td[data-col="engine"]')
        .evaluateAll((tds) => tds.map((td) => (td as HTMLElement).dataset.value)),
    ).toEqual(engines);
    expect(await columnValues(page, 'prompts-table', 'rate')).toEqual(
      engines.map((e) => ownRow(e).mentionRate.rate),
    );
    expect(await columnValues(page, 'prompts-table', 'stream')).toEqual(
      engines.map((e) => ownRow(e).meanStreamScore),
    );
    // The fixture's three answers on each engine: Northwind named in two, each competitor ahead of it in two
    // (named first, or named without it); the tie goes to the first name.
    expect(engines.map((e) => [ownRow(e).mentionedRuns, ownRow(e).n])).toEqual([
      [2, 3],
      [2, 3],
    ]);
    const rivals = await table.locator('td[data-col="rival"]').allTextContents();
    expect(rivals.map((t) => t.replace(/^.*: /, ''))).toEqual(['HubSpot2 of 3 runs', 'HubSpot2 of 3 runs']);
    // The same figure from the head-to-head groups: HubSpot as brand A against the own brand as brand B.
    for (const e of engines) {
      const g = h2h.groups!.measured.find((x) => x.key.promptId === h.fx.promptId && x.key.engineId === e)!;
      const p = g.pairs.find((x) => x.brandA.id === h.fx.brands.HubSpot && x.brandB.id === own)!;
      expect(p.onlyA + Math.round(p.aFirstRate.rate! * p.aFirstRate.n)).toBe(2);
    }
    const sonarRow = engines.indexOf(h.fx.engines.sonar);
    const rate = table.locator('tbody tr').nth(sonarRow).locator('td[data-col="rate"]');
    expect(await rate.textContent()).toContain(`n = ${ownRow(h.fx.engines.sonar).n}`);
    await shot(page, 'prompts');
    expect(await seriousAxeViolations(page)).toEqual([]);

    // A cell opens the runs of its prompt and engine.
    await rate.getByRole('link').click();
    await page.waitForURL(/\/runs\?/);
    const url = new URL(page.url());
    expect(url.searchParams.get('promptId')).toBe(h.fx.promptId);
    expect(url.searchParams.get('engineId')).toBe(h.fx.engines.sonar);
    await page.getByTestId('runs-table').waitFor();
    expect(await rowCount(page, 'runs-table')).toBe(h.fx.runIds.length / 2);
    expect(errors).toEqual([]);
  });
});

describe('prompt editor', () => {
  it('creates a prompt through the UI, keeping what was typed on a 400, and runs it now', async () => {
    const { page } = await h.signedIn();
    const errors = collectPageErrors(page);
    await page.goto(promptsUrl());
    await page.getByRole('link', { name: 'New prompt' }).click();
    await page.getByLabel('Prompt text').fill('Which CRM integrates best with Slack?');
    await page.getByLabel('Tags').fill('crm, slack');
    await page.getByLabel('Samples per slot').fill('0');
    // No engine checked, zero samples: the API refuses both, by name.
    const refused = page.waitForResponse(
      (r) => r.url().endsWith(`/projects/${h.fx.projectId}/prompts`) && r.request().method() === 'POST',
    );
    await page.getByRole('button', { name: 'Create prompt' }).click();
    expect((await refused).status()).toBe(400);
    await page.locator('.field-error[data-field="engineIds"]').waitFor();
    await page.locator('.field-error[data-field="samplesPerSlot"]').waitFor();
    expect(await page.getByLabel('Prompt text').inputValue()).toBe('Which CRM integrates best with Slack?');
    expect(await page.getByLabel('Tags').inputValue()).toBe('crm, slack');
    const samples = page.getByLabel('Samples per slot');
    expect(await samples.inputValue()).toBe('0');
    expect(await samples.getAttribute('aria-invalid')).toBe('true');
    const prompts = await h.api<{ data: Prompt[] }>(`/v1/projects/${h.fx.projectId}/prompts`);
    expect(prompts.data.map((p) => p.text)).not.toContain('Which CRM integrates best with Slack?');
    await shot(page, 'prompt-validation');

    // The schedule: a preset, a timezone; a bad timezone is named by the preview, next to the field.
    await page.getByRole('button', { name: 'Weekdays at 09:00' }).click();
    const timezone = page.getByLabel('Timezone');
    await timezone.fill('Europe/Nowhere');
    await page.locator('.field-error[data-field="timezone"]').waitFor();
    await timezone.fill('Europe/Berlin');
    const words = page.getByTestId('schedule-words');
    await page.waitForFunction(
      () =>
        document.querySelector('[data-testid="schedule-words"]')?.textContent ===
        'At 09:00, Monday through Friday (Europe/Berlin)',
    );
    expect(await words.textContent()).toBe('At 09:00, Monday through Friday (Europe/Berlin)');
    const shown = await page
      .getByTestId('schedule-firings')
      .locator('li')
      .evaluateAll((lis) => lis.map((li) => (li as HTMLElement).dataset.at));
    const server = await h.api<Preview>(
      `/v1/schedules/preview?cron=${encodeURIComponent('0 9 * * 1-5')}&timezone=Europe%2FBerlin`,
    );
    expect(shown).toHaveLength(5);
    // Computed a moment earlier: the same firings unless one passed in between.
    expect(shown).toEqual(server.firings.map((f) => f.at));

    await page.getByLabel(/Fake GPT \(CRM tools\)/).check();
    await samples.fill('1');
    await page.getByRole('button', { name: 'Create prompt' }).click();
    await page.waitForURL(/\/prompts\/[0-9a-f-]{36}$/);
    const promptId = page.url().split('/').pop()!;
    const saved = await h.api<Prompt>(`/v1/prompts/${promptId}`);
    expect(saved).toMatchObject({
      text: 'Which CRM integrates best with Slack?',
      tags: ['crm', 'slack'],
      engineIds: [h.fx.engines.gpt],
      samplesPerSlot: 1,
      cron: '0 9 * * 1-5',
      timezone: 'Europe/Berlin',
      active: true,
    });
    expect(shown).toContain(saved.nextSlotAt);

    // Run now; the first answer is lost on the way back, "Try again" sends the same Idempotency-Key.
    h.fx.gptFake.enqueue(gptScript(ANSWERS[0]!, 40));
    const keys: string[] = [];
    let first = true;
    await page.route('**/v1/prompts/*/run', async (route) => {
      keys.push(route.request().headers()['idempotency-key'] ?? '');
      if (!first) return route.continue();
      first = false;
      await route.fetch();
      await route.abort('failed');
    });
    await page.getByRole('button', { name: 'Run now' }).click();
    await page.getByRole('button', { name: 'Try again' }).click();
    const result = page.getByTestId('run-now-result');
    await result.waitFor();
    expect(await result.textContent()).toContain('Already started');
    expect(keys).toHaveLength(2);
    expect(keys[0]).toMatch(/^[\w-]{16,}$/);
    expect(keys[1]).toBe(keys[0]);
    const runs = await h.api<Runs>(`/v1/runs?projectId=${h.fx.projectId}&promptId=${promptId}`);
    expect(runs.data).toHaveLength(1);
    const runId = runs.data[0]!.id;
    expect(await result.locator(`a[data-run-id="${runId}"]`).count()).toBe(1);

    // The history lists the run; its link opens the run page, which shows it arriving.
    const history = page.getByTestId('prompt-history');
    await history.waitFor();
    await history.locator(`td[data-value="${runId}"] a`).click();
    await page.waitForURL(new RegExp(`/runs/${runId}$`));
    expect((await waitForRun(h.t, h.ws, runId, 60_000)).status).toBe('succeeded');
    await page.locator('[data-testid="run-page"][data-run-status="succeeded"]').waitFor();
    await page.goBack();
    await page.locator(`[data-testid="prompt-history"] [data-status="succeeded"]`).waitFor();

    // Pause and resume apply at once.
    await page.getByRole('button', { name: 'Pause schedule' }).click();
    await page.getByRole('button', { name: 'Resume schedule' }).waitFor();
    expect((await h.api<Prompt>(`/v1/prompts/${promptId}`)).active).toBe(false);
    expect(await page.getByTestId('prompt-state').textContent()).toMatch(/^Paused/);
    await page.getByRole('button', { name: 'Resume schedule' }).click();
    await page.getByRole('button', { name: 'Pause schedule' }).waitFor();
    expect((await h.api<Prompt>(`/v1/prompts/${promptId}`)).active).toBe(true);
    await shot(page, 'prompt-editor');

    // The failed request Chromium logs: the refused create, the preview of the bad timezone, the aborted run.
    expect(errors.filter((e) => !/status of 400|ERR_FAILED/.test(e))).toEqual([]);
  });

  it('edits keeping the typed text on a 400, and deletes only after a confirmation that says what is lost', async () => {
    const { page } = await h.signedIn();
    await page.goto(promptsUrl(`/${h.fx.promptId}`));
    const text = page.getByLabel('Prompt text');
    await text.waitFor();
    await text.fill('   ');
    await page.getByLabel('Cron').fill('every day');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.locator('.field-error[data-field="text"]').waitFor();
    await page.locator('.field-error[data-field="cron"]').waitFor();
    expect(await page.getByLabel('Cron').inputValue()).toBe('every day');
    expect((await h.api<Prompt>(`/v1/prompts/${h.fx.promptId}`)).cron).toBe('0 0 1 1 *');
    await page.getByRole('button', { name: 'Discard changes' }).click();
    expect(await text.inputValue()).toBe('What are the best CRM tools for a small team?');

    await page.getByRole('button', { name: 'Delete prompt…' }).click();
    const dialog = page.getByTestId('delete-dialog');
    const history = dialog.getByTestId('delete-history');
    await history.waitFor();
    expect(await history.textContent()).toContain(`It has ${h.fx.runIds.length} runs`);
    expect(
      await dialog.getByRole('button', { name: 'Cancel' }).evaluate((el) => el === document.activeElement),
    ).toBe(true);
    await shot(page, 'prompt-delete');
    expect(await seriousAxeViolations(page)).toEqual([]);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'hidden' });
    expect((await h.api<Prompt>(`/v1/prompts/${h.fx.promptId}`)).id).toBe(h.fx.promptId);

    // A second project's prompt is deleted (the fixture's stays for the other tests).
    const other = await h.t
      .http()
      .post(`/v1/projects/${h.fx.projectId}/prompts`)
      .set(h.ws.auth())
      .send({ text: 'To delete', engineIds: [h.fx.engines.gpt], cron: '0 0 1 1 *' });
    await page.goto(promptsUrl(`/${other.body.id}`));
    await page.getByRole('button', { name: 'Delete prompt…' }).click();
    await dialog.getByTestId('delete-history').waitFor();
    expect(await dialog.getByTestId('delete-history').textContent()).toContain('no runs yet');
    await dialog.getByRole('button', { name: 'Delete prompt' }).click();
    await page.waitForURL(/\/prompts$/);
    const res = await fetch(`${h.baseUrl}/v1/prompts/${other.body.id}`, { headers: h.ws.auth() });
    expect(res.status).toBe(404);
  });

  it('refuses a forged write without the CSRF token from an admin page, changing nothing', async () => {
    const { page } = await h.signedIn();
    await page.goto(promptsUrl(`/${h.fx.promptId}`));
    await page.getByLabel('Prompt text').waitFor();
    const before = await h.api<Runs>(`/v1/runs?projectId=${h.fx.projectId}&promptId=${h.fx.promptId}`);
    const statuses = await page.evaluate(async (id) => {
      const send = (method: string, url: string, body: object) =>
        fetch(url, {
          method,
          headers: { 'Content-Type': 'application/json', 'Idempotency-Key': 'forged-1' },
          body: JSON.stringify(body),
        }).then((r) => r.status);
      return [
        await send('POST', `/v1/prompts/${id}/run`, {}),
        await send('PATCH', `/v1/prompts/${id}`, { text: 'Forged' }),
      ];
    }, h.fx.promptId);
    expect(statuses).toEqual([403, 403]);
    const after = await h.api<Runs>(`/v1/runs?projectId=${h.fx.projectId}&promptId=${h.fx.promptId}`);
    expect(after.data.length).toBe(before.data.length);
    expect((await h.api<Prompt>(`/v1/prompts/${h.fx.promptId}`)).text).not.toBe('Forged');
  });

  it('shows a read key the prompts without a single form or write control', async () => {
    const { page } = await h.signedIn({ role: 'read' });
    const errors = collectPageErrors(page);
    await page.goto(promptsUrl(`?${range.search}`));
    await page.getByTestId('prompts-table').waitFor();
    expect(await page.getByRole('link', { name: 'New prompt' }).count()).toBe(0);
    await page.goto(promptsUrl(`/${h.fx.promptId}`));
    await page.getByTestId('read-only-note').waitFor();
    await page.getByTestId('prompt-details').waitFor();
    await page.getByTestId('prompt-history').waitFor();
    expect(await page.locator('form').count()).toBe(0);
    expect(await page.locator('main input, main textarea').count()).toBe(0);
    expect(await page.getByRole('button', { name: /run now|pause|resume|delete|save|create/i }).count()).toBe(
      0,
    );
    await page.goto(promptsUrl('/new'));
    await page.getByTestId('read-only-note').waitFor();
    expect(await page.locator('form').count()).toBe(0);
    expect(errors).toEqual([]);
  });

  it('is accessible and fits 390 px', async () => {
    for (const width of [1280, 390]) {
      const { page } = await h.signedIn({ width, height: 844 });
      await page.goto(promptsUrl(`/${h.fx.promptId}`));
      await page.getByTestId('schedule-words').waitFor();
      await page.getByTestId('prompt-history').waitFor();
      expect(await seriousAxeViolations(page)).toEqual([]);
      expect({ overflow: await horizontalOverflow(page), elements: await overflowingElements(page) }).toEqual(
        { overflow: 0, elements: [] },
      );
    }
  });
});
