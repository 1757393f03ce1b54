// A schedule in words and its next firings, for the schedule editor. The firings come from nextSlotAfter, the
// function the slot claimer plans with (src/scheduling/slot-planner.ts): a prompt saved with this schedule gets
// the first one as its nextSlotAt, and the claimer steps from each slot to the next exactly the same way.
import cronstrue from 'cronstrue';
import { nextSlotAfter } from './cron-schedule';

/** The first `count` firings strictly after `from`: the slots the claimer would plan, in order. */
export function nextFirings(cron: string, timezone: string, from: Date, count: number): Date[] {
  const out: Date[] = [];
  let at = from;
  while (out.length < count) {
    at = nextSlotAfter(cron, timezone, at);
    out.push(at);
  }
  return out;
}

/**
 * The cron in words (cronstrue, 24-hour clock). cronstrue knows the whole cron grammar cron-parser accepts
 * (lists, ranges, steps, L, W, #, names); an expression it cannot word is shown as itself.
 */
export function describeCron(cron: string): string {
  try {
    return cronstrue.toString(cron, { use24HourTimeFormat: true, verbose: true });
  } catch {
    return `Cron "${cron}"`;
  }
}

/** The instant in the timezone as ISO 8601 with its offset: 2026-03-30T09:00:00+02:00. */
export function localIso(at: Date, timezone: string): string {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: timezone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    timeZoneName: 'longOffset',
  }).formatToParts(at);
  const p = (type: Intl.DateTimeFormatPartTypes): string => parts.find((x) => x.type === type)?.value ?? '';
  const gmt = p('timeZoneName').replace('GMT', '');
  const offset = gmt === '' ? '+00:00' : gmt;
  return `${p('year')}-${p('month')}-${p('day')}T${p('hour')}:${p('minute')}:${p('second')}${offset}`;
}
