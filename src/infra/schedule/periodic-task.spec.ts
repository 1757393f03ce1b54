import { SchedulerRegistry } from '@nestjs/schedule';
import { PeriodicTask } from './periodic-task';

/** A pass that stays in progress until the test settles it. */
function controllablePass(): {
  pass: () => Promise<number>;
  calls: () => number;
  finish: (value: number) => void;
  fail: (err: Error) => void;
} {
  let calls = 0;
  let resolve: (value: number) => void = () => undefined;
  let reject: (err: Error) => void = () => undefined;
  return {
    pass: () => {
      calls++;
      return new Promise<number>((res, rej) => {
        resolve = res;
        reject = rej;
      });
    },
    calls: () => calls,
    finish: (value) => resolve(value),
    fail: (err) => reject(err),
  };
}

describe('PeriodicTask', () => {
  const logger = { log: jest.fn(), error: jest.fn(), warn: jest.fn() };
  let scheduler: SchedulerRegistry;

  beforeEach(() => {
    jest.useFakeTimers();
    logger.warn.mockClear();
    scheduler = new SchedulerRegistry();
  });

  afterEach(() => jest.useRealTimers());

  function task(pass: () => Promise<number>): PeriodicTask<number> {
    return new PeriodicTask(scheduler, {
      name: 'probe',
      everyMs: 1000,
      pass,
      logger,
      failure: 'probe failed',
    });
  }

  it('registers a named interval on start and removes it on stop', () => {
    const t = task(() => Promise.resolve(0));
    t.start();
    expect(scheduler.getIntervals()).toEqual(['probe']);
    t.stop();
    t.stop();
    expect(scheduler.getIntervals()).toEqual([]);
  });

  it('skips a tick while a pass is in progress, and ticks again once it finished', async () => {
    const p = controllablePass();
    const t = task(p.pass);
    t.start();
    jest.advanceTimersByTime(1000);
    expect(p.calls()).toBe(1);
    jest.advanceTimersByTime(3000);
    expect(p.calls()).toBe(1);
    p.finish(7);
    await t.settled();
    jest.advanceTimersByTime(1000);
    expect(p.calls()).toBe(2);
    t.stop();
  });

  it('joins the pass in progress when run directly', async () => {
    const p = controllablePass();
    const t = task(p.pass);
    const first = t.runOnce();
    const second = t.runOnce();
    expect(p.calls()).toBe(1);
    p.finish(3);
    await expect(Promise.all([first, second])).resolves.toEqual([3, 3]);
  });

  it('logs a failed pass instead of throwing, and the next tick tries again', async () => {
    const p = controllablePass();
    const t = task(p.pass);
    t.start();
    jest.advanceTimersByTime(1000);
    const err = new Error('database unavailable');
    p.fail(err);
    await t.settled();
    await Promise.resolve();
    expect(logger.warn).toHaveBeenCalledWith({ err }, 'probe failed');
    jest.advanceTimersByTime(1000);
    expect(p.calls()).toBe(2);
    t.stop();
  });

  it('settled() waits for the pass in progress after stop()', async () => {
    const p = controllablePass();
    const t = task(p.pass);
    t.start();
    jest.advanceTimersByTime(1000);
    t.stop();
    let settled = false;
    const waiting = t.settled().then(() => (settled = true));
    await Promise.resolve();
    expect(settled).toBe(false);
    p.finish(1);
    await waiting;
    expect(settled).toBe(true);
    jest.advanceTimersByTime(5000);
    expect(p.calls()).toBe(1);
  });
});
