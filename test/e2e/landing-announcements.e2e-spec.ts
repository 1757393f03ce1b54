// A landed run's announcements (webhook deliveries, the alert evaluation) are not lost when enqueueing them
// fails: the run's job fails after its outcome is committed, is redelivered, and the redelivery announces the
// outcome again without calling the engine a second time.
import { getQueueToken } from '@nestjs/bullmq';
import { type Queue } from 'bullmq';
import { AlertEvaluationQueue } from '../../src/alerts/alert-evaluation-queue.service';
import { ALERTS_QUEUE, alertsJobId, RUNS_QUEUE, runJobId } from '../../src/infra/queue/queue-names';
import { WebhookNotifier } from '../../src/webhooks/webhook-notifier.service';
import { type FakeOpenAiServer, type FakeScript } from '../fakes/fake-openai-server';
import { openAiChunkEvents, writesOf } from '../fakes/openai-sse-script';
import {
  createPipelineFixture,
  runNow,
  startPipelineHarness,
  waitForRun,
  type PipelineHarness,
} from '../support/pipeline';
import { until } from '../support/wait';
import { createWorkspace, type TestApp, type TestWorkspace } from '../support/test-app';

describe('landing announcements survive a failed enqueue', () => {
  let h: PipelineHarness | undefined;
  let t: TestApp;
  let ws: TestWorkspace;
  let fake: FakeOpenAiServer;
  let origin: string;
  let routeCounter = 0;

  beforeAll(async () => {
    h = await startPipelineHarness('landing', { RUN_BACKOFF_MS: '50' });
    ({ t, ws, fake, origin } = h);
  });

  afterEach(() => jest.restoreAllMocks());

  afterAll(() => h?.stop());

  async function scripted(
    script: FakeScript,
    workspace: TestWorkspace = ws,
  ): Promise<{ promptId: string; projectId: string; route: string }> {
    const name = `l${++routeCounter}`;
    const fx = await createPipelineFixture(t, workspace, {
      baseUrl: `${origin}/${name}/v1`,
      brands: [{ name: 'Acme', kind: 'own' }],
    });
    const route = `/${name}/v1/chat/completions`;
    fake.enqueue(script, route);
    return { promptId: fx.promptId, projectId: fx.projectId, route };
  }

  /** An enabled alert rule on the project and a webhook of the workspace subscribed to run.completed. */
  async function listenTo(workspace: TestWorkspace, projectId: string): Promise<void> {
    await t
      .http()
      .post(`/v1/projects/${projectId}/alert-rules`)
      .set(workspace.auth())
      .send({
        name: 'drop',
        kind: 'mention_rate_drop',
        params: { windowHours: 24, dropPoints: 20, minRuns: 5 },
      })
      .expect(201);
    await t
      .http()
      .post('/v1/webhooks')
      .set(workspace.auth())
      .send({ url: `${origin}/hooks/completed`, events: ['run.completed'] })
      .expect(201);
  }

  it('evaluates alerts and notifies webhooks of a succeeded run whose alert enqueue failed', async () => {
    const alerts = jest
      .spyOn(AlertEvaluationQueue.prototype, 'enqueue')
      .mockRejectedValueOnce(new Error('redis refused the job'));
    const completed = jest.spyOn(WebhookNotifier.prototype, 'runCompleted');
    const fx = await scripted({ writes: writesOf(openAiChunkEvents(['Acme ', 'is fine.']), 5) });
    await listenTo(ws, fx.projectId);
    const runId = await runNow(t, ws, fx.promptId);
    const run = await waitForRun(t, ws, runId);
    expect(run.status).toBe('succeeded');

    await until('the alert evaluation to be enqueued again', () =>
      Promise.resolve(alerts.mock.calls.length >= 2 ? true : null),
    );
    expect(alerts.mock.calls.map(([id]) => id)).toEqual([runId, runId]);
    await expect(alerts.mock.results[1]!.value).resolves.toBeUndefined();
    const queue = t.app.get<Queue>(getQueueToken(ALERTS_QUEUE), { strict: false });
    expect(await queue.getJob(alertsJobId(runId))).toBeDefined();
    // Announced with the run's outcome both times, read back from the ledger the second time.
    expect(completed.mock.calls.map(([ref, scores]) => [ref.runId, scores.length])).toEqual([
      [runId, 1],
      [runId, 1],
    ]);
    // One attempt, one provider request: re-announcing never re-runs the run.
    const again = await waitForRun(t, ws, runId);
    expect(again.attemptLog).toEqual([expect.objectContaining({ attempt: 1, outcome: 'succeeded' })]);
    expect(fake.requests.filter((r) => r.path === fx.route)).toHaveLength(1);
  });

  it('asks for no alert evaluation and looks no webhook up when nobody listens for the landing', async () => {
    const alerts = jest.spyOn(AlertEvaluationQueue.prototype, 'enqueue');
    const completed = jest.spyOn(WebhookNotifier.prototype, 'runCompleted');
    const quiet = await createWorkspace(t);
    const fx = await scripted({ writes: writesOf(openAiChunkEvents(['Acme ', 'is fine.']), 5) }, quiet);
    const runId = await runNow(t, quiet, fx.promptId);
    expect((await waitForRun(t, quiet, runId)).status).toBe('succeeded');
    // The run's job is done once the landing is announced (or, here, found to need no announcement).
    const runs = t.app.get<Queue>(getQueueToken(RUNS_QUEUE), { strict: false });
    await until('the run job to complete', async () =>
      (await runs.getJobState(runJobId(runId))) === 'completed' ? true : null,
    );
    expect(alerts).not.toHaveBeenCalled();
    expect(completed).not.toHaveBeenCalled();
    const queue = t.app.get<Queue>(getQueueToken(ALERTS_QUEUE), { strict: false });
    expect(await queue.getJob(alertsJobId(runId))).toBeUndefined();

    // With a listener, the next landing of the same project is announced.
    await listenTo(quiet, fx.projectId);
    fake.enqueue({ writes: writesOf(openAiChunkEvents(['Acme ', 'again.']), 5) }, fx.route);
    const next = await runNow(t, quiet, fx.promptId);
    expect((await waitForRun(t, quiet, next)).status).toBe('succeeded');
    await until('the alert evaluation to be enqueued', async () =>
      (await queue.getJob(alertsJobId(next))) ? true : null,
    );
    expect(alerts.mock.calls.map(([id]) => id)).toEqual([next]);
    expect(completed.mock.calls.map(([ref]) => ref.runId)).toEqual([next]);
  });

  it('notifies webhooks of a failed run whose webhook enqueue failed', async () => {
    const failed = jest
      .spyOn(WebhookNotifier.prototype, 'runFailed')
      .mockRejectedValueOnce(new Error('database unavailable'));
    const fx = await scripted({
      status: 400,
      headers: { 'content-type': 'application/json' },
      writes: [
        {
          delayMs: 0,
          bytes: JSON.stringify({ error: { message: 'bad model', type: 'invalid_request_error' } }),
        },
      ],
    });
    const runId = await runNow(t, ws, fx.promptId);
    const run = await waitForRun(t, ws, runId);
    expect(run).toMatchObject({ status: 'failed', failureReason: 'invalid_request' });

    await until('run.failed to be announced again', () =>
      Promise.resolve(failed.mock.calls.length >= 2 ? true : null),
    );
    expect(failed.mock.calls.map(([ref, f]) => [ref.runId, f.reasonCode])).toEqual([
      [runId, 'invalid_request'],
      [runId, 'invalid_request'],
    ]);
    await expect(failed.mock.results[1]!.value).resolves.toBeUndefined();
    expect(fake.requests.filter((r) => r.path === fx.route)).toHaveLength(1);
  });
});
