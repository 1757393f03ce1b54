// Lands scripted answers through the ledger's own write path (start the attempt, analyse the answer with the
// pipeline's functions, one result statement with its triggers), at chosen observation times: what the worker
// does after the provider stream, minus the provider. For report specs that need runs spread over days.
import { randomUUID } from 'node:crypto';
import { CompiledWatchlist } from '../../src/detection/compiled-watchlist';
import { analyzeAnswer, citationRows, replayMentions } from '../../src/capture/analysis/run-analysis';
import { RunLedgerRepository } from '../../src/runs/results/run-ledger.repository';
import { type TestApp } from './test-app';

export interface ScriptedRun {
  promptId: string;
  engineId: string;
  synthetic?: boolean;
  /** Request time: the run's observedAt. */
  at: Date;
  /** Answer chunks; chunk i arrives (i + 1) × 100 ms after the request. */
  chunks: string[];
  citations?: { url: string; domain: string; charStart?: number; charEnd?: number }[];
}

/** Creates, starts and lands one run; returns its id. */
export async function landRun(
  t: TestApp,
  workspaceId: string,
  projectId: string,
  run: ScriptedRun,
): Promise<string> {
  const ledger = t.app.get(RunLedgerRepository);
  const { runIds } = await ledger.createManualRuns({
    workspaceId,
    projectId,
    promptId: run.promptId,
    engines: [{ id: run.engineId, synthetic: run.synthetic ?? false }],
    samples: 1,
    idempotencyKey: null,
    requestHash: `scripted-${randomUUID()}`,
    now: run.at,
  });
  const runId = runIds[0]!;
  const started = await ledger.startAttempt(runId, run.at);
  if (!started?.setup.project) throw new Error(`run ${runId} did not start`);
  const answerText = run.chunks.join('');
  const chunkEnds: number[] = [];
  let end = 0;
  for (const c of run.chunks) chunkEnds.push((end += c.length));
  const chunkArrivalsUs = run.chunks.map((_, i) => (i + 1) * 100_000);
  const stored = { answerText, chunkEnds, chunkArrivalsUs, ttftUs: chunkArrivalsUs[0] ?? null };
  const brands = started.setup.brands;
  const analysis = analyzeAnswer(
    stored,
    replayMentions(stored, new CompiledWatchlist(brands)),
    brands.map((b) => ({ id: b.id, kind: b.kind })),
    started.setup.project,
  );
  const citations = (run.citations ?? []).map((c, i) => ({
    url: c.url,
    domain: c.domain,
    title: null,
    charStart: c.charStart ?? null,
    charEnd: c.charEnd ?? null,
    atUs: chunkArrivalsUs[Math.min(i, chunkArrivalsUs.length - 1)] ?? 0,
  }));
  await ledger.saveRunResult(
    runId,
    started.token,
    {
      answerText,
      reasoningText: null,
      requestSentAt: run.at,
      headersUs: 50_000,
      ttftUs: stored.ttftUs,
      durationUs: chunkArrivalsUs[chunkArrivalsUs.length - 1] ?? 0,
      chunkArrivalsUs,
      chunkEnds,
      finishReason: 'stop',
      flags: [],
      responseModel: 'scripted',
      inputTokens: null,
      outputTokens: null,
      ...analysis,
      citations: citationRows(citations, brands),
      estimatedCostUsd: null,
    },
    new Date(run.at.getTime() + 1000),
  );
  return runId;
}

export interface ReportFixture {
  projectId: string;
  brands: Record<string, string>;
  engines: string[];
  prompts: string[];
}

/** A project with brands, engines and tagged prompts, all through the HTTP API (engines are never called). */
export async function createReportFixture(
  t: TestApp,
  auth: { Authorization: string },
  spec: {
    brands: { name: string; kind: 'own' | 'competitor'; domains?: string[] }[];
    engines: number;
    prompts: { text: string; tags: string[] }[];
  },
): Promise<ReportFixture> {
  const http = t.http;
  const projectId = (
    await http()
      .post('/v1/projects')
      .set(auth)
      .send({ name: `report ${randomUUID()}` })
      .expect(201)
  ).body.id as string;
  const brands: Record<string, string> = {};
  for (const b of spec.brands) {
    brands[b.name] = (
      await http()
        .post(`/v1/projects/${projectId}/brands`)
        .set(auth)
        .send({ name: b.name, kind: b.kind, domains: b.domains ?? [] })
        .expect(201)
    ).body.id as string;
  }
  const engines: string[] = [];
  for (let i = 0; i < spec.engines; i++) {
    engines.push(
      (
        await http()
          .post('/v1/engines')
          .set(auth)
          .send({
            name: `scripted ${randomUUID()}`,
            provider: 'openai-compatible',
            model: 'scripted',
            baseUrl: 'http://127.0.0.1:9/v1',
          })
          .expect(201)
      ).body.id as string,
    );
  }
  const prompts: string[] = [];
  for (const p of spec.prompts) {
    prompts.push(
      (
        await http()
          .post(`/v1/projects/${projectId}/prompts`)
          .set(auth)
          .send({ text: p.text, tags: p.tags, engineIds: engines, cron: '0 0 1 1 *' })
          .expect(201)
      ).body.id as string,
    );
  }
  return { projectId, brands, engines, prompts };
}
