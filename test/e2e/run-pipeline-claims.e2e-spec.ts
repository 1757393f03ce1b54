// The run pipeline end to end, scheduled side: several app instances (each with its own SlotClaimer and
// BullMQ worker) claim due slots concurrently against one database; every (prompt, engine, slot, sample)
// gets exactly one run, executed exactly once, and slots missed beyond the grace period are recorded as
// skipped runs.
import { getQueueToken } from '@nestjs/bullmq';
import { type Queue } from 'bullmq';
import { PrismaService } from '../../src/infra/prisma/prisma.service';
import { RUNS_QUEUE, runJobId } from '../../src/infra/queue/queue-names';
import { nextSlotAfter } from '../../src/prompts/cron-schedule';
import { SlotClaimer } from '../../src/scheduling/slot-claimer.service';
import { scheduledSlotKey } from '../../src/scheduling/slot-planner';
import { type FakeOpenAiServer } from '../fakes/fake-openai-server';
import { openAiChunkEvents, writesOf } from '../fakes/openai-sse-script';
import {
  createPipelineFixture,
  startPipelineHarness,
  waitForRun,
  type PipelineHarness,
} from '../support/pipeline';
import { type TestApp, type TestWorkspace } from '../support/test-app';

const GRACE_MS = 150_000;
const YEARLY = '0 0 1 1 *';

describe('run pipeline (e2e): concurrent slot claimers', () => {
  const env = {
    ROLE: 'all',
    RUN_BACKOFF_MS: '50',
    RUN_MAX_ATTEMPTS: '3',
    EGRESS_ALLOW_PRIVATE: 'true',
    MISSED_SLOT_GRACE_MS: String(GRACE_MS),
    // Small batches make the claimers interleave instead of one of them taking every prompt at once.
    CLAIM_BATCH_SIZE: '2',
  };
  let h: PipelineHarness | undefined;
  const apps: TestApp[] = [];
  let ws: TestWorkspace;
  let fake: FakeOpenAiServer;
  let origin: string;
  let routeCounter = 0;
  /** Prompts of the earlier racing cases: their runs may fall inside a later case's claim window. */
  const earlierPrompts: string[] = [];

  beforeAll(async () => {
    // Three identical instances on one queue prefix: the harness's app and two more.
    h = await startPipelineHarness('rp-claim', env);
    ({ ws, fake, origin } = h);
    apps.push(h.t);
    for (let i = 1; i < 3; i++) apps.push(await h.startApp(env));
  });

  afterAll(() => h?.stop());

  const t = () => apps[0]!;
  const prisma = () => t().app.get(PrismaService);

  /** A fake-server route answering `count` requests with a short successful stream. */
  function routeWithAnswers(count: number): { baseUrl: string; path: string } {
    const name = `c${++routeCounter}`;
    const path = `/${name}/v1/chat/completions`;
    for (let i = 0; i < count; i++) {
      fake.enqueue({ writes: writesOf(openAiChunkEvents(['Acme ', 'leads.']), 5) }, path);
    }
    return { baseUrl: `${origin}/${name}/v1`, path };
  }

  async function waitAllTerminal(runIds: string[]): Promise<void> {
    for (const id of runIds) await waitForRun(t(), ws, id, 15_000);
  }

  it.each([2, 3])(
    '%i claimers racing create each run exactly once and advance nextSlotAt',
    async (claimers) => {
      const prompts = 6;
      const engines = 2;
      const samples = 2;
      const expectedRuns = prompts * engines * samples;
      const { baseUrl, path } = routeWithAnswers(expectedRuns);
      const slotAt = new Date(Math.floor(Date.now() / 1000) * 1000 - 30_000);
      const promptIds: string[] = [];
      const engineIdsOf = new Map<string, string[]>();
      for (let i = 0; i < prompts; i++) {
        const fx = await createPipelineFixture(t(), ws, {
          baseUrl,
          brands: [{ name: 'Acme', kind: 'own' }],
          cron: YEARLY,
          samplesPerSlot: samples,
          extraEngines: engines - 1,
        });
        promptIds.push(fx.promptId);
        engineIdsOf.set(fx.promptId, fx.engineIds);
      }
      // Due 30 s ago (off the cron grid, so exactly one slot is due per prompt).
      await prisma().trackedPrompt.updateMany({
        where: { id: { in: promptIds } },
        data: { nextSlotAt: slotAt },
      });

      const before = new Date();
      const enqueued = await Promise.all(
        apps.slice(0, claimers).map((app) => app.app.get(SlotClaimer).claimAll()),
      );
      const after = new Date();

      const runs = await prisma().run.findMany({ where: { promptId: { in: promptIds } } });
      expect(runs).toHaveLength(expectedRuns);
      // One run per (prompt, engine, slot, sample): no duplicates by slot key or by its components.
      const keys = runs.map((r) => `${r.promptId}|${r.engineId}|${r.slotAt.toISOString()}|${r.sample}`);
      expect(new Set(keys).size).toBe(expectedRuns);
      const grouped = await prisma().run.groupBy({
        by: ['slotKey'],
        where: { promptId: { in: promptIds } },
        _count: { _all: true },
      });
      expect(grouped.filter((g) => g._count._all !== 1)).toEqual([]);
      for (const r of runs) {
        expect(r).toMatchObject({ trigger: 'schedule', slotAt, skipReason: null });
        expect(r.slotKey).toBe(scheduledSlotKey(r.promptId, r.engineId, slotAt, r.sample));
      }
      const expectedKeys = promptIds.flatMap((p) =>
        engineIdsOf.get(p)!.flatMap((e) => [0, 1].map((s) => scheduledSlotKey(p, e, slotAt, s))),
      );
      expect(runs.map((r) => r.slotKey).sort()).toEqual(expectedKeys.sort());

      // Each new run was enqueued by exactly one claimer. Other suites' prompts could be due at the same time,
      // so the total is compared with every scheduled run created during the claim; the window's 1 s slack
      // can reach back into the previous case's claim, so that case's prompts are left out.
      const createdDuringClaim = await prisma().run.count({
        where: {
          trigger: 'schedule',
          skipReason: null,
          createdAt: { gte: new Date(before.getTime() - 1000), lte: after },
          promptId: { notIn: earlierPrompts },
        },
      });
      earlierPrompts.push(...promptIds);
      expect(enqueued.reduce((a, b) => a + b, 0)).toBe(createdDuringClaim);
      const queue = t().app.get<Queue>(getQueueToken(RUNS_QUEUE));
      for (const r of runs) expect(await queue.getJob(runJobId(r.id))).toBeTruthy();

      // nextSlotAt advanced to the next firing after the claimed slot.
      const next = nextSlotAfter(YEARLY, 'UTC', slotAt);
      const stored = await prisma().trackedPrompt.findMany({ where: { id: { in: promptIds } } });
      expect(stored.map((p) => p.nextSlotAt?.toISOString())).toEqual(promptIds.map(() => next.toISOString()));

      // A second pass finds nothing due.
      await Promise.all(apps.slice(0, claimers).map((app) => app.app.get(SlotClaimer).claimAll()));
      expect(await prisma().run.count({ where: { promptId: { in: promptIds } } })).toBe(expectedRuns);

      // Every run is executed exactly once, across the racing workers.
      await waitAllTerminal(runs.map((r) => r.id));
      const done = await prisma().run.findMany({ where: { promptId: { in: promptIds } } });
      expect(done.map((r) => [r.status, r.attempts])).toEqual(done.map(() => ['succeeded', 1]));
      expect(fake.requests.filter((r) => r.path === path)).toHaveLength(expectedRuns);

      // Inserting twice is a no-op: a claimer that crashed before advancing nextSlotAt re-plans the same slot.
      await prisma().trackedPrompt.updateMany({
        where: { id: { in: promptIds } },
        data: { nextSlotAt: slotAt },
      });
      await Promise.all(apps.slice(0, claimers).map((app) => app.app.get(SlotClaimer).claimAll()));
      expect(await prisma().run.count({ where: { promptId: { in: promptIds } } })).toBe(expectedRuns);
      const readvanced = await prisma().trackedPrompt.findMany({ where: { id: { in: promptIds } } });
      expect(readvanced.map((p) => p.nextSlotAt?.toISOString())).toEqual(
        promptIds.map(() => next.toISOString()),
      );
    },
  );

  it('records slots older than MISSED_SLOT_GRACE_MS as skipped runs (missed_slot) and runs the rest', async () => {
    const { baseUrl } = routeWithAnswers(4);
    const cron = '* * * * *';
    const fx = await createPipelineFixture(t(), ws, { baseUrl, brands: [{ name: 'Acme' }], cron });
    const minute = 60_000;
    const first = new Date(Math.floor(Date.now() / minute) * minute - 4 * minute);
    await prisma().trackedPrompt.update({ where: { id: fx.promptId }, data: { nextSlotAt: first } });

    const before = new Date();
    await Promise.all(apps.slice(0, 2).map((app) => app.app.get(SlotClaimer).claimAll()));
    const after = new Date();

    const runs = await prisma().run.findMany({
      where: { promptId: fx.promptId },
      orderBy: { slotAt: 'asc' },
    });
    // Every grid slot from `first` up to the claim time, once.
    expect(runs[0]!.slotAt).toEqual(first);
    runs.forEach((r, i) => expect(r.slotAt.getTime()).toBe(first.getTime() + i * minute));
    expect(runs.at(-1)!.slotAt.getTime()).toBeLessThanOrEqual(after.getTime());
    expect(runs.length).toBeGreaterThanOrEqual(5);

    const queue = t().app.get<Queue>(getQueueToken(RUNS_QUEUE));
    const skipped: string[] = [];
    const executed: string[] = [];
    for (const r of runs) {
      const age = (at: Date) => at.getTime() - r.slotAt.getTime();
      if (age(before) > GRACE_MS) {
        expect(r).toMatchObject({ status: 'skipped', skipReason: 'missed_slot', attempts: 0 });
        expect(r.finishedAt).not.toBeNull();
        // Never enqueued.
        expect(await queue.getJob(runJobId(r.id))).toBeFalsy();
        skipped.push(r.id);
      } else if (age(after) <= GRACE_MS) {
        expect(r.skipReason).toBeNull();
        executed.push(r.id);
      }
    }
    // Slots 4 and 3 minutes old are always beyond 150 s; 1 minute old and newer always within it.
    expect(skipped.length).toBeGreaterThanOrEqual(2);
    expect(executed.length).toBeGreaterThanOrEqual(2);

    // Visible through the API, never silently lost.
    const listed = await t()
      .http()
      .get('/v1/runs')
      .query({ promptId: fx.promptId, status: 'skipped' })
      .set(ws.auth('read'))
      .expect(200);
    expect(listed.body.data.map((r: { id: string }) => r.id).sort()).toEqual(
      runs
        .filter((r) => r.status === 'skipped')
        .map((r) => r.id)
        .sort(),
    );
    const detail = await waitForRun(t(), ws, skipped[0]!);
    expect(detail).toMatchObject({
      status: 'skipped',
      skipReason: 'missed_slot',
      result: null,
      attemptLog: [],
    });

    // nextSlotAt: the first grid slot after the claim time.
    const prompt = await prisma().trackedPrompt.findUniqueOrThrow({ where: { id: fx.promptId } });
    expect(prompt.nextSlotAt!.getTime()).toBe(runs.at(-1)!.slotAt.getTime() + minute);
    expect(prompt.nextSlotAt!.getTime()).toBeGreaterThan(before.getTime());

    for (const r of runs.filter((x) => !skipped.includes(x.id))) {
      expect(await waitForRun(t(), ws, r.id, 15_000)).toMatchObject({ status: 'succeeded', attempts: 1 });
    }
  });
});
