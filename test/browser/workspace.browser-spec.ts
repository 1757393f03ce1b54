// The workspace screen and project settings against the real service: an empty workspace creates its first
// project through the UI and lands in it; an API key is created (its secret shown once, never again, and it
// works against the API) and revoked (it stops working), the session's own key warned about and the last admin
// key refused; usage shows today's figures against the caps; the settings form keeps what was typed on a 400
// and says what a change recomputes (nothing: no backfill is queued); a project is deleted only after a
// confirmation that says what is lost; a read key sees none of the forms; a write without the CSRF token is
// refused. WORKSPACE_SCREENSHOTS=<dir> also writes the screens' pictures there.
import path from 'node:path';
import { type Page } from 'playwright-core';
import type {
  ApiKeysControllerListResponse as ApiKeys,
  BackfillsControllerListResponse as Backfills,
  ProjectsControllerGetResponse as Project,
  ProjectsControllerListResponse as Projects,
  UsageControllerGetResponse as Usage,
} from '../../clients/typescript/types.gen';
import { createWorkspace, type TestWorkspace } from '../support/test-app';
import { collectPageErrors, horizontalOverflow, seriousAxeViolations } from './support/browser';
import { startBrowserHarness, type BrowserHarness } from './support/harness';

let h: BrowserHarness;
const SHOTS = process.env.WORKSPACE_SCREENSHOTS;
const RUNS_CAP = 50;
const SPEND_CAP = 5;

const shot = async (page: Page, name: string): Promise<void> => {
  if (SHOTS) await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
};

/** A page signed in with any key (the harness's signedIn knows only its own workspace's two keys). */
async function signedInWith(apiKey: string, width = 1280): Promise<Page> {
  const { context, page } = await h.anonymous({ width, height: 900 });
  const res = await context.request.post(`${h.baseUrl}/v1/sessions`, {
    data: { apiKey },
    headers: { Origin: h.baseUrl },
  });
  if (res.status() !== 201) throw new Error(`sign-in: HTTP ${res.status()} ${await res.text()}`);
  return page;
}

const bearer = (key: string, pathAndQuery: string): Promise<number> =>
  fetch(`${h.baseUrl}${pathAndQuery}`, { headers: { Authorization: `Bearer ${key}` } }).then((r) => r.status);

const post = async (w: TestWorkspace, url: string, body: object): Promise<{ id: string; key?: string }> => {
  const res = await h.t.http().post(url).set(w.auth()).send(body);
  if (res.status !== 201) throw new Error(`POST ${url}: HTTP ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { id: string; key?: string };
};

beforeAll(async () => {
  h = await startBrowserHarness('bworkspace', {
    env: { WORKSPACE_MAX_RUNS_PER_DAY: String(RUNS_CAP), WORKSPACE_MAX_SPEND_USD_PER_DAY: String(SPEND_CAP) },
  });
});

afterAll(async () => {
  await h?.stop();
});

describe('an empty workspace', () => {
  it('creates its first project through the UI (a refused name keeps the text) and lands in it', async () => {
    const empty = await createWorkspace(h.t);
    const page = await signedInWith(empty.adminKey);
    const errors = collectPageErrors(page);
    await page.goto(h.baseUrl);
    await page.getByTestId('first-project').waitFor();
    const name = page.getByLabel('Project name');
    await page.waitForFunction((el) => el === document.activeElement, await name.elementHandle());

    // Blank: the API's zod schema refuses it; the message sits next to the field.
    await name.fill('   ');
    const refused = page.waitForResponse(
      (r) => r.url().endsWith('/v1/projects') && r.request().method() === 'POST',
    );
    await page.getByRole('button', { name: 'Create project' }).click();
    expect((await refused).status()).toBe(400);
    await page.locator('.field-error[data-field="name"]').waitFor();
    expect(await name.inputValue()).toBe('   ');
    expect(await name.getAttribute('aria-invalid')).toBe('true');
    expect((await h.t.http().get('/v1/projects').set(empty.auth())).body.data).toEqual([]);
    await shot(page, 'first-project');
    expect(await seriousAxeViolations(page)).toEqual([]);

    await name.fill('Coffee machines');
    await page.getByRole('button', { name: 'Create project' }).click();
    await page.waitForURL(/\/p\/[0-9a-f-]{36}\/overview/);
    const projects = (await h.t.http().get('/v1/projects').set(empty.auth())).body as Projects;
    expect(projects.data.map((p) => p.name)).toEqual(['Coffee machines']);
    expect(page.url()).toContain(`/p/${projects.data[0]!.id}/overview`);
    await page.getByRole('heading', { name: 'Coffee machines', level: 1 }).waitFor();

    // A second project of the same name: the 409 shows next to the name, the text stays.
    await page.getByRole('link', { name: 'Workspace', exact: true }).click();
    const again = page.getByTestId('projects').getByLabel('Project name');
    await again.fill('Coffee machines');
    await page.getByTestId('projects').getByRole('button', { name: 'Create project' }).click();
    const taken = page.getByTestId('projects').locator('.field-error[data-field="name"]');
    await taken.waitFor();
    expect(await taken.textContent()).toContain('already has a project named "Coffee machines"');
    expect(await again.inputValue()).toBe('Coffee machines');
    expect(((await h.t.http().get('/v1/projects').set(empty.auth())).body as Projects).data).toHaveLength(1);
    // The two refused creates are the only failed requests (Chromium logs them).
    expect(errors.filter((e) => !/status of (400|409)/.test(e))).toEqual([]);
  });

  it('tells a read key why there is nothing, with nothing to fill in', async () => {
    const empty = await createWorkspace(h.t);
    const page = await signedInWith(empty.readKey);
    await page.goto(h.baseUrl);
    await page.getByTestId('no-projects-read').waitFor();
    expect(await page.locator('form').count()).toBe(0);
  });
});

describe('API keys', () => {
  it('shows a new key once, it works, and after revoking it stops working', async () => {
    const page = await signedInWith(h.ws.adminKey);
    await page.goto(`${h.baseUrl}/workspace`);
    const section = page.getByTestId('api-keys');
    await section.getByTestId('api-keys-table').waitFor();

    // A blank name: refused by the API, shown next to the field.
    await section.getByRole('button', { name: 'Create key' }).click();
    await section.locator('.field-error[data-field="name"]').waitFor();

    await section.getByLabel('Key name').fill('Reporting script');
    await section.getByLabel('Role').selectOption('read');
    await section.getByRole('button', { name: 'Create key' }).click();
    const value = section.getByTestId('new-key-value');
    await value.waitFor();
    const key = await value.inputValue();
    expect(key).toMatch(/^sr_[a-z0-9]{12}_[A-Za-z0-9_-]{43}$/);
    expect(await section.getByLabel('Key name').inputValue()).toBe('');
    await shot(page, 'workspace-new-key');
    expect(await bearer(key, '/v1/projects')).toBe(200);
    const listed = (await h.api<ApiKeys>('/v1/api-keys')).data.find((k) => k.name === 'Reporting script')!;
    expect(key.startsWith(listed.prefix)).toBe(true);
    const row = section.locator(`[data-testid="api-key-row"][data-prefix="${listed.prefix}"]`);
    await row.waitFor();

    // Never again: not after "Done", not after a reload.
    await section.getByRole('button', { name: 'Done' }).click();
    expect(await page.content()).not.toContain(key);
    await page.reload();
    await row.waitFor();
    expect(await page.content()).not.toContain(key);
    expect(await section.getByTestId('new-key').count()).toBe(0);

    // Revoke asks first (the safe choice focused), says what stops, then the key is refused.
    await row.getByRole('button', { name: 'Revoke Reporting script…' }).click();
    const dialog = page.getByTestId('revoke-dialog').filter({ hasText: 'Reporting script' });
    await dialog.getByText('gets 401 from now on').waitFor();
    await page.waitForFunction(
      (el) => el === document.activeElement,
      await dialog.getByRole('button', { name: 'Cancel' }).elementHandle(),
    );
    await dialog.getByRole('button', { name: 'Revoke Reporting script' }).click();
    await section
      .locator(`[data-testid="api-key-row"][data-prefix="${listed.prefix}"][data-revoked="true"]`)
      .waitFor();
    expect(await bearer(key, '/v1/projects')).toBe(401);
  });

  it('refuses to revoke the last admin key, warns about the session key, and ends the session with it', async () => {
    const w = await createWorkspace(h.t);
    const page = await signedInWith(w.adminKey);
    await page.goto(`${h.baseUrl}/workspace`);
    const section = page.getByTestId('api-keys');
    const own = section.locator('[data-testid="api-key-row"]').filter({ hasText: 'This session' });
    await own.waitFor();
    await own.getByRole('button', { name: /^Revoke / }).click();
    const refusedDialog = page
      .getByTestId('revoke-dialog')
      .filter({ has: page.getByTestId('revoke-refused') });
    await refusedDialog.waitFor();
    expect(await refusedDialog.getByRole('button', { name: /^Revoke / }).isDisabled()).toBe(true);
    await refusedDialog.getByRole('button', { name: 'Cancel' }).click();

    // With a second admin key it may go: the dialog warns that this session ends, and it does.
    const second = await post(w, '/v1/api-keys', { name: 'second admin', role: 'admin' });
    await page.reload();
    await own.getByRole('button', { name: /^Revoke / }).click();
    const warned = page.getByTestId('revoke-dialog').filter({ has: page.getByTestId('revoke-current') });
    await warned.waitFor();
    await warned.getByRole('button', { name: /^Revoke / }).click();
    await page.waitForURL(/\/sign-in/);
    expect(await bearer(w.adminKey, '/v1/projects')).toBe(401);
    expect(await bearer(second.key!, '/v1/projects')).toBe(200);
  });
});

describe('usage', () => {
  it("shows today's runs and spend against the daily caps", async () => {
    const usage = await h.api<Usage>('/v1/usage?days=7');
    expect(usage.today.countedRuns).toBe(h.fx.runIds.length);
    const page = await signedInWith(h.ws.adminKey);
    await page.goto(`${h.baseUrl}/workspace`);
    const runs = page.getByTestId('usage-runs');
    await runs.waitFor();
    expect(await runs.getAttribute('data-used')).toBe(String(usage.today.countedRuns));
    expect(await runs.getAttribute('data-cap')).toBe(String(RUNS_CAP));
    expect(await runs.textContent()).toContain(`of ${RUNS_CAP}`);
    expect(await runs.textContent()).toContain(`${RUNS_CAP - usage.today.countedRuns} left today`);
    const spend = page.getByTestId('usage-spend');
    expect(await spend.getAttribute('data-used')).toBe(String(usage.today.estimatedSpendUsd));
    expect(await spend.getAttribute('data-cap')).toBe(String(SPEND_CAP));
    expect(await spend.textContent()).toContain(`of $${SPEND_CAP.toFixed(2)}`);
    const todayRow = page.getByTestId('usage-history').locator('tbody tr').first();
    expect(await todayRow.locator('td').nth(1).getAttribute('data-value')).toBe(
      String(usage.today.countedRuns),
    );
    await shot(page, 'workspace');
    expect(await seriousAxeViolations(page)).toEqual([]);
  });
});

describe('project settings', () => {
  const settingsUrl = (): string => `${h.baseUrl}/p/${h.fx.projectId}/settings`;

  it('keeps what was typed on a 400, says what a change recomputes, and saves (queuing no backfill)', async () => {
    const backfillsBefore = (await h.api<Backfills>(`/v1/projects/${h.fx.projectId}/backfills`)).data.length;
    const page = await signedInWith(h.ws.adminKey);
    await page.goto(settingsUrl());
    const tab = page.getByRole('link', { name: 'Settings', exact: true });
    await tab.waitFor();
    expect(await tab.getAttribute('aria-current')).toBe('page');
    expect(await page.getByTestId('settings-note').textContent()).toMatch(
      /recomputes: nothing already stored/,
    );

    const fold = page.getByLabel('Fold');
    const halfLife = page.getByLabel('Attention half-life');
    await fold.fill('0');
    await halfLife.fill('2500');
    const refused = page.waitForResponse((r) => r.url().endsWith(`/v1/projects/${h.fx.projectId}`));
    await page.getByRole('button', { name: 'Save settings' }).click();
    expect((await refused).status()).toBe(400);
    const foldError = page.locator('.field-error[data-field="foldTokens"]');
    await foldError.waitFor();
    expect(await fold.inputValue()).toBe('0');
    expect(await halfLife.inputValue()).toBe('2500');
    // The field in error takes the focus (once its message is rendered).
    await page.waitForFunction(() => document.activeElement?.id === 'settings-foldTokens');
    expect(await h.api<Project>(`/v1/projects/${h.fx.projectId}`)).toMatchObject({ foldTokens: 20 });
    await shot(page, 'settings-validation');

    // Leaving with unsaved changes asks first; staying keeps them.
    const asked = new Promise<string>((resolve) =>
      page.once('dialog', (d) => {
        resolve(d.message());
        void d.dismiss();
      }),
    );
    await page.getByRole('link', { name: 'Overview', exact: true }).click();
    expect(await asked).toMatch(/unsaved changes to the project settings/);
    expect(new URL(page.url()).pathname).toBe(`/p/${h.fx.projectId}/settings`);
    expect(await fold.inputValue()).toBe('0');

    await fold.fill('40');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByTestId('settings-saved').waitFor();
    expect(await h.api<Project>(`/v1/projects/${h.fx.projectId}`)).toMatchObject({
      foldTokens: 40,
      halfLifeMs: 2500,
    });
    expect(await fold.inputValue()).toBe('40');
    // Nothing to follow: the settings change queued no recompute.
    expect((await h.api<Backfills>(`/v1/projects/${h.fx.projectId}/backfills`)).data).toHaveLength(
      backfillsBefore,
    );
    await shot(page, 'settings');
    expect(await seriousAxeViolations(page)).toEqual([]);
  });

  it('deletes a project only after a confirmation that says what is lost', async () => {
    const doomed = await post(h.ws, '/v1/projects', { name: 'Doomed' });
    await post(h.ws, `/v1/projects/${doomed.id}/brands`, { name: 'Gone brand', kind: 'own' });
    const page = await signedInWith(h.ws.adminKey);
    await page.goto(`${h.baseUrl}/p/${doomed.id}/settings`);
    await page.getByRole('button', { name: 'Delete project Doomed…' }).click();
    const dialog = page.getByTestId('delete-project-dialog');
    const lost = dialog.getByTestId('delete-project-lost');
    await lost.waitFor();
    expect(await lost.textContent()).toContain('its 1 brand, 0 prompts');
    const confirm = dialog.getByRole('button', { name: 'Delete project' });
    expect(await confirm.isDisabled()).toBe(true);
    await dialog.getByLabel(/Type the project's name/).fill('Doomed');
    await confirm.click();
    await page.waitForURL(/\/workspace$/);
    expect((await h.t.http().get(`/v1/projects/${doomed.id}`).set(h.ws.auth())).status).toBe(404);
    await page.getByTestId('projects-table').waitFor();
    expect(await page.getByTestId('projects-table').textContent()).not.toContain('Doomed');
  });
});

describe('a read key', () => {
  it('sees usage and projects but none of the forms', async () => {
    const page = await signedInWith(h.ws.readKey);
    const errors = collectPageErrors(page);
    await page.goto(`${h.baseUrl}/workspace`);
    await page.getByTestId('usage-runs').waitFor();
    await page.getByTestId('projects-table').waitFor();
    expect(await page.getByTestId('read-only-note').count()).toBe(1);
    expect(await page.locator('form').count()).toBe(0);
    expect(await page.getByTestId('api-keys').count()).toBe(0);
    expect(await page.getByRole('button', { name: /create|delete|revoke|save/i }).count()).toBe(0);
    await page.goto(`${h.baseUrl}/p/${h.fx.projectId}/settings`);
    await page.getByTestId('settings-values').waitFor();
    expect(await page.locator('form').count()).toBe(0);
    expect(await page.getByRole('button', { name: /delete|save/i }).count()).toBe(0);
    expect(await horizontalOverflow(page)).toBe(0);
    expect(errors).toEqual([]);
  });
});

describe('CSRF', () => {
  it('refuses writes from an admin session that carry no CSRF token, and changes nothing', async () => {
    const page = await signedInWith(h.ws.adminKey);
    await page.goto(`${h.baseUrl}/workspace`);
    await page.getByTestId('api-keys-table').waitFor();
    const keysBefore = (await h.api<ApiKeys>('/v1/api-keys')).data;
    const reader = keysBefore.find((k) => k.role === 'read' && !k.revokedAt)!;
    const statuses = await page.evaluate(
      async ({ projectId, keyId }) => {
        const send = (method: string, url: string, body?: object) =>
          fetch(url, {
            method,
            headers: { 'Content-Type': 'application/json' },
            body: body ? JSON.stringify(body) : undefined,
          }).then((r) => r.status);
        return [
          await send('POST', '/v1/api-keys', { name: 'forged', role: 'admin' }),
          await send('DELETE', `/v1/api-keys/${keyId}`),
          await send('PATCH', `/v1/projects/${projectId}`, { foldTokens: 1 }),
          await send('POST', '/v1/projects', { name: 'Forged project' }),
        ];
      },
      { projectId: h.fx.projectId, keyId: reader.id },
    );
    expect(statuses).toEqual([403, 403, 403, 403]);
    const idsAndRevocations = (keys: ApiKeys['data']) => keys.map((k) => [k.id, k.name, k.revokedAt]);
    expect(idsAndRevocations((await h.api<ApiKeys>('/v1/api-keys')).data)).toEqual(
      idsAndRevocations(keysBefore),
    );
    expect(await bearer(h.ws.readKey, '/v1/projects')).toBe(200);
    const project = await h.api<Project>(`/v1/projects/${h.fx.projectId}`);
    expect(project.foldTokens).not.toBe(1);
    const names = (await h.api<Projects>('/v1/projects')).data.map((p) => p.name);
    expect(names).not.toContain('Forged project');
  });
});
