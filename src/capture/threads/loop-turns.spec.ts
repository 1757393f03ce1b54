import { LoopTurns } from './loop-turns';

const busy = (ms: number): void => {
  const until = performance.now() + ms;
  while (performance.now() < until);
};

describe('LoopTurns', () => {
  it('runs tasks first come first served and hands back their results and errors', async () => {
    const turns = new LoopTurns();
    const order: number[] = [];
    const results = await Promise.allSettled(
      [1, 2, 3].map((i) =>
        turns.run(() => {
          order.push(i);
          if (i === 2) throw new Error('boom');
          return i * 10;
        }),
      ),
    );
    expect(order).toEqual([1, 2, 3]);
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message))).toEqual([
      10,
      'boom',
      30,
    ]);
  });

  it('lets the loop go round (timers, I/O) between turns once the budget is spent', async () => {
    const turns = new LoopTurns(2);
    const order: string[] = [];
    // 200 tasks of 0.2 ms: run back to back they would hold the loop for 40 ms.
    await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        turns.run(() => {
          // Armed by the first task: due 1 ms later, while most tasks are still waiting.
          if (i === 0) setTimeout(() => order.push('timer'), 1);
          busy(0.2);
          order.push(`t${i}`);
        }),
      ),
    );
    const timer = order.indexOf('timer');
    expect(timer).toBeGreaterThan(0);
    expect(timer).toBeLessThan(order.length - 1);
  });

  it('runs several cheap tasks per turn (throughput is not one task per loop iteration)', async () => {
    const turns = new LoopTurns(50);
    const order: string[] = [];
    const all = Array.from({ length: 5 }, (_, i) => turns.run(() => order.push(`t${i}`)));
    setImmediate(() => order.push('immediate'));
    await Promise.all(all);
    await new Promise((resolve) => setImmediate(resolve));
    // All five ran in the first turn, before an immediate queued after it.
    expect(order).toEqual(['t0', 't1', 't2', 't3', 't4', 'immediate']);
  });
});
