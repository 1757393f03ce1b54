// Live run events over Server-Sent Events, across replicas: a ROLE=worker process executes the run and
// publishes through Redis; a separate ROLE=api process serves the SSE stream to a raw node:http client.
import http, { type IncomingHttpHeaders } from 'node:http';
import { type AddressInfo } from 'node:net';
import { type INestApplicationContext } from '@nestjs/common';
import Redis from 'ioredis';
import { createWorkerContext } from '../../src/bootstrap';
import { type ZodType } from 'zod';
import { loadConfig } from '../../src/config/app-config';
import { projectEventDataSchemas, runEventDataSchemas } from '../../src/live-events/run-event-schemas';
import { FakeOpenAiServer } from '../fakes/fake-openai-server';
import { openAiChunkEvents, writesOf } from '../fakes/openai-sse-script';
import {
  createPipelineFixture,
  deleteQueueKeys,
  isolatedQueuePrefix,
  runNow,
  waitForRun,
  type PipelineFixture,
} from '../support/pipeline';
import { createWorkspace, startTestApp, type TestApp, type TestWorkspace } from '../support/test-app';

interface SseEvent {
  id: string | undefined;
  event: string;
  data: unknown;
  /** High-resolution epoch ms (same clock as the fake server's write times). */
  receivedAtMs: number;
}

interface SseSession {
  status: number;
  headers: IncomingHttpHeaders;
  events: SseEvent[];
  /** Resolves when the server ends the response. */
  ended: Promise<void>;
  /** Resolves once `n` events have arrived. */
  waitFor: (predicate: (events: SseEvent[]) => boolean, timeoutMs?: number) => Promise<void>;
  body: () => string;
  abort: () => void;
}

const hrNowMs = (): number => performance.timeOrigin + performance.now();

/** Every event received by any test, checked against the schema its endpoint documents (x-sse-events). */
const checked = { events: 0, violations: [] as string[] };
function checkDocumented(path: string, event: string, data: unknown): void {
  const schemas: Record<string, ZodType> = path.startsWith('/v1/projects/')
    ? projectEventDataSchemas
    : runEventDataSchemas;
  const schema = schemas[event];
  checked.events++;
  if (!schema) return void checked.violations.push(`${path}: undocumented event type ${event}`);
  const parsed = schema.safeParse(data);
  if (!parsed.success) {
    checked.violations.push(`${path} ${event} ${JSON.stringify(data)}: ${parsed.error.message}`);
  }
}

/** Opens an SSE request with node:http and parses events as they arrive. */
function openSse(port: number, path: string, headers: Record<string, string>): Promise<SseSession> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, path, method: 'GET', headers: { Accept: 'text/event-stream', ...headers } },
      (res) => {
        res.setEncoding('utf8');
        const events: SseEvent[] = [];
        const watchers: (() => void)[] = [];
        let raw = '';
        let buffer = '';
        res.on('data', (text: string) => {
          raw += text;
          buffer += text;
          let sep: number;
          while ((sep = buffer.indexOf('\n\n')) !== -1) {
            const block = buffer.slice(0, sep);
            buffer = buffer.slice(sep + 2);
            const fields: Record<string, string> = {};
            for (const line of block.split('\n')) {
              if (line.startsWith(':') || line === '') continue;
              const colon = line.indexOf(':');
              fields[line.slice(0, colon)] = line.slice(colon + 1).replace(/^ /, '');
            }
            if (fields.data === undefined) continue;
            checkDocumented(path, fields.event ?? 'message', JSON.parse(fields.data));
            events.push({
              id: fields.id,
              event: fields.event ?? 'message',
              data: JSON.parse(fields.data) as unknown,
              receivedAtMs: hrNowMs(),
            });
          }
          for (const w of watchers) w();
        });
        const ended = new Promise<void>((done) => {
          res.on('end', () => done());
          res.on('close', () => done());
        });
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          events,
          ended,
          body: () => raw,
          abort: () => req.destroy(),
          waitFor: (predicate, timeoutMs = 10_000) =>
            new Promise<void>((ok, fail) => {
              if (predicate(events)) return ok();
              const timer = setTimeout(
                () =>
                  fail(new Error(`SSE wait timed out; got ${JSON.stringify(events.map((e) => e.event))}`)),
                timeoutMs,
              );
              watchers.push(() => {
                if (predicate(events)) {
                  clearTimeout(timer);
                  ok();
                }
              });
            }),
        });
      },
    );
    req.on('error', reject);
    req.end();
  });
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} did not happen within ${ms} ms`)), ms);
    }),
  ]);
}

const dataOf = <T>(e: SseEvent) => e.data as T;

describe('live run events over SSE (e2e, cross-replica)', () => {
  const prefix = isolatedQueuePrefix('live');
  // Chunks 60 ms apart in live batches of up to 150 ms: log entries holding several chunks.
  const env = {
    QUEUE_PREFIX: prefix,
    EGRESS_ALLOW_PRIVATE: 'true',
    RUN_BACKOFF_MS: '50',
    LIVE_CHUNK_BATCH_MS: '150',
  };
  let fake: FakeOpenAiServer;
  let origin: string;
  let api: TestApp;
  let worker: INestApplicationContext;
  let port: number;
  let ws: TestWorkspace;
  let other: TestWorkspace;
  let routeCounter = 0;

  beforeAll(async () => {
    fake = new FakeOpenAiServer();
    origin = `http://127.0.0.1:${(await fake.start()).port}`;
    api = await startTestApp({ ...env, ROLE: 'api' });
    port = (api.app.getHttpServer().address() as AddressInfo).port;
    worker = await createWorkerContext(
      loadConfig({ ...process.env, ...env, ROLE: 'worker', SCHEDULER_ENABLED: 'false' }),
    );
    ws = await createWorkspace(api);
    other = await createWorkspace(api);
  });

  afterAll(async () => {
    await worker?.close();
    await api?.close();
    await fake?.stop();
    await deleteQueueKeys(prefix);
  });

  async function fixture(): Promise<PipelineFixture & { route: string }> {
    const route = `/r${++routeCounter}`;
    const f = await createPipelineFixture(api, ws, {
      baseUrl: `${origin}${route}/v1`,
      brands: [{ name: 'Acme', kind: 'own' }, { name: 'Globex' }],
    });
    return { ...f, route };
  }

  const TEXTS = ['The best ', 'CRM is ', 'Acme', ', then ', 'Globex ', 'and ', 'others.'];

  describe('a run streamed live', () => {
    let f: PipelineFixture & { route: string };
    let runId: string;
    let live: SseSession;
    let lastWriteMs: number;

    beforeAll(async () => {
      f = await fixture();
      const exchange = fake.enqueue(
        { writes: writesOf(openAiChunkEvents(TEXTS), 60) },
        `${f.route}/v1/chat/completions`,
      ).finished;
      runId = await runNow(api, ws, f.promptId);
      live = await openSse(port, `/v1/runs/${runId}/events`, ws.auth('read'));
      await withTimeout(live.ended, 15_000, 'the end of the SSE stream');
      lastWriteMs = (await exchange).writeTimesMs.at(-1)!;
    });

    it('answers text/event-stream with rate-limit headers', () => {
      expect(live.status).toBe(200);
      expect(live.headers['content-type']).toMatch(/^text\/event-stream/);
      expect(live.headers['ratelimit-limit']).toBeDefined();
    });

    it('delivers chunk events in order, with arrival times, while the stream is still running', async () => {
      const run = await waitForRun(api, ws, runId);
      expect(run.status).toBe('succeeded');
      const chunks = live.events
        .filter((e) => e.event === 'chunk')
        .map(dataOf<{ index: number; text: string; arrivalMs: number }>);
      expect(chunks.map((c) => c.index)).toEqual(chunks.map((_, i) => i));
      expect(chunks.map((c) => c.text).join('')).toBe(run.result!.answerText);
      // The same arrival times the run stores.
      expect(chunks.map((c) => c.arrivalMs)).toEqual(run.result!.chunks.map((c) => c.arrivalMs));
      for (let i = 1; i < chunks.length; i++) {
        expect(chunks[i]!.arrivalMs).toBeGreaterThan(chunks[i - 1]!.arrivalMs);
      }
      // Live, not after the fact: the first chunk reached the client before the provider wrote its last one.
      const firstChunk = live.events.find((e) => e.event === 'chunk')!;
      expect(firstChunk.receivedAtMs).toBeLessThan(lastWriteMs);
    });

    it('sends a mention event before the final status, then the scores, then closes', () => {
      const types = live.events.map((e) => e.event);
      const statuses = live.events
        .filter((e) => e.event === 'status')
        .map((e) => dataOf<{ status: string }>(e).status);
      expect(statuses[0]).toBe('running');
      expect(statuses.at(-1)).toBe('succeeded');
      const mentionIndex = live.events.findIndex(
        (e) => e.event === 'mention' && dataOf<{ brandId: string }>(e).brandId === f.brands.Acme,
      );
      const finalIndex = live.events.findIndex(
        (e) => e.event === 'status' && dataOf<{ status: string }>(e).status === 'succeeded',
      );
      expect(mentionIndex).toBeGreaterThan(-1);
      expect(mentionIndex).toBeLessThan(finalIndex);
      const mention = dataOf<{ charStart: number; charEnd: number; visibleAtMs: number }>(
        live.events[mentionIndex]!,
      );
      expect(mention.charEnd - mention.charStart).toBe('Acme'.length);
      expect(mention.visibleAtMs).toBeGreaterThan(0);
      // The mention reached the client while the answer was still streaming.
      expect(live.events[mentionIndex]!.receivedAtMs).toBeLessThan(lastWriteMs);
      expect(types.at(-1)).toBe('scores');
      const scores = dataOf<{ scores: { brandId: string; mentioned: boolean }[] }>(
        live.events.at(-1)!,
      ).scores;
      expect(scores.find((s) => s.brandId === f.brands.Acme)?.mentioned).toBe(true);
      // Every event carries a Redis stream id, strictly increasing.
      const ids = live.events.map((e) => e.id!);
      expect(ids.every((id) => /^\d+-\d+(\.\d+)?$/.test(id))).toBe(true);
      expect([...ids].sort(compareIds)).toEqual(ids);
    });

    it('resumes after Last-Event-ID, replaying the rest from the run log, and closes', async () => {
      const cut = 3;
      const resumed = await openSse(port, `/v1/runs/${runId}/events`, {
        ...ws.auth('read'),
        'Last-Event-ID': live.events[cut]!.id!,
      });
      await withTimeout(resumed.ended, 5000, 'the end of the resumed stream');
      expect(resumed.events.map((e) => [e.id, e.event])).toEqual(
        live.events.slice(cut + 1).map((e) => [e.id, e.event]),
      );
    });

    it('resumes from the middle of a log entry holding several chunks', async () => {
      // A chunk with id <entry>.<k>: the k-th chunk of one batched log entry.
      const cut = live.events.findIndex((e) => /\.\d+$/.test(e.id!));
      expect(cut).toBeGreaterThan(0);
      const resumed = await openSse(port, `/v1/runs/${runId}/events`, {
        ...ws.auth('read'),
        'Last-Event-ID': live.events[cut]!.id!,
      });
      await withTimeout(resumed.ended, 5000, 'the end of the resumed stream');
      expect(resumed.events.map((e) => [e.id, e.event, e.data])).toEqual(
        live.events.slice(cut + 1).map((e) => [e.id, e.event, e.data]),
      );
      // And from just before it: the rest of that entry comes first.
      const before = await openSse(port, `/v1/runs/${runId}/events`, {
        ...ws.auth('read'),
        'Last-Event-ID': live.events[cut - 1]!.id!,
      });
      await withTimeout(before.ended, 5000, 'the end of the resumed stream');
      expect(before.events.map((e) => e.id)).toEqual(live.events.slice(cut).map((e) => e.id));
    });

    it('closes at once when the client already has the terminal event', async () => {
      const again = await openSse(port, `/v1/runs/${runId}/events`, {
        ...ws.auth('read'),
        'Last-Event-ID': live.events.at(-1)!.id!,
      });
      await withTimeout(again.ended, 5000, 'the end of the stream');
      expect(again.events).toEqual([]);
    });

    it('replays a finished run’s events; without a stored log, sends the final status and scores', async () => {
      const replay = await openSse(port, `/v1/runs/${runId}/events`, ws.auth('read'));
      await withTimeout(replay.ended, 5000, 'the end of the replay');
      expect(replay.events.map((e) => e.id)).toEqual(live.events.map((e) => e.id));

      const redis = new Redis(process.env.REDIS_URL!);
      try {
        await redis.del(`${prefix}:run-event-log:${runId}`);
      } finally {
        redis.disconnect();
      }
      const final = await openSse(port, `/v1/runs/${runId}/events`, ws.auth('read'));
      await withTimeout(final.ended, 5000, 'the end of the final-status stream');
      expect(final.events.map((e) => e.event)).toEqual(['status', 'scores']);
      expect(dataOf<{ status: string }>(final.events[0]!).status).toBe('succeeded');
    });

    it('is 404 for another workspace (run and project feed)', async () => {
      const res = await openSse(port, `/v1/runs/${runId}/events`, other.auth('read'));
      await res.ended;
      expect(res.status).toBe(404);
      expect(JSON.parse(res.body())).toEqual({ error: { code: 'not_found', message: 'Run not found' } });
      const feed = await openSse(port, `/v1/projects/${f.projectId}/events`, other.auth('read'));
      await feed.ended;
      expect(feed.status).toBe(404);
    });
  });

  it('streams a final failure as status failed with its reason, then closes', async () => {
    const f = await fixture();
    fake.enqueue(
      {
        status: 401,
        headers: { 'content-type': 'application/json' },
        writes: [{ delayMs: 0, bytes: '{"error":{"message":"bad key"}}' }],
      },
      `${f.route}/v1/chat/completions`,
    );
    const runId = await runNow(api, ws, f.promptId);
    const s = await openSse(port, `/v1/runs/${runId}/events`, ws.auth('read'));
    await withTimeout(s.ended, 10_000, 'the end of the SSE stream');
    const last = s.events.at(-1)!;
    expect(last.event).toBe('status');
    expect(last.data).toMatchObject({ status: 'failed', reason: 'auth_failed' });
  });

  it('feeds status and mention events of every run of a project, and stays open', async () => {
    const f = await fixture();
    const feed = await openSse(port, `/v1/projects/${f.projectId}/events`, ws.auth('read'));
    expect(feed.status).toBe(200);
    fake.enqueue({ writes: writesOf(openAiChunkEvents(TEXTS), 10) }, `${f.route}/v1/chat/completions`);
    const runId = await runNow(api, ws, f.promptId);
    try {
      await feed.waitFor((events) =>
        events.some((e) => e.event === 'status' && dataOf<{ status: string }>(e).status === 'succeeded'),
      );
      expect(new Set(feed.events.map((e) => e.event))).toEqual(new Set(['status', 'mention']));
      expect(feed.events.every((e) => dataOf<{ runId: string }>(e).runId === runId)).toBe(true);
      expect(
        feed.events.some(
          (e) => e.event === 'mention' && dataOf<{ brandId: string }>(e).brandId === f.brands.Acme,
        ),
      ).toBe(true);
      let ended = false;
      void feed.ended.then(() => (ended = true));
      await new Promise((r) => setTimeout(r, 200));
      expect(ended).toBe(false);
    } finally {
      feed.abort();
    }
  });

  // Keep last: judges every event the tests above received.
  it('sends only event types whose data matches the schema the OpenAPI document gives (x-sse-events)', () => {
    expect(checked.events).toBeGreaterThan(20);
    expect(checked.violations).toEqual([]);
  });
});

/** `<ms>-<seq>[.<k>]`, compared part by part (no `.<k>` is k = 0). */
function compareIds(a: string, b: string): number {
  const pa = a.split(/[-.]/).map(BigInt);
  const pb = b.split(/[-.]/).map(BigInt);
  for (let i = 0; i < 3; i++) {
    const d = (pa[i] ?? 0n) - (pb[i] ?? 0n);
    if (d !== 0n) return d < 0n ? -1 : 1;
  }
  return 0;
}
