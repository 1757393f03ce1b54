import dns from 'node:dns';
import { FakeOpenAiServer } from '../../../test/fakes/fake-openai-server';
import { SystemMonotonicClock } from '../monotonic-clock';
import { StreamingHttpClient, type HttpStreamEvent } from './streaming-http-client';

/** A DNS answer `delayMs` late: connection set-up that must stay out of TTFT. */
const LOOKUP_DELAY_MS = 100;
/**
 * Server and client share this process: the request reaches the fake within a loop turn or so on a quiet machine;
 * the bound leaves room for a busy 2-core host and stays half the DNS delay a wrong zero would add.
 */
const LOOPBACK_LIMIT_MS = 50;

describe('StreamingHttpClient: t_req', () => {
  let server: FakeOpenAiServer;
  let port: number;
  let lookups = 0;
  const client = new StreamingHttpClient({
    lookup: (_hostname, options, callback) => {
      lookups++;
      setTimeout(() => dns.lookup('127.0.0.1', options, callback), LOOKUP_DELAY_MS);
    },
  });

  beforeAll(async () => {
    server = new FakeOpenAiServer();
    ({ port } = await server.start());
  });
  afterAll(() => server.stop());

  async function exchange(): Promise<{
    clock: SystemMonotonicClock;
    createdMs: number;
    events: HttpStreamEvent[];
    requestAtMs: number;
    writeAtMs: number;
  }> {
    const finished = server.enqueue({ writes: [{ delayMs: 20, bytes: 'data: {}\n\n' }] }).finished;
    const clock = new SystemMonotonicClock();
    const createdMs = clock.originMs;
    const events: HttpStreamEvent[] = [];
    const url = new URL(`http://fake.test:${port}/v1/chat/completions`);
    for await (const e of client.post(
      { url, headers: {}, body: '{}' },
      { signal: new AbortController().signal, clock },
    )) {
      events.push(e);
    }
    const ex = await finished;
    // The fake's times are epoch ms on this process's performance clock; the clock's zero in the same terms:
    const zeroMs = performance.timeOrigin + clock.originMs;
    return {
      clock,
      createdMs,
      events,
      requestAtMs: ex.requestReceivedAtMs - zeroMs,
      writeAtMs: ex.writeTimesMs[0]! - zeroMs,
    };
  }

  it('starts the clock as the request is written to the connected socket: DNS and connecting come before', async () => {
    const { clock, createdMs, events, requestAtMs, writeAtMs } = await exchange();
    expect(lookups).toBe(1);
    // The zero moved past the lookup and the connect, which are the connection phase.
    expect(clock.originMs - createdMs).toBeGreaterThanOrEqual(LOOKUP_DELAY_MS - 1);
    expect(clock.connectUs).toBeGreaterThanOrEqual((LOOKUP_DELAY_MS - 1) * 1000);
    expect(clock.startedAt.getTime()).toBeGreaterThanOrEqual(Date.now() - 5_000);
    // The fake saw the request a loopback after t_req, never before it.
    expect(requestAtMs).toBeGreaterThanOrEqual(0);
    expect(requestAtMs).toBeLessThan(LOOPBACK_LIMIT_MS);
    // Every time is on the moved zero: the read arrives a loopback after its write.
    const data = events.find((e) => e.type === 'data')!;
    expect(data.atUs / 1000 - writeAtMs).toBeGreaterThanOrEqual(0);
    expect(data.atUs / 1000 - writeAtMs).toBeLessThan(LOOPBACK_LIMIT_MS);
  });

  it('measures about no connection phase on a reused keep-alive socket', async () => {
    await exchange();
    const { clock, requestAtMs } = await exchange();
    expect(lookups).toBe(1); // no new connection since the first test
    expect(clock.connectUs).toBeLessThan(LOOPBACK_LIMIT_MS * 1000);
    expect(requestAtMs).toBeGreaterThanOrEqual(0);
    expect(requestAtMs).toBeLessThan(LOOPBACK_LIMIT_MS);
  });
});
