// The Brands screen against the real service: a competitor created through the form (a server validation
// error shown next to its field, the typed text kept), the "test this text" box marking what the pipeline's
// matcher counts, excludes and nearly matches (saved brands and an unsaved edit), the offered backfill running
// to done, delete with confirmation (saying what is lost), and a read key seeing no edit control.
// BRANDS_SCREENSHOTS=<dir> also writes the screen's pictures there.
import path from 'node:path';
import { type Page } from 'playwright-core';
import type {
  BackfillsControllerGetResponse as Backfill,
  BrandsControllerListResponse as Brands,
  ReportsControllerMentionsResponse as Mentions,
} from '../../clients/typescript/types.gen';
import {
  collectPageErrors,
  horizontalOverflow,
  overflowingElements,
  seriousAxeViolations,
} from './support/browser';
import { startBrowserHarness, type BrowserHarness } from './support/harness';

let h: BrowserHarness;
const SHOTS = process.env.BRANDS_SCREENSHOTS;
const TEXT = 'Acme Cloud is fast. Skip the Acme anvil though. Acmes are rare.';

const brandsUrl = (query = ''): string => `${h.baseUrl}/p/${h.fx.projectId}/brands${query}`;
const shot = async (page: Page, name: string): Promise<void> => {
  if (SHOTS) await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
};
const listBrands = async (): Promise<Brands['data']> =>
  (await h.api<Brands>(`/v1/projects/${h.fx.projectId}/brands?limit=200`)).data;
/** The marked text of each highlight of a kind (without its screen-reader note). */
const marks = (page: Page, kind: string): Promise<string[]> =>
  page
    .getByTestId('explain-highlight')
    .locator(`mark[data-kind="${kind}"]`)
    .evaluateAll((els) => els.map((el) => el.firstChild?.textContent ?? ''));

async function testText(page: Page, text: string): Promise<void> {
  await page.getByTestId('explain-text').fill(text);
  const answered = page.waitForResponse((r) => r.url().endsWith('/brands/explain'));
  await page.getByRole('button', { name: 'Test', exact: true }).click();
  expect((await answered).status()).toBe(200);
  await page.getByTestId('explain-result').waitFor();
}

beforeAll(async () => {
  h = await startBrowserHarness('bbrands');
});

afterAll(async () => {
  await h?.stop();
});

describe('Brands screen', () => {
  it('creates a competitor (keeping what was typed on a 400), explains text and recomputes history', async () => {
    const { page } = await h.signedIn();
    const errors = collectPageErrors(page);
    await page.goto(brandsUrl());
    await page.getByRole('link', { name: 'Brands', exact: true }).waitFor();
    expect(await page.getByRole('link', { name: 'Brands', exact: true }).getAttribute('aria-current')).toBe(
      'page',
    );
    await page.getByRole('link', { name: 'Add competitor' }).click();
    await page.getByLabel('Name', { exact: true }).fill('Acme');
    await page.getByRole('button', { name: 'Add alias' }).click();
    await page.getByLabel('Alias 1', { exact: true }).fill('Acme Cloud');
    await page.getByRole('button', { name: 'Add exclusion' }).click();
    await page.getByLabel('Exclusion 1', { exact: true }).fill('Acme anvil');
    await page.getByRole('button', { name: 'Add domain' }).click();
    await page.getByLabel('Domain 1', { exact: true }).fill('not a domain!');
    const refused = page.waitForResponse(
      (r) => r.url().endsWith('/brands') && r.request().method() === 'POST',
    );
    await page.getByRole('button', { name: 'Create brand' }).click();
    expect((await refused).status()).toBe(400);

    // The server's message sits next to the domain, which keeps its text and takes the focus.
    const domainError = page.locator('.field-error[data-field="domains.0"]');
    await domainError.waitFor();
    expect(await domainError.textContent()).toMatch(/domain name/);
    const domain = page.getByLabel('Domain 1', { exact: true });
    expect(await domain.inputValue()).toBe('not a domain!');
    expect(await domain.getAttribute('aria-invalid')).toBe('true');
    expect(await domain.evaluate((el) => el === document.activeElement)).toBe(true);
    expect(await page.getByLabel('Name', { exact: true }).inputValue()).toBe('Acme');
    expect(await page.getByLabel('Alias 1', { exact: true }).inputValue()).toBe('Acme Cloud');
    expect((await listBrands()).some((b) => b.name === 'Acme')).toBe(false);
    await shot(page, 'brands-validation');
    expect(await seriousAxeViolations(page)).toEqual([]);

    await domain.fill('acme.example');
    await page.getByRole('button', { name: 'Create brand' }).click();
    // The create queued the history recompute itself: the screen follows that backfill (no second request),
    // polled until it is done.
    const status = page.getByTestId('backfill-status');
    await status.waitFor();
    const backfillId = new URL(page.url()).searchParams.get('backfill');
    expect(backfillId).toMatch(/^[0-9a-f-]{36}$/);
    await page
      .locator('[data-testid="backfill-status"][data-status="succeeded"]')
      .waitFor({ timeout: 120_000 });
    const done = await h.api<Backfill>(`/v1/backfills/${backfillId}`);
    expect(done).toMatchObject({ status: 'succeeded', reason: 'brand.created' });
    expect(done.progress.totalRuns).toBe(h.fx.runIds.length);
    expect(await status.textContent()).toContain(`${done.progress.totalRuns} runs`);
    expect(await status.locator('progress').getAttribute('value')).toBe(String(done.progress.totalRuns));
    const acme = (await listBrands()).find((b) => b.name === 'Acme');
    expect(acme).toMatchObject({
      kind: 'competitor',
      aliases: [{ text: 'Acme Cloud' }],
      exclusions: ['Acme anvil'],
      domains: ['acme.example'],
    });
    expect(new URL(page.url()).searchParams.get('brand')).toBe(acme!.id);

    // The saved brands through the pipeline's matcher.
    await testText(page, TEXT);
    expect(await marks(page, 'mention')).toEqual(['Acme Cloud']);
    expect(await marks(page, 'excluded')).toEqual(['Acme']);
    // "Acme" inside "Acmes": rejected at the word boundary.
    expect(await marks(page, 'near-miss')).toEqual(['Acme']);
    const after = await page
      .getByTestId('explain-highlight')
      .locator('mark[data-kind="near-miss"]')
      .evaluate((el) => el.nextSibling?.textContent ?? '');
    expect(after).toBe('s are rare.');
    expect(
      await page.getByTestId('explain-list').locator('li[data-kind="near-miss"]').getAttribute('data-rule'),
    ).toBe('word-boundary');
    // The text itself, whole and unchanged (the screen-reader notes aside).
    const shown = await page.getByTestId('explain-highlight').evaluate((el) => {
      const copy = el.cloneNode(true) as HTMLElement;
      copy.querySelectorAll('.visually-hidden').forEach((n) => n.remove());
      return copy.textContent;
    });
    expect(shown).toBe(TEXT);
    await shot(page, 'brands');

    // An unsaved exclusion is tested as a draft: the mention it covers is now excluded.
    await page.getByRole('button', { name: 'Add exclusion' }).click();
    await page.getByLabel('Exclusion 2', { exact: true }).fill('Acme Cloud is fast');
    await testText(page, TEXT);
    expect(await marks(page, 'mention')).toEqual([]);
    expect(await marks(page, 'excluded')).toEqual(['Acme Cloud', 'Acme']);
    // Leaving the unsaved edit asks first; staying keeps it.
    const asked = new Promise<string>((resolve) =>
      page.once('dialog', (d) => {
        resolve(d.message());
        void d.dismiss();
      }),
    );
    await page
      .getByRole('navigation', { name: 'Brands' })
      .getByRole('link', { name: /Pipedrive/ })
      .click();
    expect(await asked).toMatch(/unsaved changes/);
    expect(await page.getByLabel('Exclusion 2', { exact: true }).inputValue()).toBe('Acme Cloud is fast');
    expect(new URL(page.url()).searchParams.get('brand')).toBe(acme!.id);
    await page.getByRole('button', { name: 'Discard changes' }).click();
    expect(await page.getByLabel('Exclusion 2', { exact: true }).count()).toBe(0);

    // The refused create is the only failed request (Chromium logs it).
    expect(errors.filter((e) => !e.includes('status of 400'))).toEqual([]);
    expect(errors.length).toBeLessThanOrEqual(1);
  });

  it('deletes a brand with history only after a confirmation that says what is lost', async () => {
    const pipedrive = h.fx.brands.Pipedrive!;
    const to = new Date(Math.floor(Date.now() / 86_400_000) * 86_400_000 + 86_400_000);
    const from = new Date(to.getTime() - 400 * 86_400_000);
    const report = await h.api<Mentions>(
      `/v1/reports/mentions?projectId=${h.fx.projectId}&brandIds=${pipedrive}&from=${from.toISOString()}&to=${to.toISOString()}`,
    );
    const row = report.measured.brands.find((b) => b.brandId === pipedrive)!;
    expect(row.mentionCount).toBeGreaterThan(0);

    const { page } = await h.signedIn();
    await page.goto(brandsUrl(`?brand=${pipedrive}`));
    await page.getByRole('heading', { name: 'Edit Pipedrive' }).waitFor();
    await page.getByRole('button', { name: 'Delete brand…' }).click();
    const dialog = page.getByTestId('delete-dialog');
    const history = dialog.getByTestId('delete-history');
    await history.waitFor();
    expect(await history.textContent()).toContain(
      `mentioned ${row.mentionCount} times in ${row.mentionedRuns} runs`,
    );
    await shot(page, 'brands-delete');
    expect(await seriousAxeViolations(page)).toEqual([]);
    // The safe choice has the focus.
    expect(
      await dialog.getByRole('button', { name: 'Cancel' }).evaluate((el) => el === document.activeElement),
    ).toBe(true);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'hidden' });
    expect((await listBrands()).some((b) => b.id === pipedrive)).toBe(true);

    await page.getByRole('button', { name: 'Delete brand…' }).click();
    await dialog.getByRole('button', { name: 'Delete Pipedrive' }).click();
    await page.getByTestId('backfill-offer').waitFor();
    expect((await listBrands()).some((b) => b.id === pipedrive)).toBe(false);
    expect(await page.getByRole('navigation', { name: 'Brands' }).textContent()).not.toContain('Pipedrive');
  });

  it('shows a read key the brands without a single edit control, and lets it test text', async () => {
    const { page } = await h.signedIn({ role: 'read' });
    const errors = collectPageErrors(page);
    await page.goto(brandsUrl(`?brand=${h.fx.brands.HubSpot}`));
    await page.getByTestId('read-only-note').waitFor();
    await page.getByTestId('brand-details').waitFor();
    expect(await page.locator('form.brand-form').count()).toBe(0);
    expect(await page.getByRole('button', { name: /delete|save|create|remove|add/i }).count()).toBe(0);
    expect(await page.getByRole('link', { name: /add/i }).count()).toBe(0);
    // ?brand=new shows nothing to fill in either.
    await page.goto(brandsUrl('?brand=new'));
    await page.getByTestId('read-only-note').waitFor();
    expect(await page.locator('form.brand-form').count()).toBe(0);

    await testText(page, 'HubSpot and hubspot.com, not hubspots.');
    expect(await marks(page, 'mention')).toEqual(['HubSpot', 'hubspot.com']);
    await shot(page, 'brands-read');
    expect(errors).toEqual([]);
  });

  it('is accessible and fits 390 px', async () => {
    for (const width of [1280, 390]) {
      const { page } = await h.signedIn({ width, height: 844 });
      await page.goto(brandsUrl(`?brand=${h.fx.brands['Northwind CRM']}`));
      await page.getByRole('heading', { name: /^Edit / }).waitFor();
      await testText(page, 'Northwind CRM beats HubSpot; northwind is a wind.');
      expect(await seriousAxeViolations(page)).toEqual([]);
      expect({ overflow: await horizontalOverflow(page), elements: await overflowingElements(page) }).toEqual(
        {
          overflow: 0,
          elements: [],
        },
      );
      await shot(page, `brands-${width}`);
    }
  });
});
