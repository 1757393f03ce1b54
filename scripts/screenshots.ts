/**
 * `npm run screenshots`: regenerates docs/screenshots/*.png from a demo-like workspace.
 *
 * Its own database (SCREENSHOTS_DATABASE_URL, default streamrank_screenshots: reset and migrated each time) and
 * its own port (ephemeral) and queue prefix: the app in-process (ROLE=all, scheduler off), the demo seeder and
 * the demo engine (synthetic answers with realistic timing, labelled synthetic), a few competitor_overtake
 * alert rules, SCREENSHOTS_ROUNDS rounds of "run now" on every prompt (default 10), and every run landed before
 * headless Chromium takes the pictures: sign-in, overview, competitors, sources, runs, the run page with the
 * replay paused mid-way (some mentions lit), alerts, brands (the "test this text" box answered), at 1280x800,
 * and the overview at 390x844. SCREENSHOTS_ONLY=brands,overview-mobile (file names without .png) writes only
 * those.
 */
import 'reflect-metadata';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import { type Page } from 'playwright-core';
import { createHttpApp } from '../src/bootstrap';
import { loadConfig } from '../src/config/app-config';
import { applyMigrations, ensureDatabase } from '../src/infra/database/migrator';
import { ApiKeyService } from '../src/auth/api-key.service';
import { RunNowService } from '../src/runs/api/run-now.service';
import { launchChromium } from '../test/browser/support/browser';
import { waitForChartsDrawn } from '../test/browser/support/signals';
import { DemoSeeder } from './demo-seeder';

const DB_URL =
  process.env.SCREENSHOTS_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/streamrank_screenshots';
const OUT = path.resolve(__dirname, '../docs/screenshots');
const ROUNDS = Number(process.env.SCREENSHOTS_ROUNDS ?? 10);
const ONLY = process.env.SCREENSHOTS_ONLY ? new Set(process.env.SCREENSHOTS_ONLY.split(',')) : null;
const wanted = (name: string): boolean => ONLY === null || ONLY.has(name);

const log = (m: string): void => void process.stderr.write(`screenshots: ${m}\n`);

interface Run {
  id: string;
  status: string;
}

async function resetDatabase(): Promise<void> {
  await ensureDatabase(DB_URL);
  const c = new Client({ connectionString: DB_URL });
  await c.connect();
  try {
    await c.query('DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public;');
  } finally {
    await c.end();
  }
  await applyMigrations(DB_URL, path.resolve(__dirname, '../prisma/migrations'));
}

/** Settles the page: fonts loaded, charts drawn and their entry animation over. */
async function settle(page: Page, charts: boolean): Promise<void> {
  await page.evaluate(() => document.fonts.ready.then(() => undefined));
  if (charts) {
    await waitForChartsDrawn(page, 120_000);
    await page.waitForTimeout(1500);
  }
}

async function main(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  await resetDatabase();
  const config = loadConfig({
    ...process.env,
    DATABASE_URL: DB_URL,
    REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    QUEUE_PREFIX: `srshots-${process.pid}`,
    ENCRYPTION_KEY: process.env.ENCRYPTION_KEY ?? 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=',
    ROLE: 'all',
    SCHEDULER_ENABLED: 'false',
    LOG_LEVEL: process.env.SCREENSHOTS_LOG_LEVEL ?? 'silent',
    API_RATE_LIMIT_PER_MINUTE: '0',
  });
  const app = await createHttpApp(config);
  await app.listen(0, '127.0.0.1');
  const base = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
  const browser = await launchChromium();
  try {
    const seeded = await new DemoSeeder(app.get(ApiKeyService), app).seed(undefined);
    const key = seeded.apiKey!;
    const ws = seeded.workspaceId;
    const projectId = seeded.projectId;
    const api = async <T>(p: string, init: RequestInit = {}): Promise<T> => {
      const res = await fetch(`${base}${p}`, {
        ...init,
        headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
      });
      if (res.status >= 300) throw new Error(`${p}: HTTP ${res.status} ${await res.text()}`);
      return (await res.json()) as T;
    };
    const brands = (await api<{ data: { id: string; kind: string }[] }>(`/v1/projects/${projectId}/brands`))
      .data;
    for (const competitor of brands.filter((b) => b.kind === 'competitor').slice(0, 3)) {
      await api(`/v1/projects/${projectId}/alert-rules`, {
        method: 'POST',
        body: JSON.stringify({
          name: 'Competitor arrives first',
          kind: 'competitor_overtake',
          params: { competitorId: competitor.id, windowHours: 24, minRuns: 2 },
        }),
      });
    }
    const prompts = (await api<{ data: { id: string }[] }>(`/v1/projects/${projectId}/prompts`)).data;
    for (let round = 0; round < ROUNDS; round++) {
      for (const p of prompts) await app.get(RunNowService).runNow(ws, p.id, {}, undefined);
    }
    log(`waiting for the runs to land (${prompts.length} prompts x ${ROUNDS + 1} rounds)`);
    let runs: Run[] = [];
    for (const deadline = Date.now() + 600_000; ;) {
      runs = (await api<{ data: Run[] }>(`/v1/runs?projectId=${projectId}&limit=200`)).data;
      if (runs.every((r) => ['succeeded', 'failed', 'skipped'].includes(r.status))) break;
      if (Date.now() > deadline) throw new Error('runs did not land in 10 minutes');
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    log(`${runs.length} runs: ${runs.filter((r) => r.status === 'succeeded').length} succeeded`);

    // The run with the most mentions makes the clearest replay picture.
    let best = { id: '', mentions: -1 };
    for (const r of runs.filter((x) => x.status === 'succeeded')) {
      const detail = await api<{ mentions: unknown[] }>(`/v1/runs/${r.id}`);
      if (detail.mentions.length > best.mentions) best = { id: r.id, mentions: detail.mentions.length };
    }

    if (wanted('sign-in')) {
      const anonymous = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      const signInPage = await anonymous.newPage();
      await signInPage.goto(`${base}/sign-in`);
      await signInPage.getByLabel('API key').waitFor();
      await settle(signInPage, false);
      await signInPage.screenshot({ path: path.join(OUT, 'sign-in.png') });
      await anonymous.close();
    }

    for (const viewport of [
      { width: 1280, height: 800, suffix: '' },
      { width: 390, height: 844, suffix: '-mobile' },
    ]) {
      const context = await browser.newContext({ viewport, deviceScaleFactor: 1 });
      const res = await context.request.post(`${base}/v1/sessions`, {
        data: { apiKey: key },
        headers: { Origin: base },
      });
      if (res.status() !== 201) throw new Error(`sign-in: HTTP ${res.status()}`);
      const page = await context.newPage();
      const shoot = async (
        name: string,
        url: string,
        ready: () => Promise<unknown>,
        fullPage = false,
      ): Promise<void> => {
        if (!wanted(`${name}${viewport.suffix}`)) return;
        await page.goto(`${base}${url}`);
        await ready();
        await page.screenshot({ path: path.join(OUT, `${name}${viewport.suffix}.png`), fullPage });
        log(`${name}${viewport.suffix}.png`);
      };
      const project = `/p/${projectId}`;
      await shoot('overview', `${project}/overview`, () => settle(page, true));
      if (viewport.suffix) {
        await context.close();
        continue;
      }
      await shoot('competitors', `${project}/competitors`, () => settle(page, true));
      await shoot('sources', `${project}/sources`, () =>
        page.getByTestId('cited-domains').or(page.locator('.state-empty, .empty-state')).first().waitFor(),
      );
      await shoot('runs', `${project}/runs`, () => page.getByTestId('runs-table').waitFor());
      await shoot('alerts', `${project}/alerts`, () =>
        page.locator('main table, main .state').first().waitFor(),
      );
      await shoot(
        'brands',
        `${project}/brands`,
        async () => {
          await page.getByRole('heading', { name: /^Edit / }).waitFor();
          await page
            .getByTestId('explain-text')
            .fill('Northwind CRM leads, ahead of HubSpot (hubspot.com) and salesforce. The northwind blew.');
          await page.getByRole('button', { name: 'Test', exact: true }).click();
          await page.getByTestId('explain-result').waitFor();
          await settle(page, false);
        },
        true,
      );
      await shoot('replay', `${project}/runs/${best.id}`, async () => {
        await page.waitForFunction(() => Boolean(window.__streamrankReplay?.clock), undefined, {
          timeout: 60_000,
        });
        // Paused just after the middle mention reached the reader: the earlier mentions lit, the text mid-way.
        await page.evaluate(() => {
          const hook = window.__streamrankReplay!;
          hook.clock!.pause();
          hook.clock!.seek(1e12);
          const times = Array.from(
            document.querySelectorAll<HTMLElement>('[data-testid="replay-text"] [data-mention-brand]'),
          )
            .map((el) => Number(el.dataset.visibleAtMs))
            .sort((a, b) => a - b);
          const middle = times[Math.floor(times.length / 2)];
          hook.clock!.seek(middle === undefined ? hook.state.durationMs / 2 : middle + 1);
        });
        await page.waitForTimeout(500);
      });
      await context.close();
    }
    log(`written to ${OUT}`);
  } finally {
    await browser.close();
    await app.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
