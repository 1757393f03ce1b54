// Rate limits wait without spending attempts (bounded), cost is estimated from the price table, and an
// engine whose credential was rejected stops being called.
import { type FakeOpenAiServer } from '../fakes/fake-openai-server';
import { openAiChunkEvents, writesOf } from '../fakes/openai-sse-script';
import { createPipelineFixture, runNow, startPipelineHarness, waitForRun } from '../support/pipeline';
import { type TestApp, type TestWorkspace } from '../support/test-app';

describe('provider policies', () => {
  let fake: FakeOpenAiServer;
  let baseUrl: string;
  let t: TestApp;
  let ws: TestWorkspace;
  let stop: () => Promise<void>;

  beforeAll(async () => {
    ({ fake, baseUrl, t, ws, stop } = await startPipelineHarness('policies', {
      RUN_MAX_ATTEMPTS: '1',
      RUN_MAX_RATE_LIMIT_DEFERRALS: '2',

      PRICE_TABLE: JSON.stringify({
        'openai-compatible:gpt-fake': { inputPerMillion: 2.5, outputPerMillion: 10 },
      }),
    }));
  });
  afterAll(() => stop());

  const rateLimited = {
    status: 429,
    headers: { 'content-type': 'application/json', 'retry-after-ms': '30' },
    writes: [
      {
        delayMs: 0,
        bytes: JSON.stringify({
          error: { message: 'Rate limit reached', type: 'tokens', code: 'rate_limit_exceeded' },
        }),
      },
    ],
  };

  it('waits out 429s without spending the only attempt, and estimates the cost', async () => {
    const f = await createPipelineFixture(t, ws, { baseUrl, brands: [{ name: 'Acme', kind: 'own' }] });
    fake.enqueue(rateLimited);
    fake.enqueue(rateLimited);
    fake.enqueue({
      writes: writesOf(
        openAiChunkEvents(['Acme ', 'wins.'], { usage: { prompt_tokens: 1000, completion_tokens: 2000 } }),
        5,
      ),
    });
    const run = await waitForRun(t, ws, await runNow(t, ws, f.promptId));
    expect(run.status).toBe('succeeded');
    const detail = (await t.http().get(`/v1/runs/${run.id}`).set(ws.auth())).body;
    expect(
      detail.attemptLog.map(
        (a: { outcome: string; reasonCode: string | null; retryAfterMs: number | null }) => [
          a.outcome,
          a.reasonCode,
          a.retryAfterMs,
        ],
      ),
    ).toEqual([
      ['retrying', 'rate_limited', 30],
      ['retrying', 'rate_limited', 30],
      ['succeeded', null, null],
    ]);
    // 1000 × 2.5 / 1e6 + 2000 × 10 / 1e6 = 0.0225 USD
    expect(detail.result.estimatedCostUsd).toBe(0.0225);
  });

  it('bounds provider calls: more 429s than the deferral budget fail the run as rate_limited', async () => {
    const f = await createPipelineFixture(t, ws, { baseUrl, brands: [{ name: 'Acme', kind: 'own' }] });
    for (let i = 0; i < 3; i++) fake.enqueue(rateLimited);
    const run = await waitForRun(t, ws, await runNow(t, ws, f.promptId));
    expect(run.status).toBe('failed');
    const detail = (await t.http().get(`/v1/runs/${run.id}`).set(ws.auth())).body;
    expect(detail.failureReason).toBe('rate_limited');
    // RUN_MAX_ATTEMPTS (1) + RUN_MAX_RATE_LIMIT_DEFERRALS (2) = 3 provider calls at most.
    expect(detail.attemptLog).toHaveLength(3);
  });

  it('stops calling an engine whose credential was rejected until it is replaced', async () => {
    const f = await createPipelineFixture(t, ws, { baseUrl, brands: [{ name: 'Acme', kind: 'own' }] });
    fake.enqueue({
      status: 401,
      headers: { 'content-type': 'application/json' },
      writes: [
        {
          delayMs: 0,
          bytes: JSON.stringify({
            error: { message: 'Incorrect API key', type: 'invalid_request_error', code: 'invalid_api_key' },
          }),
        },
      ],
    });
    const run = await waitForRun(t, ws, await runNow(t, ws, f.promptId));
    expect(run.status).toBe('failed');
    const blocked = await t.http().post(`/v1/prompts/${f.promptId}/run`).set(ws.auth()).send({}).expect(409);
    expect(blocked.body.error.code).toBe('engine_disabled');
    const engine = await t
      .http()
      .patch(`/v1/engines/${f.engineId}`)
      .set(ws.auth())
      .send({ credential: 'sk-new-key-0123456789' })
      .expect(200);
    expect(engine.body.disabledReason).toBeNull();
    fake.enqueue({ writes: writesOf(openAiChunkEvents(['Acme.']), 5) });
    expect((await waitForRun(t, ws, await runNow(t, ws, f.promptId))).status).toBe('succeeded');
  });
});
