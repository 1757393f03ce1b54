// One browser spec's world: the real service in-process (ROLE=all, its own queue prefix, serving the built
// web/dist), a workspace with an admin and a read key, the scripted fixture with runs landed through the real
// pipeline, a second workspace with a run of its own (for cross-workspace checks), and headless Chromium.
import path from 'node:path';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { ManualRunRepository } from '../../../src/runs/api/manual-run.repository';
import { createUnqueuedRun, deleteQueueKeys, isolatedQueuePrefix } from '../../support/pipeline';
import { createWorkspace, startTestApp, type TestApp, type TestWorkspace } from '../../support/test-app';
import { launchChromium } from './browser';
import { createFixture, landRuns, type BrowserFixture } from './fixture';

export const WEB_DIST_DIR = process.env.WEB_DIST_DIR ?? path.resolve(__dirname, '../../../web/dist');

export interface BrowserHarness {
  t: TestApp;
  baseUrl: string;
  ws: TestWorkspace;
  fx: BrowserFixture;
  /** Another workspace's project and (queued, never executed) run. */
  foreign: { projectId: string; runId: string };
  browser: Browser;
  /** GET a JSON API path with the admin (default) or read key's Bearer header. */
  api: <T>(pathAndQuery: string, role?: 'admin' | 'read') => Promise<T>;
  /** A fresh context (no storage) signed in with a key through POST /v1/sessions, and a page. */
  signedIn: (options?: PageOptions) => Promise<{ context: BrowserContext; page: Page }>;
  /** A fresh context that is not signed in, and a page. */
  anonymous: (options?: PageOptions) => Promise<{ context: BrowserContext; page: Page }>;
  stop: () => Promise<void>;
}

export interface PageOptions {
  role?: 'admin' | 'read';
  width?: number;
  height?: number;
}

export async function startBrowserHarness(
  tag: string,
  options: { landRuns?: boolean; env?: Record<string, string> } = {},
): Promise<BrowserHarness> {
  const prefix = isolatedQueuePrefix(tag);
  const t = await startTestApp({
    ROLE: 'all',
    QUEUE_PREFIX: prefix,
    EGRESS_ALLOW_PRIVATE: 'true',
    RUN_BACKOFF_MS: '20',
    WEB_DIST_DIR,
    API_RATE_LIMIT_PER_MINUTE: '0',
    ...options.env,
  });
  const made: { base?: Awaited<ReturnType<typeof createFixture>> } = {};
  let world: { ws: TestWorkspace; fx: BrowserFixture; foreign: BrowserHarness['foreign']; browser: Browser };
  try {
    world = await setUp(t, options, (b) => (made.base = b));
  } catch (error) {
    // A failed setup must not leave the app, its worker or the fakes running (jest would never exit).
    await t.close().catch(() => undefined);
    await made.base?.gptFake.stop();
    await made.base?.sonarFake.stop();
    await deleteQueueKeys(prefix).catch(() => undefined);
    throw error;
  }
  const { ws, fx, foreign, browser } = world;
  const contexts: BrowserContext[] = [];
  const newContext = async (o: PageOptions): Promise<{ context: BrowserContext; page: Page }> => {
    const context = await browser.newContext({
      viewport: { width: o.width ?? 1280, height: o.height ?? 800 },
      acceptDownloads: true,
    });
    // Generous: two shared cores also run other work; no assertion here is about speed.
    context.setDefaultTimeout(60_000);
    contexts.push(context);
    return { context, page: await context.newPage() };
  };

  return {
    t,
    baseUrl: t.baseUrl,
    ws,
    fx,
    foreign,
    browser,
    api: async <T>(pathAndQuery: string, role: 'admin' | 'read' = 'admin'): Promise<T> => {
      const res = await fetch(`${t.baseUrl}${pathAndQuery}`, { headers: ws.auth(role) });
      if (res.status !== 200) throw new Error(`GET ${pathAndQuery}: HTTP ${res.status} ${await res.text()}`);
      return (await res.json()) as T;
    },
    anonymous: (o = {}) => newContext(o),
    signedIn: async (o = {}) => {
      const opened = await newContext(o);
      const res = await opened.context.request.post(`${t.baseUrl}/v1/sessions`, {
        data: { apiKey: o.role === 'read' ? ws.readKey : ws.adminKey },
        headers: { Origin: t.baseUrl },
      });
      if (res.status() !== 201) throw new Error(`sign-in: HTTP ${res.status()} ${await res.text()}`);
      return opened;
    },
    stop: async () => {
      for (const c of contexts) await c.close().catch(() => undefined);
      await browser.close().catch(() => undefined);
      await t.close();
      await fx.gptFake.stop();
      await fx.sonarFake.stop();
      await deleteQueueKeys(prefix);
    },
  };
}

async function setUp(
  t: TestApp,
  options: { landRuns?: boolean },
  created: (base: Awaited<ReturnType<typeof createFixture>>) => void,
): Promise<{ ws: TestWorkspace; fx: BrowserFixture; foreign: BrowserHarness['foreign']; browser: Browser }> {
  const ws = await createWorkspace(t);
  const base = await createFixture(t, ws);
  created(base);
  const runIds = options.landRuns === false ? [] : await landRuns(t, ws, base);
  const fx: BrowserFixture = { ...base, runIds };

  const other = await createWorkspace(t);
  const otherProject = await t.http().post('/v1/projects').set(other.auth()).send({ name: 'Other' });
  const otherEngine = await t
    .http()
    .post('/v1/engines')
    .set(other.auth())
    .send({ name: 'Other engine', provider: 'demo', model: 'streamrank-demo' });
  const otherPrompt = await t
    .http()
    .post(`/v1/projects/${otherProject.body.id}/prompts`)
    .set(other.auth())
    .send({ text: 'Other question?', engineIds: [otherEngine.body.id], cron: '0 0 1 1 *' });
  const foreignRun = await createUnqueuedRun(t.app.get(ManualRunRepository), other.workspaceId, {
    projectId: otherProject.body.id as string,
    promptId: otherPrompt.body.id as string,
    engineId: otherEngine.body.id as string,
  });

  const foreign = { projectId: otherProject.body.id as string, runId: foreignRun };
  return { ws, fx, foreign, browser: await launchChromium() };
}
