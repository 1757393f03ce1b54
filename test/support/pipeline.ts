// Helpers for the run pipeline e2e specs: a per-file queue prefix, HTTP fixtures (project, brands, engine,
// prompt), "run now" and polling a run until it is terminal.
import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { type ManualRunRepository } from '../../src/runs/api/manual-run.repository';
import { FakeOpenAiServer } from '../fakes/fake-openai-server';
import { createWorkspace, startTestApp, type TestApp, type TestWorkspace } from './test-app';

export const TERMINAL_STATUSES = ['succeeded', 'failed', 'skipped'];

/**
 * A queue prefix of this spec file's own. Every ROLE=all app in a jest run would otherwise consume one shared
 * queue, so another file's worker could execute (and, on its app's close, abort) this file's runs.
 */
export function isolatedQueuePrefix(tag: string): string {
  const prefix = `${process.env.QUEUE_PREFIX ?? 'srtest'}-${tag}`;
  if (prefix.length > 40) throw new Error(`queue prefix too long: ${prefix}`);
  return prefix;
}

/** Deletes the Redis keys under a prefix (global-teardown only cleans the run's base prefix). */
export async function deleteQueueKeys(prefix: string): Promise<void> {
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', {
    lazyConnect: true,
    maxRetriesPerRequest: 1,
  });
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await redis.unlink(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

export interface BrandInput {
  name: string;
  kind?: 'own' | 'competitor';
  aliases?: string[];
  domains?: string[];
}

export interface PipelineFixture {
  projectId: string;
  engineId: string;
  promptId: string;
  /** Brand ids by brand name. */
  brands: Record<string, string>;
}

export interface FixtureOptions {
  baseUrl: string;
  brands: BrandInput[];
  project?: { foldTokens?: number; halfLifeMs?: number };
  credential?: string;
  /** Default: once a year, so the claimer never finds it due unless a test moves nextSlotAt. */
  cron?: string;
  samplesPerSlot?: number;
  /** More engines on the same prompt (all openai-compatible at `baseUrl`). */
  extraEngines?: number;
}

let fixtureCounter = 0;

/** Project, brands, an openai-compatible engine and a prompt, all through the HTTP API. */
export async function createPipelineFixture(
  t: TestApp,
  ws: TestWorkspace,
  options: FixtureOptions,
): Promise<PipelineFixture & { engineIds: string[] }> {
  const n = ++fixtureCounter;
  const project = await t
    .http()
    .post('/v1/projects')
    .set(ws.auth())
    .send({ name: `pipeline ${n}`, ...options.project })
    .expect(201);
  const projectId = project.body.id as string;
  const brands: Record<string, string> = {};
  for (const brand of options.brands) {
    const res = await t
      .http()
      .post(`/v1/projects/${projectId}/brands`)
      .set(ws.auth())
      .send({
        name: brand.name,
        kind: brand.kind ?? 'competitor',
        aliases: (brand.aliases ?? []).map((text) => ({ text })),
        ...(brand.domains === undefined ? {} : { domains: brand.domains }),
      })
      .expect(201);
    brands[brand.name] = res.body.id as string;
  }
  const engineIds: string[] = [];
  for (let i = 0; i <= (options.extraEngines ?? 0); i++) {
    const engine = await t
      .http()
      .post('/v1/engines')
      .set(ws.auth())
      .send({
        name: `fake ${n}.${i}`,
        provider: 'openai-compatible',
        model: 'gpt-fake',
        baseUrl: options.baseUrl,
        credential: options.credential ?? 'sk-fake-test-key',
      })
      .expect(201);
    engineIds.push(engine.body.id as string);
  }
  const prompt = await t
    .http()
    .post(`/v1/projects/${projectId}/prompts`)
    .set(ws.auth())
    .send({
      text: 'What are the best CRM tools?',
      engineIds,
      cron: options.cron ?? '0 0 1 1 *',
      ...(options.samplesPerSlot === undefined ? {} : { samplesPerSlot: options.samplesPerSlot }),
    })
    .expect(201);
  return { projectId, engineId: engineIds[0]!, engineIds, promptId: prompt.body.id as string, brands };
}

/** POST /v1/prompts/:id/run; returns the single run id (one engine, one sample). */
export async function runNow(t: TestApp, ws: TestWorkspace, promptId: string): Promise<string> {
  const res = await t.http().post(`/v1/prompts/${promptId}/run`).set(ws.auth()).send({}).expect(202);
  const runIds = res.body.runIds as string[];
  if (runIds.length !== 1) throw new Error(`expected one run, got ${runIds.length}`);
  return runIds[0]!;
}

/**
 * One queued run created straight in the ledger and never enqueued: no worker races the test that executes it
 * (or changes its configuration first). Returns its id.
 */
export async function createUnqueuedRun(
  ledger: Pick<ManualRunRepository, 'createManualRuns'>,
  workspaceId: string,
  fx: { projectId: string; promptId: string; engineId: string },
): Promise<string> {
  const { runIds } = await ledger.createManualRuns({
    workspaceId,
    projectId: fx.projectId,
    promptId: fx.promptId,
    engines: [{ id: fx.engineId, synthetic: false }],
    samples: 1,
    idempotencyKey: null,
    requestHash: `unqueued-${randomUUID()}`,
    now: new Date(),
  });
  return runIds[0]!;
}

/** Polls GET /v1/runs/:id until the run is terminal; fails with the last body seen on timeout. */
export async function waitForRun(
  t: TestApp,
  ws: TestWorkspace,
  runId: string,
  timeoutMs = 10_000,
): Promise<RunDetail> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await t.http().get(`/v1/runs/${runId}`).set(ws.auth('read'));
    if (res.status === 200 && TERMINAL_STATUSES.includes((res.body as RunDetail).status)) {
      return res.body as RunDetail;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `run ${runId} not terminal after ${timeoutMs} ms; last GET /v1/runs/:id (HTTP ${res.status}):\n` +
          JSON.stringify(res.body, null, 2).slice(0, 4000),
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export interface TokenRow {
  index: number;
  text: string;
  charEnd: number;
  arrivalMs: number;
}

export async function getTokens(t: TestApp, ws: TestWorkspace, runId: string): Promise<TokenRow[]> {
  const res = await t.http().get(`/v1/runs/${runId}/tokens`).set(ws.auth('read')).expect(200);
  return res.body.data as TokenRow[];
}

/** The parts of GET /v1/runs/:id the specs look at. */
export interface RunDetail {
  id: string;
  status: string;
  attempts: number;
  failureReason: string | null;
  failureMessage: string | null;
  skipReason: string | null;
  result: {
    complete: boolean;
    answerText: string;
    reasoningText: string | null;
    finishReason: string | null;
    flags: string[];
    responseModel: string | null;
    usage: { inputTokens: number | null; outputTokens: number | null };
    timings: { requestSentAt: string; headersMs: number | null; ttftMs: number | null; durationMs: number };
    answerTokens: number;
    chunks: { index: number; charStart: number; charEnd: number; arrivalMs: number }[];
  } | null;
  mentions: {
    brandId: string;
    matched: string;
    charStart: number;
    charEnd: number;
    tokenIndex: number;
    visibleAtMs: number;
    sinceFirstTokenMs: number;
    relPosition: number;
    inBold: boolean;
    sentiment: 'positive' | 'neutral' | 'negative' | null;
    sentimentScore: number | null;
  }[];
  scores: {
    brandId: string;
    mentioned: boolean;
    mentionCount: number;
    firstVisibleAtMs: number | null;
    sinceFirstTokenMs: number | null;
    firstTokenIndex: number | null;
    order: number | null;
    aboveFold: boolean;
    attention: number;
    streamScore: number;
  }[];
  attemptLog: {
    attempt: number;
    outcome: string | null;
    reasonCode: string | null;
    httpStatus: number | null;
    message: string | null;
    retryAfterMs: number | null;
  }[];
}

/** Percentile (nearest rank) of absolute values. */
export function percentile(values: number[], p: number): number {
  const sorted = values.map(Math.abs).sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export interface PipelineHarness {
  fake: FakeOpenAiServer;
  /** The fake's OpenAI base URL (`http://127.0.0.1:<port>/v1`). */
  baseUrl: string;
  /** The fake's origin (`http://127.0.0.1:<port>`), for specs that route each test under its own path. */
  origin: string;
  /** This spec file's queue prefix. */
  prefix: string;
  t: TestApp;
  ws: TestWorkspace;
  /**
   * Another app on the same database and queue prefix, from the plain test-app defaults (ROLE=api, scheduler
   * off) plus `overrides`. `stop()` closes it (before the main app) unless the spec already did.
   */
  startApp: (overrides?: Record<string, string>) => Promise<TestApp>;
  stop: () => Promise<void>;
}

/** `close()` may be called more than once (by a spec and then by `stop()`); the app closes once. */
function closingOnce(app: TestApp): TestApp {
  let closing: Promise<void> | undefined;
  return { ...app, close: () => (closing ??= app.close()) };
}

/**
 * A fake provider server, a ROLE=all app on its own queue prefix (private addresses allowed, short backoff)
 * and one workspace: the setup every pipeline spec shares. `overrides` replace or add environment variables
 * of the main app. `stop()` closes all of it and deletes the keys.
 */
export async function startPipelineHarness(
  tag: string,
  overrides: Record<string, string> = {},
): Promise<PipelineHarness> {
  const prefix = isolatedQueuePrefix(tag);
  const fake = new FakeOpenAiServer();
  const { baseUrl, port } = await fake.start();
  const others: TestApp[] = [];
  let t: TestApp;
  try {
    t = closingOnce(
      await startTestApp({
        ROLE: 'all',
        QUEUE_PREFIX: prefix,
        EGRESS_ALLOW_PRIVATE: 'true',
        RUN_BACKOFF_MS: '20',
        ...overrides,
      }),
    );
  } catch (err) {
    await fake.stop();
    throw err;
  }
  const ws = await createWorkspace(t);
  const startApp = async (extra: Record<string, string> = {}): Promise<TestApp> => {
    const app = closingOnce(await startTestApp({ QUEUE_PREFIX: prefix, ...extra }));
    others.push(app);
    return app;
  };
  const stop = async (): Promise<void> => {
    for (const app of others.reverse()) await app.close();
    await t.close();
    await fake.stop();
    await deleteQueueKeys(prefix);
  };
  return { fake, baseUrl, origin: `http://127.0.0.1:${port}`, prefix, t, ws, startApp, stop };
}
