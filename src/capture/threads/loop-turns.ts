/**
 * Runs synchronous tasks in event-loop turns, first come first served, at most about `budgetMs` of them per
 * turn (a task that starts within the budget runs to the end). A worker finishing many runs at once (runs
 * started together end together) would otherwise tokenize and score all of them in one go, blocking the loop,
 * and with it the timestamping of every other stream's reads, for the sum of their costs; between two turns
 * the loop polls its sockets. The budget keeps throughput: a turn is not limited to one task.
 */
export class LoopTurns {
  private readonly queue: (() => void)[] = [];
  private scheduled = false;

  constructor(private readonly budgetMs = 4) {}

  run<T>(task: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push(() => {
        try {
          resolve(task());
        } catch (error) {
          // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- rethrown as thrown
          reject(error);
        }
      });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(this.turn);
      }
    });
  }

  private readonly turn = (): void => {
    const until = performance.now() + this.budgetMs;
    do this.queue.shift()?.();
    while (this.queue.length > 0 && performance.now() < until);
    // Queued from the check phase, the next turn runs in the next loop iteration, after its I/O phase.
    if (this.queue.length > 0) setImmediate(this.turn);
    else this.scheduled = false;
  };
}
