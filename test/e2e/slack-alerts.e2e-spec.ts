// Slack destinations (docs/alerts.md "Slack"): a webhook with `format: "slack"` receives each alert.triggered
// as a Slack incoming-webhook message (text + section/context blocks in mrkdwn, figures with their n, a link to
// the run in the web app), through the same sender, retries, delivery log and egress rules as any webhook.
// The alert comes from the real pipeline (fake provider, worker, alerts job); Slack is a local fake receiver.
import { FakeSlackReceiver } from '../fakes/fake-slack-receiver';
import { type FakeOpenAiServer } from '../fakes/fake-openai-server';
import { openAiChunkEvents, writesOf } from '../fakes/openai-sse-script';
import {
  createPipelineFixture,
  runNow,
  startPipelineHarness,
  waitForRun,
  type PipelineFixture,
  type PipelineHarness,
} from '../support/pipeline';
import { createWorkspace, type TestApp, type TestWorkspace } from '../support/test-app';
import { until } from '../support/wait';
import { WebhookReceiver } from '../support/webhook-receiver';

const APP = 'https://sr.example.com';

interface DeliveryView {
  id: string;
  event: string;
  status: string;
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  payload: Record<string, unknown>;
}

type Block = {
  type: string;
  text?: { type: string; text: string };
  fields?: { type: string; text: string }[];
};

describe('slack alerts', () => {
  let h: PipelineHarness;
  let fake: FakeOpenAiServer;
  let t: TestApp;
  let slack: FakeSlackReceiver;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    h = await startPipelineHarness('slack-alerts', {
      RUN_MAX_ATTEMPTS: '1',
      WEBHOOK_BACKOFF_MS: '50',
      PUBLIC_URL: `${APP}/`,
    });
    ({ fake, t } = h);
    slack = new FakeSlackReceiver();
    await slack.start();
    receiver = new WebhookReceiver();
    await receiver.start();
  });
  afterAll(async () => {
    await h.stop();
    await slack.stop();
    await receiver.stop();
  });

  async function overtakeSetup(ws: TestWorkspace): Promise<PipelineFixture> {
    const f = await createPipelineFixture(t, ws, {
      baseUrl: h.baseUrl,
      brands: [
        { name: 'Acme', kind: 'own' },
        { name: 'Zenith', kind: 'competitor' },
      ],
    });
    await t
      .http()
      .post(`/v1/projects/${f.projectId}/alert-rules`)
      .set(ws.auth())
      .send({
        name: 'Zenith overtakes',
        kind: 'competitor_overtake',
        params: { competitorId: f.brands.Zenith, windowHours: 1, minRuns: 1 },
      })
      .expect(201);
    return f;
  }

  /** A run naming Zenith before Acme: 1 of 1 head-to-heads to the competitor, so the rule fires. */
  async function landOvertake(ws: TestWorkspace, f: PipelineFixture): Promise<string> {
    fake.enqueue({ writes: writesOf(openAiChunkEvents(['Zenith ', 'beats Acme.']), 1) });
    const run = await waitForRun(t, ws, await runNow(t, ws, f.promptId));
    expect(run.status).toBe('succeeded');
    return run.id;
  }

  async function createSlackHook(ws: TestWorkspace, url: string) {
    const res = await t
      .http()
      .post('/v1/webhooks')
      .set(ws.auth())
      .send({ url, events: ['alert.triggered'], format: 'slack' })
      .expect(201);
    return res.body as { id: string; format: string; events: string[] };
  }

  async function deliveries(ws: TestWorkspace, hookId: string, done: (d: DeliveryView[]) => boolean) {
    return until(`deliveries of ${hookId}`, async () => {
      const res = await t.http().get(`/v1/webhooks/${hookId}/deliveries`).set(ws.auth()).expect(200);
      const data = res.body.data as DeliveryView[];
      return done(data) ? data : null;
    });
  }

  it('posts a readable Slack message, retried after a 500 and a 429, in the delivery log', async () => {
    const ws = await createWorkspace(t);
    const f = await overtakeSetup(ws);
    const hook = await createSlackHook(ws, slack.url('/services/T1/B1/retry', [500, 429]));
    expect(hook).toMatchObject({ format: 'slack', events: ['alert.triggered'] });
    const standard = await t
      .http()
      .post('/v1/webhooks')
      .set(ws.auth())
      .send({ url: receiver.url('/standard'), events: ['alert.triggered'] })
      .expect(201);
    expect(standard.body.format).toBe('standard');
    const runId = await landOvertake(ws, f);

    const [delivery] = await deliveries(ws, hook.id, (d) => d[0]?.status === 'succeeded');
    expect(delivery).toMatchObject({
      event: 'alert.triggered',
      attempts: 3,
      lastStatusCode: 200,
      lastError: null,
    });
    const requests = slack.received.get('/services/T1/B1/retry')!;
    expect(requests.map((r) => [r.status, r.answer])).toEqual([
      [500, 'rollup_error'],
      [429, 'rate_limited'],
      [200, 'ok'],
    ]);
    // The same bytes each attempt, and they are what the delivery log shows.
    expect(new Set(requests.map((r) => r.raw.toString('utf8'))).size).toBe(1);
    const message = requests[2]!.message!;
    expect(delivery!.payload).toEqual(message);

    // Slack's incoming-webhook shape: text (the notification line) and blocks (sections and a context, mrkdwn).
    expect(Object.keys(message).sort()).toEqual(['blocks', 'text']);
    expect(message.text).toContain('Zenith overtakes');
    expect(message.text).toContain('Zenith now reaches the reader before Acme in 100%');
    expect(message.text).toContain('n = 1');
    const blocks = message.blocks as Block[];
    expect(blocks.map((b) => b.type)).toEqual(['section', 'section', 'section', 'context']);
    for (const b of blocks.filter((x) => x.type === 'section')) {
      expect(b.text?.type).toBe('mrkdwn');
      for (const field of b.fields ?? []) expect(field.type).toBe('mrkdwn');
    }
    const all = JSON.stringify(blocks);
    expect(all).toContain(`<${APP}/p/${f.projectId}/runs/${runId}|Open the run>`);
    expect(all).toContain(`<${APP}/p/${f.projectId}/alerts|Alert log>`);
    const fields = blocks[1]!.fields!.map((x) => x.text);
    expect(fields).toContain('*Zenith first*\n100% (1 of n = 1)');
    expect(fields).toContain('*Acme first*\n0%');
    expect(blocks[1]!.text!.text).toContain('*Brand* Acme');
    expect(JSON.stringify(blocks[3])).toContain('streamrank · competitor_overtake · fired');

    // The standard webhook of the same workspace still gets the signed JSON event.
    const std = await until('the standard delivery', () =>
      Promise.resolve(receiver.received.get('/standard')?.[0] ?? null),
    );
    expect(JSON.parse(std.raw.toString('utf8'))).toMatchObject({
      type: 'alert.triggered',
      data: { ruleName: 'Zenith overtakes', runId, figures: { bothMentioned: 1, competitorFirst: 1 } },
    });
  });

  it('treats channel_not_found (404) as permanent, as for any webhook: one attempt, failed', async () => {
    const ws = await createWorkspace(t);
    const f = await overtakeSetup(ws);
    const hook = await createSlackHook(ws, slack.url('/services/T1/B1/gone', [404, 404, 404]));
    await landOvertake(ws, f);
    const [delivery] = await deliveries(ws, hook.id, (d) => d[0]?.status === 'failed');
    expect(delivery).toMatchObject({ attempts: 1, lastStatusCode: 404, lastError: 'HTTP 404' });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(slack.received.get('/services/T1/B1/gone')).toHaveLength(1);
  });

  it('a Slack destination takes alert.triggered only; bad input changes nothing', async () => {
    const ws = await createWorkspace(t);
    const url = slack.url('/services/T1/B1/valid');
    for (const body of [
      { url, events: ['run.completed'], format: 'slack' },
      { url, events: ['alert.triggered', 'run.failed'], format: 'slack' },
      { url, events: ['alert.triggered'], format: 'teams' },
    ]) {
      const res = await t.http().post('/v1/webhooks').set(ws.auth()).send(body).expect(400);
      expect(res.body.error.code).toBe('validation_failed');
    }
    expect((await t.http().get('/v1/webhooks').set(ws.auth()).expect(200)).body.data).toEqual([]);
    const hook = await createSlackHook(ws, url);
    const res = await t
      .http()
      .patch(`/v1/webhooks/${hook.id}`)
      .set(ws.auth())
      .send({ events: ['run.completed'] })
      .expect(400);
    expect(res.body.error.message).toMatch(/body\.events: a slack webhook takes alert\.triggered only/);
    const plain = await t
      .http()
      .post('/v1/webhooks')
      .set(ws.auth())
      .send({ url, events: ['run.completed'] })
      .expect(201);
    await t
      .http()
      .patch(`/v1/webhooks/${plain.body.id}`)
      .set(ws.auth())
      .send({ format: 'slack' })
      .expect(400);
    const still = await t.http().get(`/v1/webhooks/${plain.body.id}`).set(ws.auth()).expect(200);
    expect(still.body).toMatchObject({ format: 'standard', events: ['run.completed'] });
    const again = await t.http().get(`/v1/webhooks/${hook.id}`).set(ws.auth()).expect(200);
    expect(again.body).toMatchObject({ format: 'slack', events: ['alert.triggered'] });
    // Switching a Slack destination back to the standard format is allowed.
    await t.http().patch(`/v1/webhooks/${hook.id}`).set(ws.auth()).send({ format: 'standard' }).expect(200);
  });

  it('refuses a private Slack URL when EGRESS_ALLOW_PRIVATE is off, as for webhooks', async () => {
    const strict = await h.startApp({ EGRESS_ALLOW_PRIVATE: 'false' });
    try {
      const ws = await createWorkspace(strict);
      for (const url of [slack.url('/services/T1/B1/private'), 'http://169.254.169.254/services/x']) {
        const res = await strict
          .http()
          .post('/v1/webhooks')
          .set(ws.auth())
          .send({ url, events: ['alert.triggered'], format: 'slack' })
          .expect(400);
        expect(res.body.error.message).toMatch(/body\.url: egress blocked/);
      }
      expect((await strict.http().get('/v1/webhooks').set(ws.auth()).expect(200)).body.data).toEqual([]);
    } finally {
      await strict.close();
    }
  });
});
