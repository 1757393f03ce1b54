/** Timer functions, injectable so tests can drive time by hand. */
export interface WatchdogTimers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  /** Restarts a pending timer in place (Node's Timeout.refresh), saving a timer allocation per touch. */
  refresh?(handle: unknown): void;
}

const SYSTEM_TIMERS: WatchdogTimers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
  refresh: (handle) => (handle as NodeJS.Timeout).refresh(),
};

/**
 * Fires once when `idleMs` passes without `touch()`. Used to fail a stream that keeps its connection busy
 * (keep-alive comments, pings, empty deltas) but delivers no content: byte-level idle timeouts never see
 * such a stream as idle. Call `touch()` only for content-bearing events.
 */
export class ContentIdleWatchdog {
  private handle: unknown = null;
  private running = false;
  private hasFired = false;

  constructor(
    readonly idleMs: number,
    private readonly onIdle: () => void,
    private readonly timers: WatchdogTimers = SYSTEM_TIMERS,
  ) {
    if (!Number.isFinite(idleMs) || idleMs <= 0) {
      throw new RangeError(`idleMs must be positive, got ${idleMs}`);
    }
  }

  get fired(): boolean {
    return this.hasFired;
  }

  /** Arms the timer; the idle period counts from now. */
  start(): void {
    if (this.hasFired) return;
    this.running = true;
    this.arm();
  }

  /** Content arrived: the idle period restarts. No effect before `start()`, after `stop()` or once fired. */
  touch(): void {
    if (!this.running) return;
    this.arm();
  }

  stop(): void {
    this.running = false;
    this.disarm();
  }

  private arm(): void {
    // A pending timer (handle is cleared when it fires or is disarmed) is restarted in place.
    if (this.handle !== null && this.timers.refresh !== undefined) {
      this.timers.refresh(this.handle);
      return;
    }
    this.disarm();
    this.handle = this.timers.setTimeout(() => {
      this.handle = null;
      if (!this.running) return;
      this.running = false;
      this.hasFired = true;
      this.onIdle();
    }, this.idleMs);
  }

  private disarm(): void {
    if (this.handle === null) return;
    this.timers.clearTimeout(this.handle);
    this.handle = null;
  }
}
