// The Engines screen against the real service: an engine pointed at the fake provider created entirely
// through the form (a server validation error shown next to its field, the typed text kept), its connection
// tested before and after saving (one real call each, no run stored), a disabled engine saying why and
// re-enabled, delete asking first and listing the prompts that use the engine, a read key seeing no form,
// and forged writes without the CSRF token refused.
// ENGINES_SCREENSHOTS=<dir> also writes the screen's pictures there.
import path from 'node:path';
import { type Page } from 'playwright-core';
import type {
  EnginesControllerListResponse as Engines,
  RunsControllerListResponse as Runs,
} from '../../clients/typescript/types.gen';
import { EngineRepository } from '../../src/engines/engine.repository';
import { FakeOpenAiServer, type FakeScript } from '../fakes/fake-openai-server';
import { openAiChunkEvents, writesOf } from '../fakes/openai-sse-script';
import {
  collectPageErrors,
  horizontalOverflow,
  overflowingElements,
  seriousAxeViolations,
} from './support/browser';
import { startBrowserHarness, type BrowserHarness } from './support/harness';

let h: BrowserHarness;
let fake: FakeOpenAiServer;
let fakeBaseUrl: string;
const SHOTS = process.env.ENGINES_SCREENSHOTS;
const KEY = 'sk-typed-in-the-browser-7k2q';

const enginesUrl = (query = ''): string => `${h.baseUrl}/engines${query}`;
const shot = async (page: Page, name: string): Promise<void> => {
  if (SHOTS) await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
};
const listEngines = async (): Promise<Engines['data']> =>
  (await h.api<Engines>('/v1/engines?limit=200')).data;
const ok = (texts: string[]): FakeScript => ({ writes: writesOf(openAiChunkEvents(texts), 1) });
const refused: FakeScript = {
  status: 401,
  headers: { 'content-type': 'application/json' },
  writes: [{ delayMs: 0, bytes: JSON.stringify({ error: { message: 'Incorrect API key provided' } }) }],
};

async function testConnection(page: Page, url: RegExp): Promise<void> {
  const answered = page.waitForResponse((r) => url.test(r.url()) && r.request().method() === 'POST');
  await page.getByRole('button', { name: 'Test connection' }).click();
  expect((await answered).status()).toBe(200);
  await page.getByTestId('test-result').waitFor();
}

beforeAll(async () => {
  h = await startBrowserHarness('bengines');
  fake = new FakeOpenAiServer();
  fakeBaseUrl = (await fake.start()).baseUrl;
});

afterAll(async () => {
  await h?.stop();
  await fake?.stop();
});

describe('Engines screen', () => {
  it('creates an engine at the fake provider through the form and tests its connection', async () => {
    const { page } = await h.signedIn();
    const errors = collectPageErrors(page);
    await page.goto(`${h.baseUrl}/p/${h.fx.projectId}/overview`);
    await page.getByRole('link', { name: 'Engines', exact: true }).click();
    await page.getByTestId('engine-list').waitFor();
    await page.getByRole('link', { name: 'Add engine' }).click();
    await page.getByRole('heading', { name: 'New engine' }).waitFor();
    await page.getByLabel('Name', { exact: true }).fill('Fake GPT');
    await page.getByLabel('Kind', { exact: true }).selectOption('openai-compatible');
    await page.getByLabel('Model', { exact: true }).fill('gpt-fake-mini');
    await page.getByLabel('Base URL', { exact: true }).fill('not a url');
    await page.getByLabel('API key', { exact: true }).fill(KEY);
    await page.getByLabel('System prompt (persona)').fill('You are a shopper in Berlin.');
    await page.getByLabel('Temperature', { exact: true }).fill('3');
    const rejected = page.waitForResponse(
      (r) => r.url().endsWith('/v1/engines') && r.request().method() === 'POST',
    );
    await page.getByRole('button', { name: 'Create engine' }).click();
    expect((await rejected).status()).toBe(400);

    // The server's messages sit next to their fields, which keep what was typed; the first takes the focus.
    const urlError = page.locator('.field-error[data-field="baseUrl"]');
    await urlError.waitFor();
    expect(await urlError.textContent()).toMatch(/http\(s\) URL/);
    expect(await page.locator('.field-error[data-field="parameters.temperature"]').textContent()).toMatch(
      /2/,
    );
    const baseUrl = page.getByLabel('Base URL', { exact: true });
    expect(await baseUrl.getAttribute('aria-invalid')).toBe('true');
    expect(await baseUrl.evaluate((el) => el === document.activeElement)).toBe(true);
    expect(await baseUrl.inputValue()).toBe('not a url');
    expect(await page.getByLabel('Name', { exact: true }).inputValue()).toBe('Fake GPT');
    expect(await page.getByLabel('Model', { exact: true }).inputValue()).toBe('gpt-fake-mini');
    expect(await page.getByLabel('API key', { exact: true }).inputValue()).toBe(KEY);
    expect(await page.getByLabel('Temperature', { exact: true }).inputValue()).toBe('3');
    expect((await listEngines()).some((e) => e.name === 'Fake GPT')).toBe(false);
    expect(await seriousAxeViolations(page)).toEqual([]);
    // Leaving the unsaved engine asks first; staying keeps it.
    const asked = new Promise<string>((resolve) =>
      page.once('dialog', (d) => {
        resolve(d.message());
        void d.dismiss();
      }),
    );
    await page.locator(`[data-engine="${h.fx.engines.sonar}"]`).click();
    expect(await asked).toMatch(/unsaved changes to this engine/);
    expect(await page.getByLabel('Name', { exact: true }).inputValue()).toBe('Fake GPT');
    expect(new URL(page.url()).searchParams.get('engine')).toBe('new');

    // Tested before saving: the unsaved configuration, one real call.
    await baseUrl.fill(fakeBaseUrl);
    await page.getByLabel('Temperature', { exact: true }).fill('0.5');
    fake.enqueue(ok(['O', 'K']));
    await testConnection(page, /\/v1\/engines\/test$/);
    const result = page.getByTestId('test-result');
    expect(await result.getAttribute('data-outcome')).toBe('ok');
    expect(await result.textContent()).toContain('Connected');
    const call = fake.requests.at(-1)!;
    expect(call.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(JSON.parse(call.body)).toMatchObject({ model: 'gpt-fake-mini', temperature: 0.5, max_tokens: 16 });
    expect((await listEngines()).some((e) => e.name === 'Fake GPT')).toBe(false);

    await page.getByRole('button', { name: 'Create engine' }).click();
    await page.getByRole('heading', { name: 'Edit Fake GPT' }).waitFor();
    const created = (await listEngines()).find((e) => e.name === 'Fake GPT')!;
    expect(created).toMatchObject({
      provider: 'openai-compatible',
      model: 'gpt-fake-mini',
      baseUrl: fakeBaseUrl,
      credential: { set: true, last4: KEY.slice(-4) },
      parameters: { temperature: 0.5, systemPrompt: 'You are a shopper in Berlin.' },
      disabledReason: null,
    });
    expect(new URL(page.url()).searchParams.get('engine')).toBe(created.id);
    // Write-only: the key field is empty, its placeholder shows the last four; the list shows them too.
    const key = page.getByLabel('API key', { exact: true });
    expect(await key.inputValue()).toBe('');
    expect(await key.getAttribute('placeholder')).toBe(`•••• ${KEY.slice(-4)}`);
    const listed = page.locator(`[data-engine="${created.id}"]`);
    expect(await listed.textContent()).toContain(`••••${KEY.slice(-4)}`);
    expect(await listed.textContent()).toContain('Enabled');

    // The saved engine, tested with its stored key: first refused, then answering.
    fake.enqueue(refused);
    await testConnection(page, new RegExp(`/v1/engines/${created.id}/test$`));
    expect(await result.getAttribute('data-outcome')).toBe('auth');
    expect(await result.textContent()).toContain('The API key was refused');
    expect(fake.requests.at(-1)!.headers.authorization).toBe(`Bearer ${KEY}`);
    fake.enqueue(ok(['OK']));
    await testConnection(page, new RegExp(`/v1/engines/${created.id}/test$`));
    expect(await result.getAttribute('data-outcome')).toBe('ok');
    expect(await result.textContent()).toContain('It answered: OK');
    await shot(page, 'engines');
    expect(await seriousAxeViolations(page)).toEqual([]);

    // No test stored a run, and the refused key did not disable the engine.
    const runs = await h.api<Runs>(`/v1/runs?engineId=${created.id}`);
    expect(runs.data).toEqual([]);
    expect((await listEngines()).find((e) => e.id === created.id)!.disabledReason).toBeNull();
    // The refused create is the only failed request (Chromium logs it).
    expect(errors.filter((e) => !e.includes('status of 400'))).toEqual([]);
  });

  it('says why an engine is disabled and re-enables it without losing what was typed', async () => {
    const engine = (await listEngines()).find((e) => e.id === h.fx.engines.sonar)!;
    await h.t.app.get(EngineRepository).markDisabled(engine.id, 'credential rejected (HTTP 401)');
    const { page } = await h.signedIn();
    await page.goto(enginesUrl(`?engine=${engine.id}`));
    const banner = page.getByTestId('disabled-banner');
    await banner.waitFor();
    expect(await banner.textContent()).toContain('Disabled: credential rejected (HTTP 401).');
    expect(await banner.textContent()).toMatch(/type it below and save/);
    expect(await page.locator(`[data-engine="${engine.id}"]`).textContent()).toContain('Disabled');
    await shot(page, 'engines-disabled');
    await page.getByLabel('Model', { exact: true }).fill('sonar-pro');
    await page.getByRole('button', { name: 'Re-enable engine' }).click();
    await banner.waitFor({ state: 'detached' });
    expect((await listEngines()).find((e) => e.id === engine.id)!.disabledReason).toBeNull();
    expect(await page.getByLabel('Model', { exact: true }).inputValue()).toBe('sonar-pro');
  });

  it('deletes an engine only after a confirmation that lists the prompts using it', async () => {
    const created = await h.t
      .http()
      .post('/v1/engines')
      .set(h.ws.auth())
      .send({ name: 'Short-lived', provider: 'openai-compatible', model: 'm', baseUrl: fakeBaseUrl })
      .expect(201);
    const id = created.body.id as string;
    await h.t
      .http()
      .post(`/v1/projects/${h.fx.projectId}/prompts`)
      .set(h.ws.auth())
      .send({ text: 'Which CRM is cheapest?', engineIds: [id], cron: '0 0 1 1 *' })
      .expect(201);

    const { page } = await h.signedIn();
    await page.goto(enginesUrl(`?engine=${id}`));
    await page.getByRole('heading', { name: 'Edit Short-lived' }).waitFor();
    await page.getByRole('button', { name: 'Delete engine…' }).click();
    const dialog = page.getByTestId('delete-dialog');
    await dialog.getByTestId('delete-prompt').first().waitFor();
    expect(await dialog.getByTestId('delete-prompt').allTextContents()).toEqual([
      'CRM tools: Which CRM is cheapest? (its only engine)',
    ]);
    expect(await dialog.getByTestId('delete-usage').textContent()).toContain('1 prompt asks this engine');
    expect(await seriousAxeViolations(page)).toEqual([]);
    expect(
      await dialog.getByRole('button', { name: 'Cancel' }).evaluate((el) => el === document.activeElement),
    ).toBe(true);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'hidden' });
    expect((await listEngines()).some((e) => e.id === id)).toBe(true);

    await page.getByRole('button', { name: 'Delete engine…' }).click();
    await dialog.getByRole('button', { name: 'Delete Short-lived' }).click();
    await page.locator(`[data-engine="${id}"]`).waitFor({ state: 'detached' });
    expect((await listEngines()).some((e) => e.id === id)).toBe(false);
  });

  it('shows a read key the engines without a form, a test button or any edit control', async () => {
    const { page } = await h.signedIn({ role: 'read' });
    const errors = collectPageErrors(page);
    await page.goto(enginesUrl(`?engine=${h.fx.engines.gpt}`));
    await page.getByTestId('read-only-note').waitFor();
    await page.getByTestId('engine-details').waitFor();
    expect(await page.locator('form').count()).toBe(0);
    expect(
      await page
        .locator('main')
        .getByRole('button', { name: /delete|save|create|test|enable|add/i })
        .count(),
    ).toBe(0);
    expect(await page.locator('main').getByRole('link', { name: /add/i }).count()).toBe(0);
    await page.goto(enginesUrl('?engine=new'));
    await page.getByTestId('read-only-note').waitFor();
    expect(await page.locator('form').count()).toBe(0);
    expect(errors).toEqual([]);
  });

  it('refuses forged writes without the CSRF token, and calls no provider for them', async () => {
    const { page } = await h.signedIn();
    await page.goto(enginesUrl());
    await page.getByTestId('engine-list').waitFor();
    const before = fake.requests.length;
    const statuses = await page.evaluate(
      async ({ engineId, baseUrl }) => {
        const post = (url: string, body: unknown) =>
          fetch(url, {
            method: 'POST',
            headers: { 'Content-Type': 'application/json' },
            body: JSON.stringify(body),
          }).then((r) => r.status);
        return [
          await post(`/v1/engines/${engineId}/test`, {}),
          await post('/v1/engines/test', { provider: 'openai-compatible', model: 'm', baseUrl }),
          await post('/v1/engines', { name: 'Forged', provider: 'demo', model: 'demo' }),
          await fetch(`/v1/engines/${engineId}`, {
            method: 'PATCH',
            headers: { 'Content-Type': 'application/json' },
            body: JSON.stringify({ enabled: false }),
          }).then((r) => r.status),
        ];
      },
      { engineId: h.fx.engines.gpt, baseUrl: fakeBaseUrl },
    );
    expect(statuses).toEqual([403, 403, 403, 403]);
    expect(fake.requests.length).toBe(before);
    const engines = await listEngines();
    expect(engines.some((e) => e.name === 'Forged')).toBe(false);
    expect(engines.find((e) => e.id === h.fx.engines.gpt)!.disabledReason).toBeNull();
  });

  it('is accessible and fits 390 px', async () => {
    for (const width of [1280, 390]) {
      const { page } = await h.signedIn({ width, height: 844 });
      await page.goto(enginesUrl(`?engine=${h.fx.engines.gpt}`));
      await page.getByRole('heading', { name: /^Edit / }).waitFor();
      expect(await seriousAxeViolations(page)).toEqual([]);
      expect({ overflow: await horizontalOverflow(page), elements: await overflowingElements(page) }).toEqual(
        {
          overflow: 0,
          elements: [],
        },
      );
      await shot(page, `engines-${width}`);
    }
  });
});
