import { ContentIdleWatchdog, type WatchdogTimers } from './content-idle-watchdog';

/** Hand-driven timers: `advance(ms)` fires whatever falls due. */
function manualTimers(): WatchdogTimers & { advance(ms: number): void; pending(): number } {
  let now = 0;
  let nextId = 1;
  const timers = new Map<number, { at: number; callback: () => void }>();
  return {
    setTimeout: (callback, ms) => {
      const id = nextId++;
      timers.set(id, { at: now + ms, callback });
      return id;
    },
    clearTimeout: (handle) => {
      timers.delete(handle as number);
    },
    advance(ms) {
      const until = now + ms;
      for (;;) {
        const due = [...timers.entries()]
          .filter(([, t]) => t.at <= until)
          .sort((a, b) => a[1].at - b[1].at)[0];
        if (due === undefined) break;
        timers.delete(due[0]);
        now = due[1].at;
        due[1].callback();
      }
      now = until;
    },
    pending: () => timers.size,
  };
}

describe('ContentIdleWatchdog', () => {
  it('fires once after idleMs without touch', () => {
    const timers = manualTimers();
    const onIdle = jest.fn();
    const watchdog = new ContentIdleWatchdog(100, onIdle, timers);
    watchdog.start();
    timers.advance(99);
    expect(onIdle).not.toHaveBeenCalled();
    timers.advance(1);
    expect(onIdle).toHaveBeenCalledTimes(1);
    expect(watchdog.fired).toBe(true);
    watchdog.touch();
    timers.advance(1000);
    expect(onIdle).toHaveBeenCalledTimes(1);
  });

  it('restarts the idle period on every touch', () => {
    const timers = manualTimers();
    const onIdle = jest.fn();
    const watchdog = new ContentIdleWatchdog(100, onIdle, timers);
    watchdog.start();
    for (let i = 0; i < 10; i++) {
      timers.advance(90);
      watchdog.touch();
    }
    expect(onIdle).not.toHaveBeenCalled();
    expect(timers.pending()).toBe(1);
    timers.advance(100);
    expect(onIdle).toHaveBeenCalledTimes(1);
  });

  it('does nothing before start or after stop', () => {
    const timers = manualTimers();
    const onIdle = jest.fn();
    const watchdog = new ContentIdleWatchdog(50, onIdle, timers);
    watchdog.touch();
    expect(timers.pending()).toBe(0);
    watchdog.start();
    watchdog.stop();
    expect(timers.pending()).toBe(0);
    watchdog.touch();
    timers.advance(500);
    expect(onIdle).not.toHaveBeenCalled();
    expect(watchdog.fired).toBe(false);
  });

  it('with the real timers, touch restarts the one timer in place (refresh) and it still fires once', async () => {
    const onIdle = jest.fn();
    // The idle period is long next to the touch interval: on a loaded machine (the full suite, CI) a 20 ms
    // timer can fire tens of milliseconds late, and with a 60 ms period that once read as an idle period.
    const watchdog = new ContentIdleWatchdog(300, onIdle);
    watchdog.start();
    // Touched every 20 ms for 600 ms: two idle periods in total, never one without a touch.
    for (let i = 0; i < 30; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      watchdog.touch();
    }
    expect(onIdle).not.toHaveBeenCalled();
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(onIdle).toHaveBeenCalledTimes(1);
    expect(watchdog.fired).toBe(true);
    // Once fired, touching never re-arms it.
    watchdog.touch();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(onIdle).toHaveBeenCalledTimes(1);
    watchdog.stop();
  });

  it('with the real timers, stop() after touches leaves nothing to fire', async () => {
    const onIdle = jest.fn();
    const watchdog = new ContentIdleWatchdog(30, onIdle);
    watchdog.start();
    watchdog.touch();
    watchdog.touch();
    watchdog.stop();
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(onIdle).not.toHaveBeenCalled();
  });

  it.each([0, -1, NaN, Infinity])('rejects idleMs %p', (ms) => {
    expect(() => new ContentIdleWatchdog(ms, () => undefined)).toThrow(RangeError);
  });
});
