import { LoopTurns } from './loop-turns';

describe('LoopTurns', () => {
  it('releases waiters first come first served, one per setImmediate', async () => {
    const turns = new LoopTurns();
    const order: string[] = [];
    const all = [1, 2, 3].map((i) => turns.next().then(() => order.push(`w${i}`)));
    // An immediate queued now runs in the same check phase as the first release, before the second one.
    setImmediate(() => order.push('immediate'));
    await Promise.all(all);
    expect(order).toEqual(['w1', 'immediate', 'w2', 'w3']);
  });

  it('lets the loop go round (timers, I/O) between two releases', async () => {
    const turns = new LoopTurns();
    const order: string[] = [];
    const busy = (ms: number): void => {
      const until = performance.now() + ms;
      while (performance.now() < until);
    };
    // 200 turns of 0.2 ms each: run back to back they would hold the loop for 40 ms.
    await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        turns.next().then(() => {
          // Armed by the first release: due 1 ms later, while 199 turns (~40 ms) are still waiting.
          if (i === 0) setTimeout(() => order.push('timer'), 1);
          busy(0.2);
          order.push(`w${i}`);
        }),
      ),
    );
    const timer = order.indexOf('timer');
    expect(timer).toBeGreaterThan(0);
    expect(timer).toBeLessThan(order.length - 1);
  });

  it('works again after the queue ran empty', async () => {
    const turns = new LoopTurns();
    await turns.next();
    await expect(turns.next()).resolves.toBeUndefined();
  });
});
