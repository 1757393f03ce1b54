import { CronExpressionParser } from 'cron-parser';

export type ScheduleCheck = { ok: true } | { ok: false; field: 'cron' | 'timezone'; message: string };

export function isValidTimezone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/**
 * Validates a cron expression in a timezone and enforces a minimum interval between firings, measured over
 * the next firings (so `* * * * * *` every second, or a list like `0,1 * * * *`, is caught).
 */
export function checkSchedule(
  cron: string,
  timezone: string,
  minIntervalSeconds: number,
  from: Date,
): ScheduleCheck {
  if (!isValidTimezone(timezone)) {
    return { ok: false, field: 'timezone', message: 'is not a known IANA timezone' };
  }
  let firings: Date[];
  try {
    const expr = CronExpressionParser.parse(cron, { tz: timezone, currentDate: from, strict: false });
    firings = expr.take(50).map((d) => d.toDate());
  } catch (e) {
    return { ok: false, field: 'cron', message: `is not a valid cron expression (${(e as Error).message})` };
  }
  if (firings.length === 0) return { ok: false, field: 'cron', message: 'never fires' };
  for (let i = 1; i < firings.length; i++) {
    const gap = (firings[i]!.getTime() - firings[i - 1]!.getTime()) / 1000;
    if (gap < minIntervalSeconds) {
      return { ok: false, field: 'cron', message: `fires more often than every ${minIntervalSeconds} s` };
    }
  }
  return { ok: true };
}

/** The first firing strictly after `after`, in the schedule's timezone (DST handled by cron-parser). */
export function nextSlotAfter(cron: string, timezone: string, after: Date): Date {
  return CronExpressionParser.parse(cron, { tz: timezone, currentDate: after }).next().toDate();
}
