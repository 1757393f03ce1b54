import { EventPump } from './event-pump';

async function pull<T>(it: AsyncGenerator<T, void, undefined>, n: number): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < n; i++) {
    const r = await it.next();
    if (r.done === true) break;
    out.push(r.value);
  }
  return out;
}

describe('EventPump', () => {
  it('delivers events in order, then ends', async () => {
    const pump = new EventPump<number>();
    const drained = pump.drain();
    pump.push(1);
    pump.push(2);
    pump.notify();
    expect(await pull(drained, 2)).toEqual([1, 2]);
    const waiting = drained.next();
    pump.push(3);
    pump.end();
    expect(await waiting).toEqual({ value: 3, done: false });
    expect(await drained.next()).toEqual({ value: undefined, done: true });
  });

  it('raises a failure only after the events that preceded it', async () => {
    const pump = new EventPump<number>();
    pump.push(1);
    pump.fail(new Error('lost'));
    pump.push(2); // after the failure: never delivered
    const drained = pump.drain();
    expect(await pull(drained, 1)).toEqual([1]);
    await expect(drained.next()).rejects.toThrow('lost');
  });

  it('raises an abort at the next pull, before queued events, even after the end', async () => {
    const pump = new EventPump<number>();
    const drained = pump.drain();
    pump.push(1);
    pump.push(2);
    pump.end();
    expect(await pull(drained, 1)).toEqual([1]);
    pump.abort(new Error('stop now'));
    await expect(drained.next()).rejects.toThrow('stop now');
  });

  it('keeps the first end or failure', async () => {
    const ended = new EventPump<number>();
    ended.end();
    ended.fail(new Error('late'));
    expect(ended.settled).toBe(true);
    expect(await ended.drain().next()).toEqual({ value: undefined, done: true });

    const failed = new EventPump<number>();
    failed.fail(new Error('first'));
    failed.fail(new Error('second'));
    failed.end();
    await expect(failed.drain().next()).rejects.toThrow('first');
  });

  it('wakes a waiting consumer after the reads of this turn (notifyAfterReads), once', async () => {
    const pump = new EventPump<number>();
    const drained = pump.drain();
    const first = drained.next();
    pump.push(1);
    pump.notifyAfterReads();
    pump.push(2);
    pump.notifyAfterReads();
    let woke = false;
    void first.then(() => (woke = true));
    await Promise.resolve();
    expect(woke).toBe(false); // not before the I/O phase is over
    expect(await first).toEqual({ value: 1, done: false });
    expect(await drained.next()).toEqual({ value: 2, done: false });
  });

  it('reports how many events are left after each pull', async () => {
    const pump = new EventPump<number>();
    const left: number[] = [];
    [1, 2, 3].forEach((n) => pump.push(n));
    pump.end();
    const drained = pump.drain((n) => left.push(n));
    expect(await pull(drained, 5)).toEqual([1, 2, 3]);
    expect(left).toEqual([2, 1, 0]);
  });
});
