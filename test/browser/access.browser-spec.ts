// Roles and hygiene on every screen: a read key sees no write control and a forged write from its page is
// refused (403) even with the CSRF token; axe-core finds no serious or critical violation; the page body never
// scrolls sideways at 1280 px or 390 px.
import { type Page } from 'playwright-core';
import { horizontalOverflow, overflowingElements, seriousAxeViolations } from './support/browser';
import { startBrowserHarness, type BrowserHarness } from './support/harness';
import { last30Days } from './support/screens';
import { waitForChartsDrawn } from './support/signals';

let h: BrowserHarness;

beforeAll(async () => {
  h = await startBrowserHarness('baccess');
});

afterAll(async () => {
  await h?.stop();
});

interface Screen {
  name: string;
  path: () => string;
  /** Resolves once the screen shows its data. */
  ready: (page: Page) => Promise<unknown>;
}

const range = last30Days().search;
const SCREENS: Screen[] = [
  { name: 'sign-in', path: () => '/sign-in', ready: (p) => p.getByLabel('API key').waitFor() },
  {
    name: 'overview',
    path: () => `/p/${h.fx.projectId}/overview?${range}`,
    ready: (p) => waitForChartsDrawn(p),
  },
  {
    name: 'competitors',
    path: () => `/p/${h.fx.projectId}/competitors?${range}`,
    ready: (p) => waitForChartsDrawn(p),
  },
  {
    name: 'sources',
    path: () => `/p/${h.fx.projectId}/sources?${range}`,
    ready: (p) => p.getByTestId('cited-domains').waitFor(),
  },
  {
    name: 'runs',
    path: () => `/p/${h.fx.projectId}/runs`,
    ready: (p) => p.getByTestId('runs-table').waitFor(),
  },
  {
    name: 'run page',
    path: () => `/p/${h.fx.projectId}/runs/${h.fx.runIds[0]}`,
    ready: async (p) => {
      await p.waitForFunction(() => Boolean(window.__streamrankReplay?.clock));
      // Mid-way, some mentions lit: the state a reader sees most.
      await p.evaluate(() => {
        const clock = window.__streamrankReplay!.clock!;
        clock.pause();
        clock.seek(window.__streamrankReplay!.state.durationMs / 2);
      });
    },
  },
  {
    name: 'alerts',
    path: () => `/p/${h.fx.projectId}/alerts`,
    ready: (p) => p.getByTestId('alerts').waitFor(),
  },
  {
    name: 'alert rule editor',
    path: () => `/p/${h.fx.projectId}/alerts?rule=new`,
    // An admin sees the editor and its preview; a read key the rules without it.
    ready: (p) =>
      p.locator('[data-testid="rule-preview"], [data-testid="alert-rules"]:not(:has(a))').first().waitFor(),
  },
  {
    name: 'webhooks',
    path: () => '/webhooks?webhook=new',
    ready: (p) =>
      p
        .locator(
          'section[aria-labelledby="webhooks-title"] .state-empty, [data-testid="webhooks"], [data-testid="read-only-note"]',
        )
        .first()
        .waitFor(),
  },
  {
    name: 'brands',
    path: () => `/p/${h.fx.projectId}/brands`,
    ready: (p) => p.getByTestId('explain-text').waitFor(),
  },
  {
    name: 'prompts',
    path: () => `/p/${h.fx.projectId}/prompts?${range}`,
    ready: (p) => p.locator('[data-testid="prompts-table"] td[data-col="rival"] strong').first().waitFor(),
  },
  {
    name: 'prompt',
    path: () => `/p/${h.fx.projectId}/prompts/${h.fx.promptId}`,
    ready: async (p) => {
      await p.getByTestId('prompt-history').waitFor();
      await p.getByTestId('schedule-words').waitFor();
    },
  },
  {
    name: 'settings',
    path: () => `/p/${h.fx.projectId}/settings`,
    ready: (p) => p.getByTestId('settings-note').waitFor(),
  },
  { name: 'workspace', path: () => '/workspace', ready: (p) => p.getByTestId('usage-runs').waitFor() },
  {
    name: 'engines',
    path: () => '/engines',
    ready: (p) => p.getByTestId('engine-list').waitFor(),
  },
  {
    name: 'not found',
    path: () => `/p/${h.fx.projectId}/runs/${h.foreign.runId}`,
    ready: (p) => p.getByTestId('run-not-found').waitFor(),
  },
];

async function open(page: Page, s: Screen): Promise<void> {
  await page.goto(`${h.baseUrl}${s.path()}`);
  await s.ready(page);
}

const WRITE_CONTROL =
  /run now|delete|remove|create|new (project|brand|prompt|engine|rule)|add |edit|save|revoke/i;

describe('a read key', () => {
  it('sees no write control on any screen', async () => {
    const { page } = await h.signedIn({ role: 'read' });
    for (const s of SCREENS.filter((x) => x.name !== 'sign-in')) {
      await open(page, s);
      const controls = await page
        .locator('main button, main [role="button"], main a[href]')
        .evaluateAll((els) =>
          els.map((el) => `${el.textContent ?? ''} ${el.getAttribute('aria-label') ?? ''}`),
        );
      expect({ screen: s.name, writes: controls.filter((c) => WRITE_CONTROL.test(c)) }).toEqual({
        screen: s.name,
        writes: [],
      });
    }
    await page.getByText('Read-only').first().waitFor();
  });

  it('a forged write from its page is refused 403, with or without the CSRF token', async () => {
    const { page } = await h.signedIn({ role: 'read' });
    await page.goto(`${h.baseUrl}/p/${h.fx.projectId}/runs`);
    await page.getByRole('navigation', { name: 'Project sections' }).waitFor();
    const results = await page.evaluate(async (projectId) => {
      const session = (await (await fetch('/v1/sessions/current')).json()) as {
        csrfToken: string;
        role: string;
      };
      const write = (headers: Record<string, string>) =>
        fetch(`/v1/projects/${projectId}/brands`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', ...headers },
          body: JSON.stringify({ name: 'Forged brand', kind: 'competitor' }),
        }).then((r) => r.status);
      return {
        role: session.role,
        withoutToken: await write({}),
        withToken: await write({ 'X-CSRF-Token': session.csrfToken }),
      };
    }, h.fx.projectId);
    expect(results).toEqual({ role: 'read', withoutToken: 403, withToken: 403 });
    const brands = await h.api<{ data: { name: string }[] }>(`/v1/projects/${h.fx.projectId}/brands`);
    expect(brands.data.map((b) => b.name)).not.toContain('Forged brand');
  });

  it('while an admin session writes only with the CSRF token', async () => {
    const { page } = await h.signedIn({ role: 'admin' });
    await page.goto(`${h.baseUrl}/p/${h.fx.projectId}/runs`);
    await page.getByRole('navigation', { name: 'Project sections' }).waitFor();
    const statuses = await page.evaluate(async () => {
      const session = (await (await fetch('/v1/sessions/current')).json()) as { csrfToken: string };
      const write = (headers: Record<string, string>) =>
        fetch('/v1/projects', {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', ...headers },
          body: JSON.stringify({ name: 'Written from the page' }),
        }).then((r) => r.status);
      return [await write({}), await write({ 'X-CSRF-Token': session.csrfToken })];
    });
    expect(statuses).toEqual([403, 201]);
  });
});

describe('every screen', () => {
  it('has no serious or critical axe-core violation', async () => {
    const { page } = await h.signedIn();
    const anonymous = await h.anonymous();
    const found: Record<string, unknown> = {};
    for (const s of SCREENS) {
      const p = s.name === 'sign-in' ? anonymous.page : page;
      await open(p, s);
      const violations = await seriousAxeViolations(p);
      if (violations.length > 0) found[s.name] = violations;
    }
    expect(found).toEqual({});
  });

  it.each([1280, 390])('is readable at %i px: the page body never scrolls sideways', async (width) => {
    const { page } = await h.signedIn({ width, height: 800 });
    const anonymous = await h.anonymous({ width, height: 800 });
    const overflow: Record<string, string> = {};
    for (const s of SCREENS) {
      const p = s.name === 'sign-in' ? anonymous.page : page;
      await open(p, s);
      const px = await horizontalOverflow(p);
      if (px > 1) overflow[s.name] = `${px} px: ${(await overflowingElements(p)).join(', ')}`;
    }
    expect(overflow).toEqual({});
  });
});
