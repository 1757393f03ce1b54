// Every failure class ends in a correct, recorded outcome: final status, reason code, flags and the number
// of upstream calls (RUN_MAX_ATTEMPTS = 2 here).
import { type FakeOpenAiServer, type FakeScript } from '../fakes/fake-openai-server';
import { openAiChunkEvents, writesOf } from '../fakes/openai-sse-script';
import { createPipelineFixture, runNow, startPipelineHarness, waitForRun } from '../support/pipeline';
import { type TestApp, type TestWorkspace } from '../support/test-app';

const json = (status: number, body: unknown, headers: Record<string, string> = {}): FakeScript => ({
  status,
  headers: { 'content-type': 'application/json', ...headers },
  writes: [{ delayMs: 0, bytes: JSON.stringify(body) }],
});
const ok = (texts: string[], finishReason = 'stop'): FakeScript => ({
  writes: writesOf(openAiChunkEvents(texts, { finishReason }), 5),
});
const first = openAiChunkEvents(['Acme is ']).slice(0, 2);

interface Case {
  name: string;
  scripts: FakeScript[];
  status: 'succeeded' | 'failed';
  reason: string | null;
  flags?: string[];
  calls: number;
}

const CASES: Case[] = [
  {
    name: 'quota exhausted (429 insufficient_quota): no retry',
    scripts: [
      json(429, {
        error: {
          message: 'You exceeded your current quota',
          type: 'insufficient_quota',
          code: 'insufficient_quota',
        },
      }),
    ],
    status: 'failed',
    reason: 'quota_exhausted',
    calls: 1,
  },
  {
    name: 'invalid request (400): no retry',
    scripts: [json(400, { error: { message: 'bad model', type: 'invalid_request_error', code: null } })],
    status: 'failed',
    reason: 'invalid_request',
    calls: 1,
  },
  {
    name: 'forbidden (403): no retry',
    scripts: [json(403, { error: { message: 'forbidden', type: 'permission_error' } })],
    status: 'failed',
    reason: 'auth_failed',
    calls: 1,
  },
  {
    name: 'overloaded (529) on every attempt: retried, then failed',
    scripts: [
      json(529, { error: { message: 'Overloaded', type: 'overloaded_error' } }),
      json(529, { error: { message: 'Overloaded', type: 'overloaded_error' } }),
    ],
    status: 'failed',
    reason: 'overloaded',
    calls: 2,
  },
  {
    name: 'server error (503) then success',
    scripts: [
      json(503, { error: { message: 'unavailable', type: 'server_error' } }),
      ok(['Acme is ', 'back.']),
    ],
    status: 'succeeded',
    reason: null,
    calls: 2,
  },
  {
    name: 'connection reset mid-stream on every attempt',
    scripts: [
      { writes: writesOf(first, 5), ending: 'destroy' },
      { writes: writesOf(first, 5), ending: 'destroy' },
    ],
    status: 'failed',
    reason: 'connection_reset',
    calls: 2,
  },
  {
    name: 'stalled: keep-alive pings but no content for the idle timeout',
    scripts: [0, 1].map(() => ({
      writes: [
        ...writesOf(first, 5),
        ...Array.from({ length: 40 }, () => ({ delayMs: 40, bytes: ': keep-alive\n\n' })),
      ],
      ending: 'hang' as const,
    })),
    status: 'failed',
    reason: 'stalled',
    calls: 2,
  },
  {
    name: 'total deadline exceeded while content keeps coming',
    scripts: [0, 1].map(() => ({
      writes: writesOf(openAiChunkEvents(Array.from({ length: 60 }, (_, i) => `w${i} `)), 40),
    })),
    status: 'failed',
    reason: 'deadline_exceeded',
    calls: 2,
  },
  {
    name: 'content_filter stop: a successful observation with a flag',
    scripts: [ok(['Acme is '], 'content_filter')],
    status: 'succeeded',
    reason: null,
    flags: ['content_filter'],
    calls: 1,
  },
];

describe('failure classes through the pipeline', () => {
  let fake: FakeOpenAiServer;
  let baseUrl: string;
  let t: TestApp;
  let ws: TestWorkspace;
  let stop: () => Promise<void>;

  beforeAll(async () => {
    ({ fake, baseUrl, t, ws, stop } = await startPipelineHarness('failclass', {
      RUN_MAX_ATTEMPTS: '2',

      STREAM_IDLE_TIMEOUT_MS: '300',
      RUN_DEADLINE_MS: '1200',
    }));
  });
  afterAll(() => stop());

  it.each(CASES)('$name', async (c) => {
    const f = await createPipelineFixture(t, ws, { baseUrl, brands: [{ name: 'Acme', kind: 'own' }] });
    for (const s of c.scripts) fake.enqueue(s);
    const before = fake.requests.length;
    const run = await waitForRun(t, ws, await runNow(t, ws, f.promptId), 15_000);
    const d = (await t.http().get(`/v1/runs/${run.id}`).set(ws.auth())).body;
    expect({ status: d.status, reason: d.failureReason, calls: fake.requests.length - before }).toEqual({
      status: c.status,
      reason: c.reason,
      calls: c.calls,
    });
    expect(d.attemptLog).toHaveLength(c.calls);
    if (c.flags) expect(d.result.flags).toEqual(c.flags);
    if (c.status === 'failed' && ['connection_reset', 'stalled', 'deadline_exceeded'].includes(c.reason!)) {
      // The partial answer is kept for inspection, never counted as a success.
      expect(d.result.complete).toBe(false);
      expect(d.result.answerText.length).toBeGreaterThan(0);
    }
  });
});
