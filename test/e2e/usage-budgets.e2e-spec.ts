// Daily workspace budgets: over-budget scheduled slots become skipped runs (never lost), "run now" over a
// budget is refused with 429 and creates nothing, and GET /v1/usage reports the day against the caps.
import { randomUUID } from 'node:crypto';
import { PrismaService } from '../../src/infra/prisma/prisma.service';
import { SlotClaimer } from '../../src/scheduling/slot-claimer.service';
import { createPipelineFixture, startPipelineHarness, type PipelineHarness } from '../support/pipeline';
import { createWorkspace, type TestApp, type TestWorkspace } from '../support/test-app';

describe('usage budgets', () => {
  // Nothing listens here: with ROLE=api no worker runs, so claimed runs stay queued.
  const baseUrl = 'http://127.0.0.1:9/v1';
  let h: PipelineHarness;
  let t: TestApp;
  const prisma = () => t.app.get(PrismaService);

  beforeAll(async () => {
    h = await startPipelineHarness('budgets', {
      ROLE: 'api',
      WORKSPACE_MAX_RUNS_PER_DAY: '3',
      WORKSPACE_MAX_SPEND_USD_PER_DAY: '1.25',
    });
    t = h.t;
  });
  afterAll(() => h.stop());

  /** Makes the prompt due one second ago (within the missed-slot grace) and claims every due slot. */
  async function claimNow(promptId: string): Promise<void> {
    await prisma().trackedPrompt.update({
      where: { id: promptId },
      data: { nextSlotAt: new Date(Date.now() - 1000) },
    });
    await t.app.get(SlotClaimer).claimAll();
  }

  async function runsOf(promptId: string) {
    return prisma().run.findMany({
      where: { promptId },
      select: { status: true, skipReason: true, finishedAt: true },
      orderBy: { createdAt: 'asc' },
    });
  }

  const tally = (runs: { status: string; skipReason: string | null }[]) => {
    const out: Record<string, number> = {};
    for (const r of runs) {
      const key = r.skipReason ? `${r.status}:${r.skipReason}` : r.status;
      out[key] = (out[key] ?? 0) + 1;
    }
    return out;
  };

  describe('runs per day', () => {
    let ws: TestWorkspace;
    let promptId: string;

    beforeAll(async () => {
      ws = await createWorkspace(t);
      const f = await createPipelineFixture(t, ws, { baseUrl, brands: [{ name: 'Acme' }], extraEngines: 4 });
      promptId = f.promptId;
    });

    it('a claim of 5 slot runs under a cap of 3 queues 3 and records 2 as skipped', async () => {
      await claimNow(promptId);
      const runs = await runsOf(promptId);
      expect(tally(runs)).toEqual({ queued: 3, 'skipped:budget_runs_per_day': 2 });
      expect(runs.filter((r) => r.status === 'skipped').every((r) => r.finishedAt !== null)).toBe(true);
      // The prompt advanced: the slot is fully accounted for, not retried.
      const prompt = await prisma().trackedPrompt.findUniqueOrThrow({ where: { id: promptId } });
      expect((prompt.nextSlotAt ?? new Date(0)).getTime()).toBeGreaterThan(Date.now());
    });

    it('refuses run now over the cap with 429 budget_exceeded and creates nothing', async () => {
      const before = await prisma().run.count({ where: { workspaceId: ws.workspaceId } });
      const requests = await prisma().manualRunRequest.count({ where: { workspaceId: ws.workspaceId } });
      const res = await t
        .http()
        .post(`/v1/prompts/${promptId}/run`)
        .set(ws.auth())
        .set('Idempotency-Key', 'over-budget-1')
        .send({})
        .expect(429);
      expect(res.body.error.code).toBe('budget_exceeded');
      expect(res.body.error.details.reason).toBe('budget_runs_per_day');
      expect(new Date(res.body.error.details.resetAt).getTime()).toBeGreaterThan(Date.now());
      expect(await prisma().run.count({ where: { workspaceId: ws.workspaceId } })).toBe(before);
      expect(await prisma().manualRunRequest.count({ where: { workspaceId: ws.workspaceId } })).toBe(
        requests,
      );
    });

    it('GET /v1/usage reports the day against the caps (read key)', async () => {
      const res = await t.http().get('/v1/usage').set(ws.auth('read')).expect(200);
      expect(res.body.caps).toEqual({ runsPerDay: 3, spendUsdPerDay: 1.25 });
      expect(res.body.today.runs).toEqual({
        queued: 3,
        running: 0,
        succeeded: 0,
        failed: 0,
        skipped: 2,
        total: 5,
      });
      expect(res.body.today.countedRuns).toBe(3);
      expect(res.body.today.skippedByReason).toEqual({ budget_runs_per_day: 2 });
      expect(res.body.today.estimatedSpendUsd).toBe(0);
      expect(res.body.remaining).toEqual({ runs: 0, spendUsd: 1.25 });
      expect(res.body.history).toHaveLength(7);
      expect(res.body.history[6]).toEqual(res.body.today);
      expect(res.body.today.day).toBe(new Date().toISOString().slice(0, 10));
      expect(res.body.history[0].runs.total).toBe(0);
    });
  });

  it('run now within the cap is accepted, all-or-nothing past it', async () => {
    const ws = await createWorkspace(t);
    const f = await createPipelineFixture(t, ws, { baseUrl, brands: [{ name: 'Acme' }] });
    const run = (samples: number) =>
      t.http().post(`/v1/prompts/${f.promptId}/run`).set(ws.auth()).send({ samples });
    expect((await run(2)).status).toBe(202);
    const refused = await run(2);
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe('budget_exceeded');
    expect(await prisma().run.count({ where: { workspaceId: ws.workspaceId } })).toBe(2);
    expect((await run(1)).status).toBe(202);
    expect((await run(1)).status).toBe(429);
    const usage = await t.http().get('/v1/usage').set(ws.auth('read')).expect(200);
    expect(usage.body.today.runs.queued).toBe(3);
    expect(usage.body.remaining.runs).toBe(0);
  });

  describe('spend per day', () => {
    let ws: TestWorkspace;
    let promptId: string;

    beforeAll(async () => {
      ws = await createWorkspace(t);
      const f = await createPipelineFixture(t, ws, { baseUrl, brands: [{ name: 'Acme' }], extraEngines: 1 });
      promptId = f.promptId;
      // A run finished today whose estimated cost is past the 1.25 USD cap.
      const now = new Date();
      const run = await prisma().run.create({
        data: {
          workspaceId: ws.workspaceId,
          projectId: f.projectId,
          promptId: f.promptId,
          engineId: f.engineId,
          slotKey: `test:${randomUUID()}`,
          slotAt: now,
          sample: 0,
          trigger: 'manual',
          status: 'succeeded',
          finishedAt: now,
        },
      });
      await prisma().runResult.create({
        data: {
          runId: run.id,
          attemptToken: randomUUID(),
          complete: true,
          answerText: 'seeded',
          flags: [],
          estimatedCostUsd: '1.5',
          requestSentAt: now,
          durationUs: 1000,
          chunkArrivalsUs: [],
          chunkEnds: [],
          tokenEnds: [],
          tokenArrivalsUs: [],
          answerTokens: 0,
        },
      });
    });

    it('skips claimed slots with budget_spend_per_day once the spend cap is reached', async () => {
      await claimNow(promptId);
      const runs = await runsOf(promptId);
      expect(tally(runs)).toEqual({ succeeded: 1, 'skipped:budget_spend_per_day': 2 });
    });

    it('refuses run now with 429 budget_exceeded (spend)', async () => {
      const res = await t.http().post(`/v1/prompts/${promptId}/run`).set(ws.auth()).send({}).expect(429);
      expect(res.body.error.code).toBe('budget_exceeded');
      expect(res.body.error.details.reason).toBe('budget_spend_per_day');
    });

    it('GET /v1/usage shows the spend', async () => {
      const res = await t.http().get('/v1/usage').query({ days: 1 }).set(ws.auth('read')).expect(200);
      expect(res.body.today.estimatedSpendUsd).toBe(1.5);
      expect(res.body.today.countedRuns).toBe(1);
      expect(res.body.today.skippedByReason).toEqual({ budget_spend_per_day: 2 });
      expect(res.body.remaining).toEqual({ runs: 2, spendUsd: 0 });
      expect(res.body.history).toHaveLength(1);
    });
  });

  it('usage is per workspace and ?days is bounded', async () => {
    const other = await createWorkspace(t);
    const res = await t.http().get('/v1/usage').query({ days: 31 }).set(other.auth('read')).expect(200);
    expect(res.body.history).toHaveLength(31);
    expect(res.body.today.runs.total).toBe(0);
    expect(res.body.today.estimatedSpendUsd).toBe(0);
    expect(res.body.remaining).toEqual({ runs: 3, spendUsd: 1.25 });
    for (const days of ['0', '32', 'x']) {
      const bad = await t.http().get('/v1/usage').query({ days }).set(other.auth('read')).expect(400);
      expect(bad.body.error.code).toBe('validation_failed');
    }
    await t.http().get('/v1/usage').expect(401);
  });
});
