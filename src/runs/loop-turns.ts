/**
 * Hands out event-loop turns one at a time: `next()` resolves in a later setImmediate, one waiter per loop
 * iteration, first come first served. A worker finishing many runs at once (runs started together end
 * together) would otherwise tokenize and score all of them in one go, blocking the loop, and with it the
 * timestamping of every other stream's reads, for the sum of their costs; taking a turn before each run's
 * analysis lets the socket reads of the other streams in between.
 */
export class LoopTurns {
  private readonly waiting: (() => void)[] = [];
  private scheduled = false;

  next(): Promise<void> {
    return new Promise<void>((resolve) => {
      this.waiting.push(resolve);
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(this.release);
      }
    });
  }

  private readonly release = (): void => {
    const resolve = this.waiting.shift();
    // Queued from the check phase, the next release runs in the next loop iteration, after its I/O phase.
    if (this.waiting.length > 0) setImmediate(this.release);
    else this.scheduled = false;
    resolve?.();
  };
}
