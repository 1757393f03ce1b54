// Alerts and webhooks in the browser against the real service: an alert rule created entirely through the
// form, its 30-day preview (the live evaluation replayed) changing as the rule is edited, a server validation
// error shown next to its field with what was typed kept, delete with confirmation; a webhook created with its
// secret shown once and never again, a test event delivered to the fake receiver (private addresses are
// allowed in tests: EGRESS_ALLOW_PRIVATE) and shown in the delivery log; a read key sees none of these forms;
// a forged write without the CSRF token is refused.
// ALERTS_SCREENSHOTS=<dir> also writes alerts.png and webhooks.png there.
import path from 'node:path';
import { type Page } from 'playwright-core';
import type {
  AlertRulesControllerAlertsResponse as Alerts,
  AlertRulesControllerListResponse as Rules,
  WebhooksControllerDeliveriesResponse as Deliveries,
  WebhooksControllerListResponse as Webhooks,
} from '../../clients/typescript/types.gen';
import { hasValidSignature, WebhookReceiver } from '../support/webhook-receiver';
import { until } from '../support/wait';
import {
  collectPageErrors,
  horizontalOverflow,
  overflowingElements,
  seriousAxeViolations,
} from './support/browser';
import { startBrowserHarness, type BrowserHarness } from './support/harness';

let h: BrowserHarness;
let receiver: WebhookReceiver;
const SHOTS = process.env.ALERTS_SCREENSHOTS;

const alertsUrl = (query = ''): string => `${h.baseUrl}/p/${h.fx.projectId}/alerts${query}`;
const shot = async (page: Page, name: string): Promise<void> => {
  if (SHOTS) await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
};
const rules = async (): Promise<Rules['data']> =>
  (await h.api<Rules>(`/v1/projects/${h.fx.projectId}/alert-rules?limit=100`)).data;
const webhooks = async (): Promise<Webhooks['data']> =>
  (await h.api<Webhooks>('/v1/webhooks?limit=100')).data;

/** The preview once it answers for the draft as it is now (not a stale one). */
async function settledPreview(page: Page): Promise<{ firings: number; summary: string }> {
  const panel = page.locator('section.rule-preview[aria-busy="false"] [data-testid="rule-preview"]');
  await panel.waitFor();
  return {
    firings: Number(await panel.getAttribute('data-firings')),
    summary: (await panel.getByTestId('preview-summary').textContent()) ?? '',
  };
}

beforeAll(async () => {
  h = await startBrowserHarness('balerts');
  receiver = new WebhookReceiver();
  await receiver.start();
});

afterAll(async () => {
  await h?.stop();
  await receiver?.stop();
});

describe('Alerts screen', () => {
  it('creates a rule through the form with its 30-day preview, keeping what was typed on a 400', async () => {
    // The fixture's own-domain rule fired on the first run citing northwind.example: the preview of the
    // same rule must fire there, and only there.
    const fired = await until('the fixture rule fired', async () => {
      const log = await h.api<Alerts>(`/v1/projects/${h.fx.projectId}/alerts`);
      return log.data.find((a) => a.kind === 'first_own_domain_citation') ?? null;
    });
    const { page } = await h.signedIn();
    const errors = collectPageErrors(page);
    await page.goto(alertsUrl());
    await page.getByTestId('alert-rules').waitFor();
    await page.getByRole('link', { name: 'New rule' }).click();
    await page.getByRole('heading', { name: 'New alert rule' }).waitFor();
    expect(new URL(page.url()).searchParams.get('rule')).toBe('new');

    // The default mention-rate drop needs 10 runs per window: six landed runs decide nothing.
    await page.getByLabel('Name', { exact: true }).fill('Own domain first cited');
    expect((await settledPreview(page)).firings).toBe(0);
    await page.getByLabel('Kind', { exact: true }).selectOption('first_own_domain_citation');
    await until('preview of the citation rule', async () =>
      (await settledPreview(page)).firings === 1 ? true : null,
    );
    const firing = page.getByTestId('preview-firing');
    expect(await firing.getAttribute('data-run')).toBe(fired.runId);
    expect(await firing.textContent()).toContain('northwind.example');
    await shot(page, 'alerts');

    // Back to a threshold rule with a window the API refuses: shown next to the field, everything kept.
    await page.getByLabel('Kind', { exact: true }).selectOption('above_fold_change');
    await page.getByLabel('Window (hours)').fill('a week');
    await page.getByLabel('Threshold (%)').fill('50');
    await page.getByLabel('Minimum runs').fill('1');
    await page.getByTestId('preview-error').waitFor();
    const refused = page.waitForResponse(
      (r) => r.url().endsWith('/alert-rules') && r.request().method() === 'POST',
    );
    await page.getByRole('button', { name: 'Create rule' }).click();
    expect((await refused).status()).toBe(400);
    const windowError = page.locator('.field-error[data-field="params.windowHours"]');
    await windowError.waitFor();
    const windowInput = page.getByLabel('Window (hours)');
    expect(await windowInput.inputValue()).toBe('a week');
    expect(await windowInput.getAttribute('aria-invalid')).toBe('true');
    expect(await windowInput.evaluate((el) => el === document.activeElement)).toBe(true);
    expect(await page.getByLabel('Name', { exact: true }).inputValue()).toBe('Own domain first cited');
    expect(await page.getByLabel('Threshold (%)').inputValue()).toBe('50');
    expect((await rules()).map((r) => r.name)).toEqual(['Own domain cited']);
    expect(await seriousAxeViolations(page)).toEqual([]);

    // Fixing the field clears its message; the preview answers again, over the six landed runs.
    await windowInput.fill('24');
    await windowError.waitFor({ state: 'detached' });
    await until('preview after the fix', async () =>
      (await settledPreview(page)).summary.includes('over 6 runs') ? true : null,
    );
    await page.getByRole('button', { name: 'Create rule' }).click();
    await page.getByRole('heading', { name: 'New alert rule' }).waitFor({ state: 'hidden' });
    const created = (await rules()).find((r) => r.name === 'Own domain first cited');
    expect(created).toMatchObject({
      kind: 'above_fold_change',
      enabled: true,
      params: { windowHours: 24, thresholdPercent: 50, minRuns: 1 },
    });
    await page.getByTestId('alert-rules').getByText('Own domain first cited').waitFor();

    // Edited through the same form (PATCH): the kind is fixed, the stored values are shown.
    await page.getByRole('link', { name: 'Edit Own domain first cited' }).click();
    await page.getByRole('heading', { name: 'Edit Own domain first cited' }).waitFor();
    expect(await page.getByLabel('Kind', { exact: true }).isDisabled()).toBe(true);
    expect(await page.getByLabel('Window (hours)').inputValue()).toBe('24');
    await page.getByLabel('Minimum runs').fill('2');
    await page.getByRole('button', { name: 'Save rule' }).click();
    await page.getByRole('heading', { name: /^Edit / }).waitFor({ state: 'hidden' });
    expect((await rules()).find((r) => r.id === created!.id)?.params).toMatchObject({ minRuns: 2 });

    // Delete asks first; Cancel keeps the rule.
    await page.getByRole('link', { name: 'Edit Own domain first cited' }).click();
    await page.getByRole('button', { name: 'Delete rule…' }).click();
    const dialog = page.getByTestId('delete-rule-dialog');
    expect(await dialog.textContent()).toContain('Alerts it already fired stay in the alert log');
    expect(
      await dialog.getByRole('button', { name: 'Cancel' }).evaluate((el) => el === document.activeElement),
    ).toBe(true);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'hidden' });
    expect((await rules()).some((r) => r.id === created!.id)).toBe(true);
    await page.getByRole('button', { name: 'Delete rule…' }).click();
    await dialog.getByRole('button', { name: 'Delete Own domain first cited' }).click();
    await page.getByRole('heading', { name: /^Edit / }).waitFor({ state: 'hidden' });
    expect((await rules()).some((r) => r.id === created!.id)).toBe(false);

    // The refused create is the only failed request that may be logged (Chromium logs 400s).
    expect(errors.filter((e) => !e.includes('status of 400'))).toEqual([]);
  });
});

describe('Webhooks screen', () => {
  it('creates a webhook, shows its secret once, and logs a delivered test event', async () => {
    const { page } = await h.signedIn();
    const errors = collectPageErrors(page);
    await page.goto(alertsUrl());
    await page.getByRole('link', { name: 'Webhooks', exact: true }).click();
    await page.getByRole('heading', { name: 'Webhooks', level: 1 }).waitFor();
    await page.getByRole('link', { name: 'New webhook' }).click();
    const url = receiver.url('/ui-test');
    await page.getByLabel('URL', { exact: true }).fill(url);
    await page.getByLabel('Format').selectOption('slack');
    await page.getByLabel(/Run completed/).check();
    const refused = page.waitForResponse(
      (r) => r.url().endsWith('/v1/webhooks') && r.request().method() === 'POST',
    );
    await page.getByRole('button', { name: 'Create webhook' }).click();
    expect((await refused).status()).toBe(400);
    const eventsError = page.locator('.field-error[data-field="events"]');
    await eventsError.waitFor();
    expect(await eventsError.textContent()).toContain('alert.triggered only');
    expect(await page.getByLabel('URL', { exact: true }).inputValue()).toBe(url);
    expect(await webhooks()).toEqual([]);

    await page.getByLabel('Format').selectOption('standard');
    await page.getByRole('button', { name: 'Create webhook' }).click();
    const secretBox = page.getByTestId('webhook-secret');
    await secretBox.waitFor();
    expect(await secretBox.textContent()).toContain('you will not see this secret again');
    const secret = (await secretBox.getByTestId('secret-value').textContent()) ?? '';
    expect(secret).toMatch(/^whsec_/);
    const [hook] = await webhooks();
    expect(hook).toMatchObject({ url, events: ['run.completed', 'alert.triggered'], format: 'standard' });
    expect(hook).not.toHaveProperty('secret');
    expect(new URL(page.url()).searchParams.get('webhook')).toBe(hook!.id);
    expect(page.url()).not.toContain(secret.slice(6, 20));

    // Dismissed, it is gone for good: not on the page, not after a reload.
    await page.getByRole('button', { name: 'I have stored it' }).click();
    await secretBox.waitFor({ state: 'hidden' });
    expect(await page.content()).not.toContain(secret);
    await page.reload();
    await page.getByRole('heading', { name: 'Delivery log' }).waitFor();
    expect(await page.content()).not.toContain(secret);

    await page.getByRole('button', { name: 'Send test event' }).click();
    const delivered = page.locator('[data-testid="deliveries"] [data-status="succeeded"]');
    await delivered.waitFor();
    const row = page.getByTestId('deliveries').locator('tbody tr').first();
    expect(await row.textContent()).toMatch(/webhook\.test.*Test.*Delivered.*1.*HTTP 200/);
    const [received] = receiver.received.get('/ui-test') ?? [];
    expect(received && hasValidSignature(received, secret)).toBe(true);
    const log = await h.api<Deliveries>(`/v1/webhooks/${hook!.id}/deliveries`);
    expect(log.data).toEqual([
      expect.objectContaining({ event: 'webhook.test', test: true, status: 'succeeded' }),
    ]);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await shot(page, 'webhooks');

    // Rotating asks first, then shows the new secret once; the old one no longer signs.
    await page.getByRole('button', { name: 'Rotate secret…' }).click();
    await page.getByTestId('rotate-dialog').getByRole('button', { name: 'Rotate secret' }).click();
    await secretBox.waitFor();
    const rotated = (await secretBox.getByTestId('secret-value').textContent()) ?? '';
    expect(rotated).toMatch(/^whsec_/);
    expect(rotated).not.toBe(secret);
    await page.getByRole('button', { name: 'I have stored it' }).click();
    await secretBox.waitFor({ state: 'hidden' });

    // A forged write from this admin page without the CSRF token is refused and sends nothing.
    const forged = await page.evaluate(
      async ([id, projectId]) => {
        const post = (p: string, body?: object) =>
          fetch(p, {
            method: 'POST',
            headers: { 'Content-Type': 'application/json' },
            body: JSON.stringify(body ?? {}),
          }).then((r) => r.status);
        return [
          await post(`/v1/webhooks/${id}/test`),
          await post(`/v1/projects/${projectId}/alert-rules`, {
            name: 'Forged',
            kind: 'first_own_domain_citation',
            params: {},
          }),
        ];
      },
      [hook!.id, h.fx.projectId] as const,
    );
    expect(forged).toEqual([403, 403]);
    expect((await h.api<Deliveries>(`/v1/webhooks/${hook!.id}/deliveries`)).data).toHaveLength(1);
    expect((await rules()).map((r) => r.name)).not.toContain('Forged');

    // Delete asks first, then the endpoint is gone.
    await page.getByRole('button', { name: 'Delete webhook…' }).click();
    const dialog = page.getByTestId('delete-webhook-dialog');
    expect(await dialog.textContent()).toContain('delivery log is deleted with it');
    await dialog.getByRole('button', { name: 'Delete webhook' }).click();
    await page.getByRole('heading', { name: 'Delivery log' }).waitFor({ state: 'hidden' });
    expect(await webhooks()).toEqual([]);
    expect(errors.filter((e) => !e.includes('status of 400') && !e.includes('status of 403'))).toEqual([]);
  });

  it('shows a read key none of these forms', async () => {
    const { page } = await h.signedIn({ role: 'read' });
    await page.goto(alertsUrl('?rule=new'));
    await page.getByTestId('alert-rules').waitFor();
    expect(await page.locator('form').count()).toBe(0);
    expect(await page.getByRole('link', { name: /new rule|edit/i }).count()).toBe(0);
    expect(await page.getByRole('link', { name: 'Webhooks', exact: true }).count()).toBe(0);
    await page.goto(`${h.baseUrl}/webhooks?webhook=new`);
    await page.getByTestId('read-only-note').waitFor();
    expect(await page.locator('form').count()).toBe(0);
    expect(
      await page
        .getByRole('button')
        .filter({ hasText: /send test|delete|create|rotate/i })
        .count(),
    ).toBe(0);
  });

  it('is accessible and fits 390 px', async () => {
    for (const width of [1280, 390]) {
      const { page } = await h.signedIn({ width, height: 844 });
      await page.goto(alertsUrl('?rule=new'));
      await page.getByRole('heading', { name: 'New alert rule' }).waitFor();
      await settledPreview(page);
      expect(await seriousAxeViolations(page)).toEqual([]);
      expect({ overflow: await horizontalOverflow(page), elements: await overflowingElements(page) }).toEqual(
        {
          overflow: 0,
          elements: [],
        },
      );
      await page.goto(`${h.baseUrl}/webhooks?webhook=new`);
      await page.getByRole('heading', { name: 'New webhook' }).waitFor();
      expect(await seriousAxeViolations(page)).toEqual([]);
      expect({ overflow: await horizontalOverflow(page), elements: await overflowingElements(page) }).toEqual(
        {
          overflow: 0,
          elements: [],
        },
      );
    }
  });
});
