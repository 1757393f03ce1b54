import { retryWhileDatabaseUnavailable, type WriteRetryHooks } from './result-write-retry';

/** What pg reports when nothing listens on the port (the shape of Node's socket error). */
function refused(): Error {
  return Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
}

/** A virtual clock: sleeping advances it, so the schedule is checked without waiting. */
function harness(random = () => 0.5) {
  let now = 0;
  const sleeps: number[] = [];
  const events: string[] = [];
  const hooks: WriteRetryHooks = {
    failing: (p) => events.push(`failing tries=${p.tries} next=${p.nextDelayMs}`),
    recovered: (p) => events.push(`recovered tries=${p.tries} elapsed=${p.elapsedMs}`),
    gaveUp: (p) => events.push(`gaveUp tries=${p.tries} elapsed=${p.elapsedMs}`),
  };
  const deps = {
    now: () => now,
    sleep: (ms: number) => {
      sleeps.push(ms);
      now += ms;
      return Promise.resolve();
    },
    random,
  };
  return { sleeps, events, hooks, deps };
}

const POLICY = { budgetMs: 120_000, baseDelayMs: 250, maxDelayMs: 5000 };

describe('retryWhileDatabaseUnavailable', () => {
  it('retries while the database is unavailable, with capped backoff, and reports the recovery', async () => {
    const h = harness();
    let calls = 0;
    const value = await retryWhileDatabaseUnavailable(
      () => (++calls <= 8 ? Promise.reject(refused()) : Promise.resolve('saved')),
      POLICY,
      h.hooks,
      h.deps,
    );
    expect(value).toBe('saved');
    expect(calls).toBe(9);
    // ceiling 250, 500, 1000, 2000, 4000, then capped at 5000; the delay is 3/4 of it with random() = 0.5.
    expect(h.sleeps).toEqual([187, 375, 750, 1500, 3000, 3750, 3750, 3750]);
    expect(h.events).toEqual(['failing tries=1 next=187', 'recovered tries=9 elapsed=17062']);
  });

  it('spreads the delays over the upper half of the schedule (jitter)', async () => {
    const low = harness(() => 0);
    const high = harness(() => 0.999);
    for (const h of [low, high]) {
      let calls = 0;
      await retryWhileDatabaseUnavailable(
        () => (++calls <= 3 ? Promise.reject(refused()) : Promise.resolve(1)),
        POLICY,
        h.hooks,
        h.deps,
      );
    }
    expect(low.sleeps).toEqual([125, 250, 500]);
    expect(high.sleeps).toEqual([249, 499, 999]);
  });

  it('gives up with the last error once the budget would be exceeded', async () => {
    const h = harness();
    const error = refused();
    let calls = 0;
    await expect(
      retryWhileDatabaseUnavailable(
        () => {
          calls++;
          return Promise.reject(error);
        },
        { ...POLICY, budgetMs: 10_000 },
        h.hooks,
        h.deps,
      ),
    ).rejects.toBe(error);
    // 187 + 375 + 750 + 1500 + 3000 = 5812; the next 3750 would end past 10 s.
    expect(calls).toBe(7);
    expect(h.events.at(-1)).toBe('gaveUp tries=7 elapsed=9562');
  });

  it('throws any other error at once (a bad row is not retried forever)', async () => {
    const h = harness();
    const dataError = Object.assign(new Error('duplicate key value violates unique constraint'), {
      code: '23505',
    });
    let calls = 0;
    await expect(
      retryWhileDatabaseUnavailable(
        () => {
          calls++;
          return Promise.reject(dataError);
        },
        POLICY,
        h.hooks,
        h.deps,
      ),
    ).rejects.toBe(dataError);
    expect(calls).toBe(1);
    expect(h.events).toEqual([]);
  });

  it('stops retrying once the signal aborts (worker shutting down)', async () => {
    const h = harness();
    const controller = new AbortController();
    let calls = 0;
    await expect(
      retryWhileDatabaseUnavailable(
        () => {
          if (++calls === 2) controller.abort();
          return Promise.reject(refused());
        },
        POLICY,
        h.hooks,
        h.deps,
        controller.signal,
      ),
    ).rejects.toThrow('ECONNREFUSED');
    expect(calls).toBe(2);
    expect(h.events.at(-1)).toBe('gaveUp tries=2 elapsed=187');
  });
});
