import { BROKEN_SCHEDULE_RETRY_MS, planPromptSlots, planSlots } from './slot-planner';

describe('planSlots (missed-slot policy)', () => {
  const schedule = { cron: '*/10 * * * *', timezone: 'UTC', nextSlotAt: new Date('2026-01-01T00:00:00Z') };

  it('runs recent due slots and records older ones as missed', () => {
    const plan = planSlots(schedule, new Date('2026-01-01T00:35:00Z'), 15 * 60_000, 100);
    expect(plan.slots.map((s) => [s.slotAt.toISOString().slice(11, 16), s.missed])).toEqual([
      ['00:00', true],
      ['00:10', true],
      ['00:20', false],
      ['00:30', false],
    ]);
    expect(plan.nextSlotAt.toISOString()).toBe('2026-01-01T00:40:00.000Z');
  });

  it('plans at most maxSlots per claim and resumes from there', () => {
    const plan = planSlots(schedule, new Date('2026-01-02T00:00:00Z'), 60_000, 5);
    expect(plan.slots).toHaveLength(5);
    expect(plan.nextSlotAt.toISOString()).toBe('2026-01-01T00:50:00.000Z');
  });

  it('plans nothing before the slot is due', () => {
    expect(planSlots(schedule, new Date('2025-12-31T23:59:59Z'), 60_000, 5).slots).toEqual([]);
  });
});

describe('planPromptSlots (one prompt of a claim batch)', () => {
  const now = new Date('2026-01-01T00:35:00Z');
  const nextSlotAt = new Date('2026-01-01T00:30:00Z');

  it('plans a valid schedule like planSlots', () => {
    const plan = planPromptSlots({ cron: '*/10 * * * *', timezone: 'UTC', nextSlotAt }, now, 60_000, 100);
    expect(plan).toEqual({
      ok: true,
      ...planSlots({ cron: '*/10 * * * *', timezone: 'UTC', nextSlotAt }, now, 60_000, 100),
    });
  });

  it.each([
    ['a cron that no longer parses', 'not a cron', 'UTC'],
    ['a cron that never fires', '0 0 31 2 *', 'UTC'],
    ['an unknown timezone', '0 9 * * *', 'Mars/Olympus'],
  ])('returns %s as broken, retried later', (_, cron, timezone) => {
    const plan = planPromptSlots({ cron, timezone, nextSlotAt }, now, 60_000, 100);
    expect(plan).toMatchObject({
      ok: false,
      slotAt: nextSlotAt,
      retryAt: new Date(now.getTime() + BROKEN_SCHEDULE_RETRY_MS),
    });
    expect(plan.ok ? '' : plan.error).not.toBe('');
  });
});
