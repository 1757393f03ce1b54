// Live equals backfill, as a property over generated answers: for the same stored runs, the rows the live
// pipeline wrote (mentions, run_brand_scores, citations) and the rows a backfill recomputes from the stored
// text and timeline are identical, column by column. The project's scoring settings change between the two:
// a backfill rescores each run with the settings it recorded when it was created (its provenance), so the
// rows still match. Answers come from a seeded generator (test/support/random.ts): a failure reproduces.
import { Client } from 'pg';
import { type FakeWrite } from '../fakes/fake-openai-server';
import { openAiChunkEvents } from '../fakes/openai-sse-script';
import { startPipelineHarness, waitForRun, type PipelineHarness } from '../support/pipeline';
import { seededRandom } from '../support/random';
import { until } from '../support/wait';

const SEED = Number(process.env.LIVE_BACKFILL_SEED ?? 20261206);
const PROMPTS = 3;
const SAMPLES = 8;

/** Pieces an answer is made of: brand names in every form detection handles, and filler. */
const PIECES = [
  'Acme',
  '**Acme**',
  'ACME Corp',
  'Acmé',
  'acme.com',
  '[Acme](https://acme.com/pricing)',
  'Globex',
  'Globex Cloud',
  '_Globex_',
  'www.globex.io',
  'Initech',
  'Initrode',
  'Initech Park',
  'apple pie',
  'Umbrella',
  'Acmes',
  'MegaAcme',
  'is fast',
  'costs less',
  'and',
  'but',
  'wins for most teams',
  'après-ski',
  'naïve',
  '東京',
  '🚀',
  'vs.',
  '(see notes)',
];
const LINE_STARTS = ['', '', '## ', '1. ', '2. ', '- ', '> '];

function generateAnswer(random: () => number): string[] {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)]!;
  const lines: string[] = [];
  for (let l = 0, n = 1 + Math.floor(random() * 5); l < n; l++) {
    const words: string[] = [];
    for (let w = 0, m = 2 + Math.floor(random() * 8); w < m; w++) words.push(pick(PIECES));
    lines.push(`${pick(LINE_STARTS)}${words.join(' ')}${random() < 0.6 ? '.' : ''}`);
  }
  const text = lines.join(random() < 0.5 ? '\n' : '\n\n');
  // Chunks split anywhere between code points, so names and URLs straddle chunk boundaries.
  const points = [...text];
  const chunks: string[] = [];
  for (let i = 0; i < points.length;) {
    const size = 1 + Math.floor(random() * 12);
    chunks.push(points.slice(i, i + size).join(''));
    i += size;
  }
  return chunks;
}

describe('live equals backfill (property over generated answers)', () => {
  let h: PipelineHarness;
  let pg: Client;

  beforeAll(async () => {
    h = await startPipelineHarness('livebackfill');
    pg = new Client({ connectionString: process.env.DATABASE_URL });
    await pg.connect();
  });
  afterAll(async () => {
    await pg.end();
    await h.stop();
  });

  /** Every column but the row id and insert time, in a stable order. */
  async function rows(projectId: string) {
    const q = async (sql: string) => (await pg.query(sql, [projectId])).rows as Record<string, unknown>[];
    return {
      mentions:
        await q(`SELECT "runId", "brandId", matched, "charStart", "charEnd", "tokenIndex", "visibleAtUs",
          "sinceFirstTokenUs", "relPosition"::text, "sentenceIndex", "listRank", "inHeading", "inBold", snippet,
          sentiment, "sentimentScore"::text
        FROM mentions WHERE "projectId" = $1 ORDER BY "runId", "charStart", "brandId"`),
      scores: await q(`SELECT "runId", "brandId", "promptId", "engineId", "observedAt", synthetic, mentioned,
          "mentionCount", "firstVisibleAtUs", "sinceFirstTokenUs", "firstTokenIndex", "relPosition"::text, "order",
          "aboveFold", attention::text, "streamScore"::text, "trakkrPoints", "geoWeightedWords"::text,
          "geoShareOfAnswer"::text
        FROM run_brand_scores WHERE "projectId" = $1 ORDER BY "runId", "brandId"`),
      citations:
        await q(`SELECT "runId", position, url, domain, title, "charStart", "charEnd", "arrivedAtUs", "brandId"
        FROM citations WHERE "projectId" = $1 ORDER BY "runId", position`),
    };
  }

  async function backfillsSettled(projectId: string) {
    await until(
      'backfills settled',
      async () => {
        const res = await h.t
          .http()
          .get(`/v1/projects/${projectId}/backfills`)
          .set(h.ws.auth('read'))
          .expect(200);
        const open = (res.body.data as { status: string }[]).filter(
          (b) => b.status === 'queued' || b.status === 'running',
        );
        return open.length === 0 ? true : null;
      },
      30_000,
    );
  }

  it("recomputes exactly the rows the live path wrote, with each run's recorded scoring settings", async () => {
    const http = () => h.t.http();
    const auth = h.ws.auth();
    const settings = { foldTokens: 7, halfLifeMs: 700 };
    const projectId = (
      await http()
        .post('/v1/projects')
        .set(auth)
        .send({ name: 'live-backfill', ...settings })
        .expect(201)
    ).body.id as string;
    for (const b of [
      {
        name: 'Acme',
        kind: 'own',
        aliases: [{ text: 'ACME Corp' }, { text: 'Acmé', foldDiacritics: true }],
        domains: ['acme.com'],
      },
      { name: 'Globex', kind: 'competitor', aliases: [{ text: 'Globex Cloud' }], domains: ['globex.io'] },
      { name: 'Initech', kind: 'competitor', aliases: [{ text: 'Initrode' }], exclusions: ['Initech Park'] },
      { name: 'Umbrella', kind: 'competitor' },
    ]) {
      await http().post(`/v1/projects/${projectId}/brands`).set(auth).send(b).expect(201);
    }
    const engineId = (
      await http()
        .post('/v1/engines')
        .set(auth)
        .send({
          name: 'live-backfill',
          provider: 'openai-compatible',
          model: 'gpt-fake',
          baseUrl: h.baseUrl,
          credential: 'sk-lb-0123456789',
        })
        .expect(201)
    ).body.id as string;
    await backfillsSettled(projectId);

    const random = seededRandom(SEED);
    for (let i = 0; i < PROMPTS * SAMPLES; i++) {
      const writes: FakeWrite[] = openAiChunkEvents(generateAnswer(random)).map((bytes) => ({
        delayMs: Math.floor(random() * 40),
        bytes,
      }));
      h.fake.enqueue({ writes });
    }
    const runIds: string[] = [];
    for (let p = 0; p < PROMPTS; p++) {
      const promptId = (
        await http()
          .post(`/v1/projects/${projectId}/prompts`)
          .set(auth)
          .send({ text: `generated question ${p}`, engineIds: [engineId], cron: '0 0 1 1 *' })
          .expect(201)
      ).body.id as string;
      const res = await http()
        .post(`/v1/prompts/${promptId}/run`)
        .set(auth)
        .send({ samples: SAMPLES })
        .expect(202);
      runIds.push(...(res.body.runIds as string[]));
    }
    for (const id of runIds) expect((await waitForRun(h.t, h.ws, id, 45_000)).status).toBe('succeeded');
    const live = await rows(projectId);
    // The generator must reach what the property is about: mentions of every kind, late and below the fold.
    expect(live.scores).toHaveLength(PROMPTS * SAMPLES * 4);
    expect(live.mentions.length).toBeGreaterThan(PROMPTS * SAMPLES);
    // Every mention stored at run end carries its sentiment (docs/sentiment.md); the backfill must agree.
    expect(live.mentions.every((m) => m.sentiment !== null && m.sentimentScore !== null)).toBe(true);
    expect(live.scores.some((s) => s.mentioned === true && s.aboveFold === false)).toBe(true);
    expect(live.scores.some((s) => s.mentioned === true && s.attention !== '1.0000000000')).toBe(true);

    // Other settings now: the backfill must still score each run with the ones it ran with.
    await http()
      .patch(`/v1/projects/${projectId}`)
      .set(auth)
      .send({ foldTokens: 150, halfLifeMs: 60_000 })
      .expect(200);
    const backfill = await http().post(`/v1/projects/${projectId}/backfills`).set(auth).expect(202);
    await until(
      'the backfill',
      async () => {
        const b = (await http().get(`/v1/backfills/${backfill.body.id}`).set(h.ws.auth('read'))).body;
        if (b.status === 'failed') throw new Error(`backfill failed: ${b.error}`);
        return b.status === 'succeeded' ? b : null;
      },
      30_000,
    );
    const recomputed = await rows(projectId);

    for (const table of ['mentions', 'scores', 'citations'] as const) {
      expect(recomputed[table]).toHaveLength(live[table].length);
      recomputed[table].forEach((row, i) =>
        expect({ table, i, ...row }).toEqual({ table, i, ...live[table][i] }),
      );
    }
  }, 120_000);
});
