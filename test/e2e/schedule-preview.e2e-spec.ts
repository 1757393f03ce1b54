// The schedule editor's preview: GET /v1/schedules/preview answers a cron in words with its timezone and its
// next firings. Those firings must be the slots the claimer really plans: a prompt saved with the schedule is
// claimed by the real SlotClaimer (its Clock moved from one firing to the next) across a DST change, and its
// runs' slots are compared with the preview; around a fall-back, the preview is compared with planSlots.
import { Clock } from '../../src/infra/clock/clock';
import { nextSlotAfter } from '../../src/prompts/cron-schedule';
import { SlotClaimer } from '../../src/scheduling/slot-claimer.service';
import { planSlots } from '../../src/scheduling/slot-planner';
import { deleteQueueKeys, isolatedQueuePrefix } from '../support/pipeline';
import { createWorkspace, startTestApp, type TestApp, type TestWorkspace } from '../support/test-app';

interface Preview {
  cron: string;
  timezone: string;
  from: string;
  description: string;
  words: string;
  firings: { at: string; local: string }[];
}

const PREFIX = isolatedQueuePrefix('sched-preview');

describe('schedule preview (e2e)', () => {
  let t: TestApp;
  let ws: TestWorkspace;
  let now: Date;

  beforeAll(async () => {
    t = await startTestApp({ QUEUE_PREFIX: PREFIX });
    ws = await createWorkspace(t);
    // One Clock instance serves the preview, prompt writes and the claimer: the test moves it.
    now = new Date();
    jest.spyOn(t.app.get(Clock), 'now').mockImplementation(() => new Date(now));
  });

  afterAll(async () => {
    await t?.close();
    await deleteQueueKeys(PREFIX);
  });

  const preview = (query: Record<string, string>, role: 'admin' | 'read' = 'read') =>
    t.http().get('/v1/schedules/preview').query(query).set(ws.auth(role));

  it('equals the slots the real claimer plans across the spring-forward of Europe/Berlin', async () => {
    // 29 March 2026, 02:00 CET becomes 03:00 CEST: 02:30 does not exist that night.
    now = new Date('2026-03-26T12:00:00Z');
    const cron = '30 2 * * *';
    const timezone = 'Europe/Berlin';
    const res = await preview({ cron, timezone }).expect(200);
    const body = res.body as Preview;
    expect(body.from).toBe(now.toISOString());
    expect(body.words).toBe('At 02:30, every day (Europe/Berlin)');
    expect(body.firings).toHaveLength(5);
    // Before the change 02:30 is 01:30Z (+01:00), after it 00:30Z (+02:00).
    expect(body.firings[0]).toEqual({ at: '2026-03-27T01:30:00.000Z', local: '2026-03-27T02:30:00+01:00' });
    expect(body.firings[4]!.local).toBe('2026-03-31T02:30:00+02:00');
    expect(body.firings[4]!.at).toBe('2026-03-31T00:30:00.000Z');

    // The same schedule saved as a prompt, then claimed by the SlotClaimer one firing at a time.
    const projectId = (await t.http().post('/v1/projects').set(ws.auth()).send({ name: 'dst' }).expect(201))
      .body.id as string;
    const engineId = (
      await t
        .http()
        .post('/v1/engines')
        .set(ws.auth())
        .send({ name: 'demo', provider: 'demo', model: 'demo' })
        .expect(201)
    ).body.id as string;
    const prompt = await t
      .http()
      .post(`/v1/projects/${projectId}/prompts`)
      .set(ws.auth())
      .send({ text: 'Which CRM?', engineIds: [engineId], cron, timezone })
      .expect(201);
    expect(prompt.body.nextSlotAt).toBe(body.firings[0]!.at);
    const claimer = t.app.get(SlotClaimer);
    for (const firing of body.firings) {
      now = new Date(Date.parse(firing.at) + 1000);
      await claimer.claimAll();
    }
    const runs = await t
      .http()
      .get('/v1/runs')
      .query({ promptId: prompt.body.id as string, limit: '50' })
      .set(ws.auth('read'))
      .expect(200);
    const slots = (runs.body.data as { slotAt: string; trigger: string }[])
      .filter((r) => r.trigger === 'schedule')
      .map((r) => r.slotAt)
      .sort();
    expect(slots).toEqual(body.firings.map((f) => f.at));
    const after = await t.http().get(`/v1/prompts/${prompt.body.id}`).set(ws.auth('read')).expect(200);
    expect(after.body.nextSlotAt).toBe(
      nextSlotAfter(cron, timezone, new Date(body.firings[4]!.at)).toISOString(),
    );
  });

  it.each([
    ['America/New_York', '30 1 * * *', '2026-10-30T12:00:00Z'],
    ['America/New_York', '0 */6 * * *', '2026-10-31T12:00:00Z'],
    ['Europe/Berlin', '0 9 * * 1-5', '2026-10-22T12:00:00Z'],
  ])('equals planSlots around the fall-back of %s (%s)', async (timezone, cron, from) => {
    const res = await preview({ cron, timezone, from, count: '10' }).expect(200);
    const body = res.body as Preview;
    // What the claimer would plan for a prompt saved at `from`: its nextSlotAt, then each slot's successor.
    const plan = planSlots(
      { cron, timezone, nextSlotAt: nextSlotAfter(cron, timezone, new Date(from)) },
      new Date('2027-06-01T00:00:00Z'),
      Number.MAX_SAFE_INTEGER,
      10,
    );
    expect(body.firings.map((f) => f.at)).toEqual(plan.slots.map((s) => s.slotAt.toISOString()));
    for (const f of body.firings) {
      // The local time names the same instant.
      expect(new Date(f.local).toISOString()).toBe(f.at);
    }
  });

  it('words the schedule with its timezone', async () => {
    const weekdays = (await preview({ cron: '0 9 * * 1-5', timezone: 'Europe/Berlin' }).expect(200))
      .body as Preview;
    expect(weekdays.description).toBe('At 09:00, Monday through Friday');
    expect(weekdays.words).toBe('At 09:00, Monday through Friday (Europe/Berlin)');
    const hourly = (await preview({ cron: '0 * * * *' }).expect(200)).body as Preview;
    expect(hourly).toMatchObject({ timezone: 'UTC', words: 'Every hour, every day (UTC)' });
  });

  it.each([
    [{ cron: 'not a cron' }, 'query.cron'],
    [{ cron: '0 9 * * *', timezone: 'Mars/Olympus' }, 'query.timezone'],
    [{ cron: '*/10 * * * * *' }, 'query.cron'],
    [{ cron: '0 9 * * *', count: '11' }, 'query.count'],
    [{ cron: '0 9 * * *', count: '0' }, 'query.count'],
    [{ cron: '0 9 * * *', from: 'yesterday' }, 'query.from'],
    [{ cron: '0 9 * * *', from: '1999-12-31T00:00:00Z' }, 'query.from'],
    [{ timezone: 'UTC' }, 'query.cron'],
    [{ cron: '0 9 * * *', extra: 'x' }, 'query'],
  ])('refuses %j with a 400 naming %s', async (query, path) => {
    const res = await preview(query as Record<string, string>).expect(400);
    expect(res.body.error.code).toBe('validation_failed');
    expect((res.body.error.details as { path: string }[]).map((d) => d.path)).toContain(path);
  });

  it('needs a key', async () => {
    await t.http().get('/v1/schedules/preview').query({ cron: '0 9 * * *' }).expect(401);
  });
});
