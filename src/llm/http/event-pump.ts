/**
 * Consumers woken by reads during this event-loop turn. Reads are timestamped in their `data` listeners, but
 * the consumers (parser, capture, live detection, live events) run only once the loop's I/O phase is over
 * (setImmediate): otherwise the microtasks of one stream's read would run before the next socket's read is
 * even timestamped, and with hundreds of streams ready in one turn the last ones would be stamped late by the
 * processing of all the others.
 */
let wakesDue: (() => void)[] = [];
function wakeAfterReads(wake: () => void): void {
  if (wakesDue.push(wake) === 1) setImmediate(runWakes);
}
function runWakes(): void {
  const due = wakesDue;
  wakesDue = [];
  for (const wake of due) wake();
}

/**
 * Callback events in, an async generator out (`drain`): the events in order, then the end or the failure. A
 * failure is raised only after the events that preceded it were delivered; an abort (the caller asked to stop
 * reading) is raised at the next pull, before anything still queued. The first end or failure wins.
 */
export class EventPump<T> {
  private readonly queue: T[] = [];
  private failure: Error | null = null;
  private abortFailure: Error | null = null;
  private ended = false;
  private wake: (() => void) | null = null;
  private wakeQueued = false;

  /** Events queued and not yet pulled. */
  get size(): number {
    return this.queue.length;
  }

  /** True once the end or a failure arrived. */
  get settled(): boolean {
    return this.ended || this.failure !== null;
  }

  /**
   * Queues an event (none after the end or a failure); the consumer is woken by the next notify (at once) or
   * notifyAfterReads.
   */
  push(event: T): void {
    if (!this.settled) this.queue.push(event);
  }

  end(): void {
    if (this.failure === null) this.ended = true;
    this.notify();
  }

  fail(error: Error): void {
    if (!this.settled) this.failure = error;
    this.notify();
  }

  abort(error: Error): void {
    this.abortFailure ??= error;
    this.notify();
  }

  /** Wakes a waiting consumer now. */
  notify(): void {
    const resolve = this.wake;
    this.wake = null;
    resolve?.();
  }

  /** Wakes a waiting consumer once this event-loop turn's reads are all timestamped (see wakeAfterReads). */
  notifyAfterReads(): void {
    if (this.wakeQueued) return;
    this.wakeQueued = true;
    wakeAfterReads(this.queuedWake);
  }

  private readonly queuedWake = (): void => {
    this.wakeQueued = false;
    this.notify();
  };

  /** The events, then return on the end or throw the failure. `onTake` sees how many are left after each. */
  async *drain(onTake?: (left: number) => void): AsyncGenerator<T, void, undefined> {
    for (;;) {
      if (this.abortFailure !== null) throw this.abortFailure;
      const next = this.queue.shift();
      if (next !== undefined) {
        onTake?.(this.queue.length);
        yield next;
        continue;
      }
      if (this.failure !== null) throw this.failure;
      if (this.ended) return;
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
    }
  }
}
