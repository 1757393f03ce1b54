// bench:web's replay subject: one run with a ~2,000-token answer, captured through the real pipeline (run-now,
// worker, OpenAI-compatible provider over HTTP) from a scripted fake stream, in its own workspace of the bench
// database. Reused when the marker workspace already holds the succeeded run.
import { type INestApplication } from '@nestjs/common';
import { Client } from 'pg';
import { ApiKeyService } from '../../src/auth/api-key.service';
import { FakeOpenAiServer } from '../../test/fakes/fake-openai-server';
import { openAiChunkEvents, writesOf } from '../../test/fakes/openai-sse-script';

const MARKER = 'bench-web:replay:v1';
const WORDS = 2000;
const BRANDS = ['Northwind CRM', 'HubSpot', 'Salesforce', 'Pipedrive', 'Zoho CRM'];
const VOCABULARY = (
  'the best tool for a small team is one that keeps every deal in view and makes the next step obvious ' +
  'pricing matters less than adoption so pick something people will open every day with reports that ' +
  'answer real questions about pipeline health and forecast accuracy across regions'
).split(' ');

export interface ReplayRun {
  workspaceId: string;
  projectId: string;
  runId: string;
  /** A read key of the replay workspace (signs the browser in). */
  key: string;
  answerTokens: number;
  durationMs: number;
  mentions: number;
}

/** ~2,000 words (one o200k token each, brand names aside), two words per chunk; a brand every ~150 words. */
export function replayChunks(): string[] {
  const words: string[] = [];
  for (let i = 0; i < WORDS; i++) {
    if (i % 150 === 75) words.push(BRANDS[Math.floor(i / 150) % BRANDS.length]!);
    else words.push(VOCABULARY[(i * 7) % VOCABULARY.length]!);
    if (i % 40 === 39) words[words.length - 1] += '.\n\n';
  }
  const chunks: string[] = [];
  for (let i = 0; i < words.length; i += 2) chunks.push(` ${words.slice(i, i + 2).join(' ')}`);
  return chunks;
}

interface RunBody {
  status: string;
  result: { answerTokens: number; timings: { durationMs: number } } | null;
  mentions: unknown[];
  failureMessage: string | null;
}

export async function ensureReplayRun(
  app: INestApplication,
  baseUrl: string,
  databaseUrl: string,
  chunkDelayMs: number,
  log: (m: string) => void,
): Promise<ReplayRun> {
  const keys = app.get(ApiKeyService);
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    const found = (
      await db.query<{ workspaceId: string; projectId: string; runId: string }>(
        `SELECT r."workspaceId", r."projectId", r.id AS "runId" FROM runs r JOIN workspaces w ON w.id = r."workspaceId"
          WHERE w.name = $1 AND r.status = 'succeeded' ORDER BY r."createdAt" DESC LIMIT 1`,
        [MARKER],
      )
    ).rows[0];
    if (found) {
      const key = (await keys.create(found.workspaceId, `bench-web-${Date.now()}`, 'read')).key;
      const body = await getRun(baseUrl, key, found.runId);
      log(`reusing the replay run ${found.runId}`);
      return { ...found, key, ...figures(body) };
    }
    // An earlier attempt that did not finish: set aside (renamed), a fresh workspace is captured below.
    await db.query(`UPDATE workspaces SET name = name || ':stale:' || id WHERE name = $1`, [MARKER]);
  } finally {
    await db.end();
  }

  const chunks = replayChunks();
  log(`capturing the replay run: ${chunks.length} chunks, ${chunkDelayMs} ms apart (real pipeline)`);
  const created = await keys.createWorkspace(MARKER);
  const admin = created.key.key;
  const fake = new FakeOpenAiServer();
  const { baseUrl: fakeUrl } = await fake.start();
  try {
    const post = async (path: string, body: object): Promise<Record<string, unknown>> => {
      const res = await fetch(`${baseUrl}${path}`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${admin}`, 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
      const json = (await res.json()) as Record<string, unknown>;
      if (res.status >= 300) throw new Error(`POST ${path}: HTTP ${res.status} ${JSON.stringify(json)}`);
      return json;
    };
    const project = await post('/v1/projects', { name: 'bench:web replay', foldTokens: 150 });
    const projectId = project.id as string;
    for (const [i, name] of BRANDS.entries()) {
      await post(`/v1/projects/${projectId}/brands`, { name, kind: i === 0 ? 'own' : 'competitor' });
    }
    const engine = await post('/v1/engines', {
      name: 'Scripted 2,000-token stream',
      provider: 'openai-compatible',
      model: 'gpt-fake',
      baseUrl: fakeUrl,
      credential: 'sk-fake-bench-key',
    });
    const prompt = await post(`/v1/projects/${projectId}/prompts`, {
      text: 'Compare the CRM tools for a small team in detail.',
      engineIds: [engine.id],
      cron: '0 0 1 1 *',
    });
    fake.enqueue({ writes: writesOf(openAiChunkEvents(chunks), chunkDelayMs) });
    const runIds = (await post(`/v1/prompts/${String(prompt.id)}/run`, {})).runIds as string[];
    const runId = runIds[0]!;
    const deadline = Date.now() + chunks.length * chunkDelayMs * 3 + 120_000;
    for (;;) {
      const body = await getRun(baseUrl, admin, runId);
      if (body.status === 'succeeded') {
        const key = (await keys.create(created.workspaceId, `bench-web-${Date.now()}`, 'read')).key;
        return { workspaceId: created.workspaceId, projectId, runId, key, ...figures(body) };
      }
      if (['failed', 'skipped'].includes(body.status) || Date.now() > deadline) {
        throw new Error(`replay run ${runId}: ${body.status} ${body.failureMessage ?? ''}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  } finally {
    await fake.stop();
  }
}

async function getRun(baseUrl: string, key: string, runId: string): Promise<RunBody> {
  const res = await fetch(`${baseUrl}/v1/runs/${runId}`, { headers: { Authorization: `Bearer ${key}` } });
  if (res.status !== 200) throw new Error(`GET /v1/runs/${runId}: HTTP ${res.status}`);
  return (await res.json()) as RunBody;
}

function figures(body: RunBody): { answerTokens: number; durationMs: number; mentions: number } {
  return {
    answerTokens: body.result?.answerTokens ?? 0,
    durationMs: body.result?.timings.durationMs ?? 0,
    mentions: body.mentions.length,
  };
}
