// Run provenance over HTTP: every run keeps what it ran with (prompt text and revision, engine provider,
// model and parameters, never the credential, and the project's scoring settings), whichever path created it;
// editing the prompt, engine or project later changes neither what a past run says nor what a queued run
// asks; the runs list filters on the prompt revision.
import { Client } from 'pg';
import { testLedger } from '../support/ledger-runs';
import { RunQueue } from '../../src/runs/execution/run-queue.service';
import { SlotClaimer } from '../../src/scheduling/slot-claimer.service';
import { openAiChunkEvents, writesOf } from '../fakes/openai-sse-script';
import {
  createPipelineFixture,
  createUnqueuedRun,
  runNow,
  startPipelineHarness,
  waitForRun,
  type PipelineHarness,
} from '../support/pipeline';

const CREDENTIAL = 'sk-provenance-secret-4242';
const ORIGINAL = 'What are the best CRM tools?';

describe('run provenance', () => {
  let h: PipelineHarness;
  let pg: Client;

  beforeAll(async () => {
    h = await startPipelineHarness('provenance');
    pg = new Client({ connectionString: process.env.DATABASE_URL });
    await pg.connect();
  });
  afterAll(async () => {
    await pg.end();
    await h.stop();
  });

  const http = () => h.t.http();
  const answer = () => h.fake.enqueue({ writes: writesOf(openAiChunkEvents(['Acme ', 'is great.']), 1) });
  const detail = async (id: string) =>
    (await http().get(`/v1/runs/${id}`).set(h.ws.auth('read')).expect(200)).body;
  const lastAsked = () => {
    const body = JSON.parse(h.fake.requests.at(-1)!.body) as {
      model: string;
      temperature?: number;
      messages: { content: string }[];
    };
    return { model: body.model, temperature: body.temperature, text: body.messages.at(-1)!.content };
  };

  it('keeps what each run asked, whatever is edited later, on every creation path', async () => {
    const fx = await createPipelineFixture(h.t, h.ws, {
      baseUrl: h.baseUrl,
      credential: CREDENTIAL,
      project: { foldTokens: 42, halfLifeMs: 7000 },
      brands: [{ name: 'Acme', kind: 'own' }],
    });
    await http()
      .patch(`/v1/engines/${fx.engineId}`)
      .set(h.ws.auth())
      .send({ parameters: { temperature: 0.2 } })
      .expect(200);
    const prompt = async () =>
      (await http().get(`/v1/prompts/${fx.promptId}`).set(h.ws.auth('read')).expect(200)).body;
    expect((await prompt()).revision).toBe(1);

    // Run now: revision 1 as it was.
    answer();
    const first = await runNow(h.t, h.ws, fx.promptId);
    const firstRun = await detail((await waitForRun(h.t, h.ws, first)).id);
    expect(firstRun.promptRevision).toBe(1);
    expect(firstRun.provenance).toEqual({
      prompt: { revision: 1, text: ORIGINAL },
      engine: { provider: 'openai-compatible', model: 'gpt-fake', parameters: { temperature: 0.2 } },
      scoring: { foldTokens: 42, halfLifeMs: 7000 },
    });
    expect(JSON.stringify(firstRun)).not.toContain('provenance-secret');

    // Only a text change is a new revision.
    const patch = (body: object) =>
      http().patch(`/v1/prompts/${fx.promptId}`).set(h.ws.auth()).send(body).expect(200);
    expect((await patch({ text: 'Which CRM is best for startups?' })).body.revision).toBe(2);
    expect((await patch({ text: 'Which CRM is best for startups?', tags: ['crm'] })).body.revision).toBe(2);
    expect((await detail(first)).provenance).toEqual(firstRun.provenance);

    // A run created before edits executes with what it was created with, and says so.
    const queued = await createUnqueuedRun(testLedger(h.t.app), h.ws.workspaceId, fx);
    await patch({ text: 'Something else entirely?' });
    await http()
      .patch(`/v1/engines/${fx.engineId}`)
      .set(h.ws.auth())
      .send({ model: 'gpt-other', parameters: { temperature: 1.5 } })
      .expect(200);
    await http()
      .patch(`/v1/projects/${fx.projectId}`)
      .set(h.ws.auth())
      .send({ foldTokens: 5, halfLifeMs: 1000 })
      .expect(200);
    answer();
    await h.t.app.get(RunQueue).enqueue([queued]);
    const queuedRun = await waitForRun(h.t, h.ws, queued);
    expect(queuedRun.status).toBe('succeeded');
    expect(lastAsked()).toEqual({
      model: 'gpt-fake',
      temperature: 0.2,
      text: 'Which CRM is best for startups?',
    });
    expect((await detail(queued)).provenance).toEqual({
      prompt: { revision: 2, text: 'Which CRM is best for startups?' },
      engine: { provider: 'openai-compatible', model: 'gpt-fake', parameters: { temperature: 0.2 } },
      scoring: { foldTokens: 42, halfLifeMs: 7000 },
    });

    // A scheduled slot claimed now records the current revision (3) and settings.
    await pg.query(`UPDATE tracked_prompts SET "nextSlotAt" = now() - interval '1 second' WHERE id = $1`, [
      fx.promptId,
    ]);
    answer();
    await h.t.app.get(SlotClaimer).claimAll();
    const listed = async (q: Record<string, string>) =>
      (
        await http()
          .get('/v1/runs')
          .query({ promptId: fx.promptId, ...q })
          .set(h.ws.auth('read'))
          .expect(200)
      ).body.data as { id: string; trigger: string; promptRevision: number }[];
    const scheduled = (await listed({})).find((r) => r.trigger === 'schedule')!;
    await waitForRun(h.t, h.ws, scheduled.id);
    expect(lastAsked()).toEqual({ model: 'gpt-other', temperature: 1.5, text: 'Something else entirely?' });
    expect((await detail(scheduled.id)).provenance).toEqual({
      prompt: { revision: 3, text: 'Something else entirely?' },
      engine: { provider: 'openai-compatible', model: 'gpt-other', parameters: { temperature: 1.5 } },
      scoring: { foldTokens: 5, halfLifeMs: 1000 },
    });

    // The runs list filters on the revision.
    expect((await listed({ promptRevision: '1' })).map((r) => r.id)).toEqual([first]);
    expect((await listed({ promptRevision: '2' })).map((r) => r.id)).toEqual([queued]);
    expect((await listed({ promptRevision: '3' })).map((r) => r.id)).toEqual([scheduled.id]);

    // Reports too: one revision's runs only (read from raw rows; rollups carry no revision).
    const report = async (q: Record<string, string>) =>
      (
        await http()
          .get('/v1/reports/mentions')
          .query({ projectId: fx.projectId, promptIds: fx.promptId, ...q })
          .set(h.ws.auth('read'))
          .expect(200)
      ).body as { measured: { successfulRuns: number; brands: { runsQuery: Record<string, string> }[] } };
    expect((await report({})).measured.successfulRuns).toBe(3);
    for (const revision of ['1', '2', '3']) {
      const { measured } = await report({ promptRevision: revision });
      expect(measured.successfulRuns).toBe(1);
      expect(measured.brands[0]!.runsQuery.promptRevision).toBe(revision);
    }
    await http()
      .get('/v1/reports/mentions')
      .query({ projectId: fx.projectId, promptRevision: '0' })
      .set(h.ws.auth('read'))
      .expect(400);

    // Immutable in the ledger itself.
    await expect(
      pg.query(`UPDATE runs SET "promptText" = 'rewritten' WHERE id = $1`, [first]),
    ).rejects.toThrow(/immutable/);
    // Deleting the prompt keeps what its runs asked.
    await http().delete(`/v1/prompts/${fx.promptId}`).set(h.ws.auth()).expect(204);
    expect((await detail(first)).provenance).toEqual(firstRun.provenance);
  }, 60_000);
});
