import { type SchedulerRegistry } from '@nestjs/schedule';

/** Registers a named periodic task (ticks are fire-and-forget; the task handles its own errors). */
export function startPeriodic(
  scheduler: SchedulerRegistry,
  name: string,
  everyMs: number,
  tick: () => unknown,
): void {
  scheduler.addInterval(
    name,
    setInterval(() => void tick(), everyMs),
  );
}

export function stopPeriodic(scheduler: SchedulerRegistry, name: string): void {
  if (scheduler.doesExist('interval', name)) scheduler.deleteInterval(name);
}
