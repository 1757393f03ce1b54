import { nextSlotAfter } from '../prompts/cron-schedule';

export interface PlannedSlot {
  slotAt: Date;
  /** Missed during downtime: recorded as a `skipped` run with reason `missed_slot`, never silently lost. */
  missed: boolean;
}

export interface SlotPlan {
  slots: PlannedSlot[];
  nextSlotAt: Date;
}

/**
 * Missed-slot policy. Every due slot from `nextSlotAt` up to `now` becomes runs. A slot older than `graceMs`
 * (the service was down or the queue was stalled) is recorded as skipped instead of executed: an answer
 * measured hours late would be reported under the wrong time. At most `maxSlots` slots are planned per prompt
 * per claim so a long outage is recorded over several ticks instead of one huge transaction.
 */
export function planSlots(
  schedule: { cron: string; timezone: string; nextSlotAt: Date },
  now: Date,
  graceMs: number,
  maxSlots: number,
): SlotPlan {
  const slots: PlannedSlot[] = [];
  let slot = schedule.nextSlotAt;
  while (slot.getTime() <= now.getTime() && slots.length < maxSlots) {
    slots.push({ slotAt: slot, missed: now.getTime() - slot.getTime() > graceMs });
    slot = nextSlotAfter(schedule.cron, schedule.timezone, slot);
  }
  return { slots, nextSlotAt: slot };
}

/** How long a prompt whose schedule stopped parsing waits before the claimer tries it again. */
export const BROKEN_SCHEDULE_RETRY_MS = 60 * 60_000;

/** The plan of one prompt of a claim batch: its slots, or why its stored schedule no longer plans. */
export type PromptPlan =
  | ({ ok: true } & SlotPlan)
  | {
      ok: false;
      /** The slot that could not be planned past (the prompt's nextSlotAt). */
      slotAt: Date;
      error: string;
      /** The prompt's nextSlotAt until then: it stays out of the claims while its schedule is broken. */
      retryAt: Date;
    };

/**
 * planSlots, isolated per prompt: a stored cron or timezone that no longer parses (after a tz-data or
 * cron-parser upgrade) throws, or yields no later firing; that prompt is returned as broken so the claimer
 * records it and the rest of the batch is claimed.
 */
export function planPromptSlots(
  schedule: { cron: string; timezone: string; nextSlotAt: Date },
  now: Date,
  graceMs: number,
  maxSlots: number,
): PromptPlan {
  const broken = (error: string): PromptPlan => ({
    ok: false,
    slotAt: schedule.nextSlotAt,
    error,
    retryAt: new Date(now.getTime() + BROKEN_SCHEDULE_RETRY_MS),
  });
  let plan: SlotPlan;
  try {
    plan = planSlots(schedule, now, graceMs, maxSlots);
  } catch (e) {
    return broken(e instanceof Error ? e.message : String(e));
  }
  if (!(plan.nextSlotAt.getTime() > schedule.nextSlotAt.getTime())) return broken('no next firing');
  return { ok: true, ...plan };
}

export function scheduledSlotKey(promptId: string, engineId: string, slotAt: Date, sample: number): string {
  return `s:${promptId}:${engineId}:${slotAt.toISOString()}:${sample}`;
}
