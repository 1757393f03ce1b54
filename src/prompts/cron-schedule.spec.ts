import { checkSchedule, nextSlotAfter } from './cron-schedule';

const from = new Date('2026-03-28T12:00:00Z');

describe('cron schedules', () => {
  it.each([
    ['0 9 * * *', 'Europe/Paris', true],
    ['*/5 * * * *', 'UTC', true],
    ['*/2 * * * *', 'UTC', true],
    ['* * * * *', 'UTC', false], // every 60 s: below the 120 s minimum used here
    ['*/30 * * * * *', 'UTC', false], // six fields: every 30 s
    ['0,1 * * * *', 'UTC', false], // two firings a minute apart: the smallest gap counts
    ['not a cron', 'UTC', false],
    ['0 9 * * *', 'Mars/Olympus', false],
  ])('%s in %s → valid: %s', (cron, tz, ok) => {
    expect(checkSchedule(cron, tz, 120, from).ok).toBe(ok);
  });

  it('fires at local time across a DST change', () => {
    // Europe/Paris moves to summer time on 2026-03-29: 09:00 local is 08:00Z before, 07:00Z after.
    const first = nextSlotAfter('0 9 * * *', 'Europe/Paris', from);
    const second = nextSlotAfter('0 9 * * *', 'Europe/Paris', first);
    expect(first.toISOString()).toBe('2026-03-29T07:00:00.000Z');
    expect(second.toISOString()).toBe('2026-03-30T07:00:00.000Z');
    expect(nextSlotAfter('0 9 * * *', 'Europe/Paris', new Date('2026-03-27T12:00:00Z')).toISOString()).toBe(
      '2026-03-28T08:00:00.000Z',
    );
  });
});
