// The live-event publisher batches events into script calls spaced at least 10 ms apart, without losing or
// reordering any. Real Redis.
import { Redis } from 'ioredis';
import { loadConfig } from '../../src/config/app-config';
import { RunEventPublisher } from '../../src/live-events/run-event-publisher';
import { runLogKey } from '../../src/live-events/run-event-keys';
import { deleteQueueKeys, isolatedQueuePrefix } from '../support/pipeline';

const PREFIX = isolatedQueuePrefix('publisher');

describe('RunEventPublisher', () => {
  let redis: Redis;
  let publisher: RunEventPublisher;
  let calls: number[];

  beforeAll(async () => {
    redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { lazyConnect: true });
    await redis.connect();
    publisher = new RunEventPublisher(redis, loadConfig({ ...process.env, QUEUE_PREFIX: PREFIX }));
    // Count the script calls (the publisher's only Redis traffic) by wrapping the defined command.
    const r = redis as unknown as { streamrankRunEvents: (...args: unknown[]) => Promise<number> };
    const original = r.streamrankRunEvents.bind(redis);
    r.streamrankRunEvents = (...args: unknown[]) => {
      calls.push(performance.now());
      return original(...args);
    };
  });

  afterAll(async () => {
    await deleteQueueKeys(PREFIX);
    redis.disconnect();
  });

  beforeEach(() => {
    calls = [];
  });

  async function logged(runId: string): Promise<{ type: string; data: string }[]> {
    const entries = await redis.xrange(runLogKey(PREFIX, runId), '-', '+');
    return entries.map(([, fields]) => ({ type: fields[1]!, data: fields[3]! }));
  }

  it('sends the first event of an idle publisher at once', async () => {
    const run = { runId: 'idle-run', projectId: 'p', attempt: 1 };
    await new Promise((r) => setTimeout(r, 20));
    publisher.status(run, 'running');
    // Sent on the loop's next check phase: a spacing timer (10 ms) cannot fire before this setImmediate does,
    // however busy the machine, so the call being made by now proves no timer stood in between.
    await new Promise((r) => setImmediate(r));
    expect(calls).toHaveLength(1);
  });

  it('spaces script calls at least 10 ms apart under a steady stream of events, losing none', async () => {
    const run = { runId: 'busy-run', projectId: 'p', attempt: 1 };
    const sent = 300;
    for (let i = 0; i < sent; i++) {
      publisher.chunks(run, [{ index: i, text: `t${i} `, atUs: i * 1000 }]);
      // One event per event-loop turn, for about 100 ms.
      if (i % 3 === 0) await new Promise((r) => setTimeout(r, 1));
      else await new Promise((r) => setImmediate(r));
    }
    const deadline = Date.now() + 2_000;
    while ((await logged(run.runId)).length < sent && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 10));
    }

    const entries = await logged(run.runId);
    expect(entries.map((e) => (JSON.parse(e.data) as { index: number }[])[0]!.index)).toEqual(
      Array.from({ length: sent }, (_, i) => i),
    );
    // About one call per 10 ms at most: timers fire on the event loop's cached clock, so one gap may come out
    // a little short, but over the whole stream the calls cannot outpace the interval.
    const elapsed = calls[calls.length - 1]! - calls[0]!;
    expect(calls.length).toBeLessThanOrEqual(Math.floor(elapsed / 8) + 2);
    expect(calls.length).toBeLessThan(sent / 5);
  });

  describe('settled()', () => {
    /** A second connection: the publisher's own is held up by the pause like any writer's. */
    let reader: Redis;

    beforeAll(async () => {
      reader = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { lazyConnect: true });
      await reader.connect();
    });

    afterAll(async () => {
      await reader.call('CLIENT', 'UNPAUSE');
      reader.disconnect();
    });

    const entriesOf = async (runId: string): Promise<number> =>
      (await reader.xrange(runLogKey(PREFIX, runId), '-', '+')).length;

    it('resolves at once when everything written is answered', async () => {
      await new Promise((r) => setTimeout(r, 20));
      let resolved = false;
      void publisher.settled().then(() => (resolved = true));
      // Resolved before the loop's next check phase: no timer and no Redis round trip stood in between.
      await new Promise((r) => setImmediate(r));
      expect(resolved).toBe(true);
    });

    it('resolves only once the events written before it are in the log', async () => {
      const run = { runId: 'settle-run', projectId: 'p', attempt: 1 };
      await reader.call('CLIENT', 'PAUSE', '300', 'WRITE');
      const t0 = performance.now();
      for (let i = 0; i < 5; i++) publisher.chunks(run, [{ index: i, text: `t${i} `, atUs: i }]);
      await publisher.settled();
      expect(performance.now() - t0).toBeGreaterThan(250);
      expect(await entriesOf(run.runId)).toBe(5);
    });

    it('gives up after maxMs while Redis holds the writes', async () => {
      const run = { runId: 'settle-late-run', projectId: 'p', attempt: 1 };
      // Paused far longer than the wait, and lifted by hand: a busy machine cannot make the pause end first.
      await reader.call('CLIENT', 'PAUSE', '10000', 'WRITE');
      publisher.status(run, 'running');
      const t0 = performance.now();
      await publisher.settled(100);
      const waited = performance.now() - t0;
      expect(waited).toBeGreaterThanOrEqual(99);
      expect(waited).toBeLessThan(5_000);
      expect(await entriesOf(run.runId)).toBe(0);
      await reader.call('CLIENT', 'UNPAUSE');
      await publisher.settled();
      expect(await entriesOf(run.runId)).toBe(1);
    });
  });
});
