// One prompt whose stored schedule stopped parsing (a tz-data or cron-parser upgrade) must not hold up the
// others: the claimer records it as a skipped run (`invalid_schedule`, with the parser's message) and claims
// the rest of the batch. The broken schedules are written with SQL, bypassing the API's validation. Real
// Postgres.
import { Client } from 'pg';
import { BROKEN_SCHEDULE_RETRY_MS } from '../../src/scheduling/slot-planner';
import { SlotClaimer } from '../../src/scheduling/slot-claimer.service';
import { createPipelineFixture, deleteQueueKeys, isolatedQueuePrefix } from '../support/pipeline';
import { createWorkspace, startTestApp, type TestApp, type TestWorkspace } from '../support/test-app';

const PREFIX = isolatedQueuePrefix('claim-iso');
const YEARLY = '0 0 1 1 *';

interface RunBody {
  id: string;
  status: string;
  trigger: string;
  slotAt: string;
  skipReason: string | null;
  failureMessage?: string | null;
}

describe('slot claimer: a prompt whose stored schedule no longer parses', () => {
  let t: TestApp;
  let ws: TestWorkspace;
  let pg: Client;
  let good: string[];
  let badCron: string;
  let badZone: string;
  const due = new Date(Date.now() - 60_000);

  beforeAll(async () => {
    t = await startTestApp({
      QUEUE_PREFIX: PREFIX,
      EGRESS_ALLOW_PRIVATE: 'true',
      CLAIM_BATCH_SIZE: '50',
      MISSED_SLOT_GRACE_MS: '3600000',
    });
    ws = await createWorkspace(t);
    const fx = await createPipelineFixture(t, ws, { baseUrl: 'http://127.0.0.1:9/v1', brands: [] });
    const more: string[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await t
        .http()
        .post(`/v1/projects/${fx.projectId}/prompts`)
        .set(ws.auth())
        .send({ text: `prompt ${i}`, engineIds: [fx.engineId], cron: YEARLY })
        .expect(201);
      more.push(res.body.id as string);
    }
    good = [fx.promptId, more[0]!];
    badCron = more[1]!;
    badZone = more[2]!;
    pg = new Client({ connectionString: process.env.DATABASE_URL });
    await pg.connect();
    await pg.query(`UPDATE tracked_prompts SET "nextSlotAt" = $2 WHERE id = ANY($1::uuid[])`, [good, due]);
    // The broken ones come first in the batch (claims go by nextSlotAt), so the good ones share their batch.
    const earlier = new Date(due.getTime() - 1000);
    await pg.query(`UPDATE tracked_prompts SET cron = 'not a cron', "nextSlotAt" = $2 WHERE id = $1`, [
      badCron,
      earlier,
    ]);
    await pg.query(`UPDATE tracked_prompts SET timezone = 'Mars/Olympus', "nextSlotAt" = $2 WHERE id = $1`, [
      badZone,
      earlier,
    ]);
  });

  afterAll(async () => {
    await pg?.end();
    await t?.close();
    await deleteQueueKeys(PREFIX);
  });

  async function runsOf(promptId: string): Promise<RunBody[]> {
    const res = await t.http().get(`/v1/runs?promptId=${promptId}`).set(ws.auth('read')).expect(200);
    return res.body.data as RunBody[];
  }

  async function nextSlotAt(promptId: string): Promise<Date> {
    const res = await t.http().get(`/v1/prompts/${promptId}`).set(ws.auth('read')).expect(200);
    return new Date(res.body.nextSlotAt as string);
  }

  it('claims the good prompts of the batch and records the broken ones as skipped runs', async () => {
    const before = Date.now();
    await t.app.get(SlotClaimer).claimAll();

    for (const promptId of good) {
      const runs = await runsOf(promptId);
      expect(runs.map((r) => [r.trigger, r.status, r.slotAt])).toEqual([
        ['schedule', 'queued', due.toISOString()],
      ]);
      expect((await nextSlotAt(promptId)).getTime()).toBeGreaterThan(before);
    }

    for (const [promptId, problem] of [
      [badCron, /no longer parses: .*Invalid characters/],
      [badZone, /no longer parses: /],
    ] as const) {
      const runs = await runsOf(promptId);
      expect(runs.map((r) => [r.trigger, r.status, r.skipReason])).toEqual([
        ['schedule', 'skipped', 'invalid_schedule'],
      ]);
      const detail = await t.http().get(`/v1/runs/${runs[0]!.id}`).set(ws.auth('read')).expect(200);
      expect((detail.body as RunBody).failureMessage).toMatch(problem);
      // Out of the claims until the retry time: no claim loop spins on it.
      const retryAt = (await nextSlotAt(promptId)).getTime();
      expect(retryAt).toBeGreaterThanOrEqual(before + BROKEN_SCHEDULE_RETRY_MS);
    }
  });

  it('does not claim a broken prompt again before its retry time', async () => {
    await t.app.get(SlotClaimer).claimAll();
    expect(await runsOf(badCron)).toHaveLength(1);
    expect(await runsOf(badZone)).toHaveLength(1);
    for (const promptId of good) expect(await runsOf(promptId)).toHaveLength(1);
  });

  it('claims a repaired prompt from its new schedule', async () => {
    await t.http().patch(`/v1/prompts/${badCron}`).set(ws.auth()).send({ cron: '0 0 1 7 *' }).expect(200);
    // Due again as if the new schedule had fired a minute ago.
    await pg.query(`UPDATE tracked_prompts SET "nextSlotAt" = $2 WHERE id = $1`, [badCron, due]);
    await t.app.get(SlotClaimer).claimAll();
    const runs = await runsOf(badCron);
    expect(runs.map((r) => r.status).sort()).toEqual(['queued', 'skipped']);
  });
});
