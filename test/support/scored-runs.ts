// The scored-run factory of the report specs: a scripted answer becomes a landed run the way a worker lands
// one after the provider stream. The run is created and started through the ledger (so the attempt setup
// reads the project's brands and scoring settings), its mentions and scores come from the pipeline's own
// analysis (replayMentions, analyzeAnswer, citationRows) and its rows are written by the production result
// writer. Specs never hand-insert score, mention or citation rows, so a column the pipeline writes (or
// forgets) is the same here.
import { randomUUID } from 'node:crypto';
import { analyzeAnswer, citationRows, replayMentions } from '../../src/capture/analysis/run-analysis';
import { CompiledWatchlist } from '../../src/detection/compiled-watchlist';
import { type AttemptSetup } from '../../src/runs/execution/run-attempt.types';
import { testLedger, type TestLedger } from './ledger-runs';
import { type TestApp } from './test-app';

export interface ScriptedCitation {
  url: string;
  domain: string;
  charStart?: number;
  charEnd?: number;
}

export interface ScriptedRun {
  promptId: string;
  engineId: string;
  synthetic?: boolean;
  /** Request time: the run's observedAt. */
  at: Date;
  /** Answer chunks; chunk i arrives `arrivalsMs[i]` ms after the request (default (i + 1) × 100 ms). */
  chunks: string[];
  arrivalsMs?: number[];
  /** Cited URLs, owned by the brand whose domain they fall under (as the live write decides). */
  citations?: ScriptedCitation[];
}

/** Creates a run as "run now" does and starts its attempt (which reads the project's brands and settings). */
async function startScriptedRun(
  ledger: TestLedger,
  workspaceId: string,
  projectId: string,
  run: Pick<ScriptedRun, 'promptId' | 'engineId' | 'synthetic' | 'at'>,
): Promise<{
  runId: string;
  token: string;
  brands: AttemptSetup['brands'];
  project: NonNullable<AttemptSetup['project']>;
}> {
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
  const project = started?.setup.project;
  if (!started || !project) throw new Error(`run ${runId} did not start`);
  return { runId, token: started.token, brands: started.setup.brands, project };
}

/** Creates and starts one run whose only attempt fails for good (as an HTTP 400 from the provider does). */
export async function landFailedRun(
  t: TestApp,
  workspaceId: string,
  projectId: string,
  run: Pick<ScriptedRun, 'promptId' | 'engineId' | 'synthetic' | 'at'>,
): Promise<string> {
  const ledger = testLedger(t.app);
  const { runId, token } = await startScriptedRun(ledger, workspaceId, projectId, run);
  await ledger.recordAttemptFailure(
    runId,
    token,
    { reasonCode: 'invalid_request', message: 'scripted failure', httpStatus: 400 },
    true,
    null,
    new Date(run.at.getTime() + 1000),
  );
  return runId;
}

/** Creates, starts and lands one run with the rows its answer scores to; returns its id. */
export async function landScoredRun(
  t: TestApp,
  workspaceId: string,
  projectId: string,
  run: ScriptedRun,
): Promise<string> {
  const ledger = testLedger(t.app);
  const { runId, token, brands, project } = await startScriptedRun(ledger, workspaceId, projectId, run);
  const answerText = run.chunks.join('');
  const chunkEnds: number[] = [];
  let end = 0;
  for (const c of run.chunks) chunkEnds.push((end += c.length));
  const chunkArrivalsUs = run.chunks.map((_, i) => Math.round((run.arrivalsMs?.[i] ?? (i + 1) * 100) * 1000));
  const stored = { answerText, chunkEnds, chunkArrivalsUs, ttftUs: chunkArrivalsUs[0] ?? null };
  const analysis = analyzeAnswer(
    stored,
    replayMentions(stored, new CompiledWatchlist(brands)),
    brands.map((b) => ({ id: b.id, kind: b.kind })),
    project,
  );
  const citations = (run.citations ?? []).map((c, i) => ({
    url: c.url,
    domain: c.domain,
    title: null,
    charStart: c.charStart ?? null,
    charEnd: c.charEnd ?? null,
    atUs: chunkArrivalsUs[Math.min(i, chunkArrivalsUs.length - 1)] ?? 0,
  }));
  const durationUs = chunkArrivalsUs[chunkArrivalsUs.length - 1] ?? 0;
  await ledger.saveRunResult(
    runId,
    token,
    {
      answerText,
      reasoningText: null,
      requestSentAt: run.at,
      headersUs: Math.min(50_000, chunkArrivalsUs[0] ?? 50_000),
      ttftUs: stored.ttftUs,
      durationUs,
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

/** The own brand and two competitors (one without a domain) that the breakdown and gaps specs share. */
export const ACME_GLOBEX_INITECH: ReportBrandSpec[] = [
  { name: 'Acme', kind: 'own', domains: ['acme.com'] },
  { name: 'Globex', kind: 'competitor', domains: ['globex.com'] },
  { name: 'Initech', kind: 'competitor' },
];

/** Brands A (own, a.example), B (competitor, b.example) and C (competitor, no domain): the digest specs' set. */
export const DIGEST_BRANDS: ReportBrandSpec[] = [
  { name: 'A', kind: 'own', domains: ['a.example'] },
  { name: 'B', kind: 'competitor', domains: ['b.example'] },
  { name: 'C', kind: 'competitor' },
];

export interface ReportBrandSpec {
  name: string;
  kind: 'own' | 'competitor';
  domains?: string[];
  aliases?: string[];
}

/** A project with brands, engines and tagged prompts, all through the HTTP API (engines are never called). */
export async function createReportFixture(
  t: TestApp,
  auth: { Authorization: string },
  spec: {
    brands: ReportBrandSpec[];
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
        .send({
          name: b.name,
          kind: b.kind,
          domains: b.domains ?? [],
          aliases: (b.aliases ?? []).map((text) => ({ text })),
        })
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
