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

export function scheduledSlotKey(promptId: string, engineId: string, slotAt: Date, sample: number): string {
  return `s:${promptId}:${engineId}:${slotAt.toISOString()}:${sample}`;
}

export function manualSlotKey(requestId: string, engineId: string, sample: number): string {
  return `m:${requestId}:${engineId}:${sample}`;
}
