// Brand changes recompute stored history: mentions and scores of past runs are rebuilt from their stored
// text and timeline (no engine is called again), idempotently, with progress visible through the API.
import { until } from '../support/wait';
import { type FakeOpenAiServer } from '../fakes/fake-openai-server';
import { openAiChunkEvents, writesOf } from '../fakes/openai-sse-script';
import { startPipelineHarness, type PipelineHarness } from '../support/pipeline';
import { type TestApp, type TestWorkspace } from '../support/test-app';

const ANSWER = [
  'Top picks: 1. **Acme** is fast. ',
  '2. Globex Cloud is cheap. ',
  '3. Initech rounds it out.',
];

describe('backfill after brand changes', () => {
  let h: PipelineHarness;
  let t: TestApp;
  let ws: TestWorkspace;
  let fake: FakeOpenAiServer;
  let baseUrl: string;

  beforeAll(async () => {
    h = await startPipelineHarness('backfill', { RUN_BACKOFF_MS: '50' });
    ({ t, ws, fake, baseUrl } = h);
  });
  afterAll(() => h.stop());

  async function latestBackfill(projectId: string, status: string) {
    return until(`a ${status} backfill`, async () => {
      const res = await t.http().get(`/v1/projects/${projectId}/backfills`).set(ws.auth('read')).expect(200);
      const b = res.body.data[0];
      return b && b.status === status ? b : null;
    });
  }

  it('adds the new brand to old runs, from stored text, without calling the engine again', async () => {
    const http = t.http;
    const project = (await http().post('/v1/projects').set(ws.auth()).send({ name: 'backfill' }).expect(201))
      .body;
    const acme = (
      await http()
        .post(`/v1/projects/${project.id}/brands`)
        .set(ws.auth())
        .send({ name: 'Acme', kind: 'own' })
        .expect(201)
    ).body;
    const engine = (
      await http()
        .post('/v1/engines')
        .set(ws.auth())
        .send({ name: 'fake', provider: 'openai-compatible', model: 'gpt-fake', baseUrl })
        .expect(201)
    ).body;
    const prompt = (
      await http()
        .post(`/v1/projects/${project.id}/prompts`)
        .set(ws.auth())
        .send({ text: 'best tools?', engineIds: [engine.id], cron: '0 9 * * *' })
        .expect(201)
    ).body;
    fake.enqueue({ writes: writesOf(openAiChunkEvents(ANSWER), 5) });
    fake.enqueue({ writes: writesOf(openAiChunkEvents(ANSWER), 5) });
    const runIds: string[] = [];
    for (let i = 0; i < 2; i++) {
      runIds.push(
        ...(await http().post(`/v1/prompts/${prompt.id}/run`).set(ws.auth()).send({}).expect(202)).body
          .runIds,
      );
    }
    for (const id of runIds) {
      await until('run to succeed', async () => {
        const r = (await http().get(`/v1/runs/${id}`).set(ws.auth())).body;
        if (r.status === 'failed') throw new Error(`run failed: ${r.failureReason}`);
        return r.status === 'succeeded' ? r : null;
      });
    }
    const requestsBefore = fake.requests.length;
    const before = (await http().get(`/v1/runs/${runIds[0]}`).set(ws.auth())).body;
    expect(before.scores.map((s: { brandId: string }) => s.brandId)).toEqual([acme.id]);

    // A new competitor, with an alias: history gets its mentions and a score row per run.
    const globex = (
      await http()
        .post(`/v1/projects/${project.id}/brands`)
        .set(ws.auth())
        .send({ name: 'Globex', kind: 'competitor', aliases: [{ text: 'Globex Cloud' }] })
        .expect(201)
    ).body;
    const done = await latestBackfill(project.id, 'succeeded');
    // The create answers with the backfill its change queued: the one that ran.
    expect(globex.backfillId).toBe(done.id);
    expect(done.reason).toBe('brand.created');
    expect(done.progress).toEqual({ processedRuns: 2, totalRuns: 2, fraction: 1 });
    for (const id of runIds) {
      const after = (await http().get(`/v1/runs/${id}`).set(ws.auth())).body;
      const g = after.scores.find((s: { brandId: string }) => s.brandId === globex.id);
      expect(g).toMatchObject({ mentioned: true, mentionCount: 1, order: 2 });
      const m = after.mentions.find((x: { brandId: string }) => x.brandId === globex.id);
      expect(after.result.answerText.slice(m.charStart, m.charEnd)).toBe('Globex Cloud');
      // visibleAt is the arrival of the chunk holding the last character (the second chunk).
      expect(m.visibleAtMs).toBe(after.result.chunks[1].arrivalMs);
      // The own brand's figures are unchanged by the recompute.
      const a = after.scores.find((s: { brandId: string }) => s.brandId === acme.id);
      const a0 = before.scores.find((s: { brandId: string }) => s.brandId === acme.id);
      if (id === runIds[0]) expect(a).toEqual(a0);
    }
    expect(fake.requests.length).toBe(requestsBefore);

    // Idempotent: a manual backfill recomputes to identical rows.
    const snapshot = (await http().get(`/v1/runs/${runIds[1]}`).set(ws.auth())).body;
    const manual = await http().post(`/v1/projects/${project.id}/backfills`).set(ws.auth()).expect(202);
    await until('manual backfill', async () => {
      const b = (await http().get(`/v1/backfills/${manual.body.id}`).set(ws.auth('read'))).body;
      return b.status === 'succeeded' ? b : null;
    });
    const again = (await http().get(`/v1/runs/${runIds[1]}`).set(ws.auth())).body;
    expect(again.mentions).toEqual(snapshot.mentions);
    expect([...again.scores].sort(byBrand)).toEqual([...snapshot.scores].sort(byBrand));

    // Removing the brand removes its rows from history.
    await http().delete(`/v1/brands/${globex.id}`).set(ws.auth()).expect(204);
    await until('backfill after delete', async () => {
      const r = (await http().get(`/v1/runs/${runIds[0]}`).set(ws.auth())).body;
      return r.scores.length === 1 ? r : null;
    });
  });
});

function byBrand(a: { brandId: string }, b: { brandId: string }): number {
  return a.brandId.localeCompare(b.brandId);
}
