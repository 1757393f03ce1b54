import { type LoggerService } from '@nestjs/common';
import { type SchedulerRegistry } from '@nestjs/schedule';

export interface PeriodicTaskOptions<T> {
  /** The interval's name in the SchedulerRegistry (one task of a name per process). */
  name: string;
  everyMs: number;
  /** One pass of the task (an async function: its failures are rejections). */
  pass: () => Promise<T>;
  logger: LoggerService;
  /** Logged with the error when a tick's pass fails; the next tick tries again. */
  failure: string;
}

/**
 * The one scaffold of every periodic task (slot claimer, run and webhook reconcilers, report digests): a named
 * interval in the SchedulerRegistry that its owner starts on application bootstrap and stops on shutdown. A
 * tick never overlaps a pass still in progress in this process (it is skipped), and a failed pass is logged,
 * never thrown. Every replica runs its own ticks, so a pass must be safe to run concurrently across processes.
 */
export class PeriodicTask<T> {
  private inFlight: Promise<T> | null = null;

  constructor(
    private readonly scheduler: SchedulerRegistry,
    private readonly options: PeriodicTaskOptions<T>,
  ) {}

  start(): void {
    this.scheduler.addInterval(
      this.options.name,
      setInterval(() => this.tick(), this.options.everyMs),
    );
  }

  /** Stops the ticks; a pass in progress runs on (await settled() to wait for it). */
  stop(): void {
    if (this.scheduler.doesExist('interval', this.options.name)) {
      this.scheduler.deleteInterval(this.options.name);
    }
  }

  /** Resolves once the pass in progress, if any, has finished (never rejects). */
  async settled(): Promise<void> {
    await this.inFlight?.catch(() => undefined);
  }

  /** One pass now; a pass already in progress in this process is joined rather than overlapped. */
  runOnce(): Promise<T> {
    this.inFlight ??= this.options.pass().finally(() => (this.inFlight = null));
    return this.inFlight;
  }

  private tick(): void {
    if (this.inFlight) return;
    this.runOnce().catch((err: unknown) => {
      this.options.logger.warn({ err }, this.options.failure);
    });
  }
}
