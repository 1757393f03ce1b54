// Signing in and out of the web app: a pasted key, a wrong key, the single-use sign-in link, an expired
// session; the key never lands anywhere script can read it.
import { Client } from 'pg';
import { collectPageErrors, scriptReadableStorage } from './support/browser';
import { startBrowserHarness, type BrowserHarness } from './support/harness';

let h: BrowserHarness;

beforeAll(async () => {
  h = await startBrowserHarness('bsign', { landRuns: false });
});

afterAll(async () => {
  await h?.stop();
});

const overviewUrl = (): RegExp => new RegExp(`/p/${h.fx.projectId}/overview`);

describe('sign-in', () => {
  it('a pasted key signs in, lands on the overview and is kept nowhere script can read', async () => {
    const { page, context } = await h.anonymous();
    const errors = collectPageErrors(page);
    await page.goto(`${h.baseUrl}/p/${h.fx.projectId}/overview`);
    await page.waitForURL(/\/sign-in/);
    await page.getByLabel('API key').fill(h.ws.adminKey);
    await page.getByRole('button', { name: /sign in/i }).click();
    await page.waitForURL(overviewUrl());
    await page.getByRole('navigation', { name: 'Project sections' }).waitFor();

    expect(await scriptReadableStorage(page)).not.toContain(h.ws.adminKey);
    const cookies = await context.cookies();
    const session = cookies.find((c) => c.name === 'sr_session');
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
    expect(cookies.map((c) => c.value).join(' ')).not.toContain(h.ws.adminKey);
    expect(await page.evaluate(() => document.cookie)).not.toContain('sr_session');
    // The key's input was cleared and no page error happened on the way.
    expect(errors.filter((e) => !/401/.test(e))).toEqual([]);
  });

  it('a wrong key shows an error and stays on the sign-in page', async () => {
    const { page, context } = await h.anonymous();
    await page.goto(`${h.baseUrl}/sign-in`);
    const wrong = `sr_live_${'x'.repeat(40)}`;
    await page.getByLabel('API key').fill(wrong);
    await page.getByRole('button', { name: /sign in/i }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toMatch(/not accepted|invalid|wrong/i);
    expect(page.url()).toContain('/sign-in');
    expect((await context.cookies()).find((c) => c.name === 'sr_session')).toBeUndefined();
    expect(await scriptReadableStorage(page)).not.toContain(wrong);
  });

  it('the demo-style sign-in link signs in once (a second use is refused)', async () => {
    const res = await fetch(`${h.baseUrl}/v1/sessions/links`, {
      method: 'POST',
      headers: { ...h.ws.auth(), 'Content-Type': 'application/json' },
      body: '{}',
    });
    expect(res.status).toBe(201);
    const { url } = (await res.json()) as { url: string };
    const { page } = await h.anonymous();
    await page.goto(`${h.baseUrl}${url}`);
    await page.waitForURL(overviewUrl());
    await page.getByRole('navigation', { name: 'Project sections' }).waitFor();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    const token = new URL(url, h.baseUrl).searchParams.get('token') ?? '';
    expect(await scriptReadableStorage(page)).not.toContain(token);

    const second = await h.anonymous();
    await second.page.goto(`${h.baseUrl}${url}`);
    await second.page.waitForURL(/\/sign-in\?error=link-invalid/);
    await second.page.getByRole('alert').waitFor();
  });

  it('an expired session goes back to sign-in', async () => {
    const { page } = await h.signedIn();
    await page.goto(`${h.baseUrl}/p/${h.fx.projectId}/runs`);
    await page.getByRole('navigation', { name: 'Project sections' }).waitFor();
    // The page's own first requests must have answered before the session expires: one still in flight would
    // meet the 401 and leave the page before the navigation below (CI, stop 31).
    await page.waitForLoadState('networkidle');
    const db = new Client({ connectionString: h.t.config.DATABASE_URL });
    await db.connect();
    try {
      const expired = await db.query(
        `UPDATE web_sessions SET "expiresAt" = now() - interval '1 minute' WHERE "revokedAt" IS NULL`,
      );
      expect(expired.rowCount).toBeGreaterThan(0);
    } finally {
      await db.end();
    }
    // The next API call answers 401: the app goes back to sign-in, from a client-side navigation (a new
    // report query) as from a fresh page load (the session check). The click is dispatched, not performed (a
    // pointer click hovers first, and the hover's route preload can meet the 401 before the click lands), and
    // whichever request meets the 401 first, the page must end on sign-in.
    const click = page
      .getByRole('link', { name: 'Overview' })
      .dispatchEvent('click')
      .catch(() => undefined);
    await Promise.race([click, page.waitForURL(/\/sign-in/)]);
    await page.waitForURL(/\/sign-in/);
    await page.getByLabel('API key').waitFor();
    await page.goto(`${h.baseUrl}/p/${h.fx.projectId}/runs`);
    await page.waitForURL(/\/sign-in/);
    await page.getByLabel('API key').waitFor();
  });

  it('signing out clears the session', async () => {
    const { page, context } = await h.signedIn();
    await page.goto(`${h.baseUrl}/p/${h.fx.projectId}/runs`);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/\/sign-in/);
    const after = await context.request.get(`${h.baseUrl}/v1/sessions/current`);
    expect(after.status()).toBe(401);
  });
});
