// The report response cache (docs/reports.md "Response cache"): a cached report is served again, with a strong
// ETag and 304 on If-None-Match, but never once anything it reads has changed: a run result landing through
// the real pipeline, a failed run, a brand renamed, a prompt's tags. Every body is compared with the same
// request to a second app on the same database with the cache off. Another workspace never gets a cached body.
import { type Response } from 'supertest';
import { PrismaService } from '../../src/infra/prisma/prisma.service';
import { ReportDigestService } from '../../src/reports/digest/report-digest.service';
import { type FakeOpenAiServer, type FakeScript } from '../fakes/fake-openai-server';
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

const DAY = 24 * 3600_000;
const REPORTS = ['mentions', 'head-to-head', 'citations', 'trend'] as const;

const answer = (texts: string[]): FakeScript => ({ writes: writesOf(openAiChunkEvents(texts), 2) });
const refusal: FakeScript = {
  status: 400,
  headers: { 'content-type': 'application/json' },
  writes: [
    { delayMs: 0, bytes: JSON.stringify({ error: { message: 'bad', type: 'invalid_request_error' } }) },
  ],
};

describe('report response cache (e2e)', () => {
  let h: PipelineHarness | undefined;
  let t: TestApp;
  /** Same database, cache off: what every response must equal. */
  let oracle: TestApp;
  let ws: TestWorkspace;
  let fake: FakeOpenAiServer;
  let fx: PipelineFixture;
  let route: string;
  // Explicit `to`: a report ending "now" is never cached.
  const from = new Date(Date.now() - DAY).toISOString();
  const to = new Date(Date.now() + DAY).toISOString();

  beforeAll(async () => {
    h = await startPipelineHarness('rcache', { RUN_BACKOFF_MS: '50', REPORT_CACHE_MB: '8' });
    ({ t, ws, fake } = h);
    oracle = await h.startApp({ REPORT_CACHE_MB: '0' });
    fx = await createPipelineFixture(t, ws, {
      baseUrl: `${h.origin}/rc/v1`,
      brands: [
        { name: 'Acme', kind: 'own' },
        { name: 'Globex', kind: 'competitor' },
      ],
    });
    route = '/rc/v1/chat/completions';
    await t
      .http()
      .patch(`/v1/prompts/${fx.promptId}`)
      .set(ws.auth())
      .send({ tags: ['crm'] })
      .expect(200);
    await land(answer(['Acme is good, ', 'Globex too.']), 'succeeded');
    await backfillsSettled();
  });

  afterAll(() => h?.stop());

  async function land(script: FakeScript, status: 'succeeded' | 'failed'): Promise<void> {
    const exchange = fake.enqueue(script, route).finished;
    const run = await waitForRun(t, ws, await runNow(t, ws, fx.promptId), 20_000);
    await exchange;
    expect(run.status).toBe(status);
  }

  /** Brand changes rescore the project's runs in a backfill (the worker): wait until none is pending. */
  const backfillsSettled = () =>
    until(
      'backfills settled',
      async () => {
        const res = await t
          .http()
          .get(`/v1/projects/${fx.projectId}/backfills`)
          .set(ws.auth('read'))
          .expect(200);
        const pending = (res.body.data as { status: string }[]).some((b) =>
          ['queued', 'running'].includes(b.status),
        );
        return pending ? null : true;
      },
      30_000,
    );

  const url = (report: string, extra = '') =>
    `/v1/reports/${report}?projectId=${fx.projectId}&from=${from}&to=${to}${extra}`;

  /** GET through the caching app; the body must be the one the cache-off app computes now. */
  async function get(path: string, headers: Record<string, string> = {}): Promise<Response> {
    const res = await t.http().get(path).set(ws.auth('read')).set(headers).buffer(true);
    if (res.status === 200) {
      const fresh = await oracle.http().get(path).set(ws.auth('read')).set(headers).buffer(true).expect(200);
      expect(res.text).toBe(fresh.text);
    }
    return res;
  }

  it('serves a repeated report from the cache with a strong ETag, and 304 on If-None-Match', async () => {
    for (const report of REPORTS) {
      for (const extra of ['', '&format=csv', `&tags=crm&brandIds=${fx.brands.Acme}`]) {
        const first = await get(url(report, extra));
        expect(first.status).toBe(200);
        const again = await get(url(report, extra));
        expect(again.headers['x-report-cache']).toBe('hit');
        expect(again.headers.etag).toBe(first.headers.etag);
        expect(again.headers.etag).toMatch(/^"[A-Za-z0-9_-]{32}"$/);
        expect(again.headers['cache-control']).toBe('private, no-cache');
        expect(again.headers['content-type']).toBe(first.headers['content-type']);
        const notModified = await t
          .http()
          .get(url(report, extra))
          .set(ws.auth('read'))
          .set('If-None-Match', first.headers.etag!);
        expect(notModified.status).toBe(304);
        expect(notModified.text ?? '').toBe('');
      }
    }
    const csv = await get(url('mentions', '&format=csv'));
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(csv.headers['content-disposition']).toContain(`mentions-${fx.projectId}.csv`);
    // Parameter order does not matter.
    const reordered = `/v1/reports/mentions?to=${to}&from=${from}&projectId=${fx.projectId}`;
    expect((await get(reordered)).headers['x-report-cache']).toBe('hit');
    // The ETag is the bytes' hash: the same CSV negotiated by Accept has the same tag.
    const accepted = await get(url('mentions'), { Accept: 'text/csv' });
    expect(accepted.headers.etag).toBe(csv.headers.etag);
    // A report ending "now" changes every millisecond: not cached.
    const open = await t.http().get(`/v1/reports/mentions?projectId=${fx.projectId}`).set(ws.auth('read'));
    expect(open.status).toBe(200);
    expect(open.headers['x-report-cache']).toBeUndefined();
  });

  it('answers a new run result, a failed run, a renamed brand and retagged prompts at once', async () => {
    const before = new Map<string, Response>();
    for (const report of REPORTS) {
      await get(url(report));
      before.set(report, await get(url(report)));
      expect(before.get(report)!.headers['x-report-cache']).toBe('hit');
    }
    const runs = (res: Response) => (res.body as { measured: { successfulRuns: number } }).measured;

    await land(answer(['Globex first, ', 'then Acme.']), 'succeeded');
    for (const report of REPORTS) {
      const after = await get(url(report));
      expect(after.headers['x-report-cache']).toBe('miss');
      expect(after.headers.etag).not.toBe(before.get(report)!.headers.etag);
      const stale = await t
        .http()
        .get(url(report))
        .set(ws.auth('read'))
        .set('If-None-Match', before.get(report)!.headers.etag!);
      expect(stale.status).toBe(200);
    }
    expect(runs(await get(url('mentions'))).successfulRuns).toBe(
      runs(before.get('mentions')!).successfulRuns + 1,
    );

    const failedBefore = await get(url('mentions'));
    await land(refusal, 'failed');
    const failedAfter = await get(url('mentions'));
    const failed = (res: Response) => (res.body as { measured: { failedRuns: number } }).measured.failedRuns;
    expect(failed(failedAfter)).toBe(failed(failedBefore) + 1);

    // A rename rescores every run of the project (a backfill): "Globex" alone no longer names the brand.
    const mentionedGlobex = (res: Response) =>
      (
        res.body as { measured: { brands: { brandId: string; mentionedRuns: number }[] } }
      ).measured.brands.find((b) => b.brandId === fx.brands.Globex)!.mentionedRuns;
    expect(mentionedGlobex(await get(url('citations')))).toBe(2);
    await t
      .http()
      .patch(`/v1/brands/${fx.brands.Globex}`)
      .set(ws.auth())
      .send({ name: 'Globex Corp' })
      .expect(200);
    await backfillsSettled();
    const renamed = await get(url('citations'));
    expect(renamed.text).toContain('Globex Corp');
    expect(mentionedGlobex(renamed)).toBe(0);

    const tagged = await get(url('mentions', '&tags=crm'));
    expect(runs(tagged).successfulRuns).toBeGreaterThan(0);
    await t
      .http()
      .patch(`/v1/prompts/${fx.promptId}`)
      .set(ws.auth())
      .send({ tags: ['other'] })
      .expect(200);
    const retagged = await get(url('mentions', '&tags=crm'));
    expect(runs(retagged).successfulRuns).toBe(0);
  });

  it('keeps serving the cached body while the digest builder digests what landed (same figures)', async () => {
    await get(url('head-to-head'));
    expect((await get(url('head-to-head'))).headers['x-report-cache']).toBe('hit');
    const prisma = t.app.get(PrismaService);
    const dirty = await prisma.$queryRaw<{ n: bigint }[]>`
      SELECT count(*) AS n FROM report_dirty_hours WHERE "projectId" = ${fx.projectId}::uuid`;
    expect(Number(dirty[0]!.n)).toBeGreaterThan(0);
    await t.app.get(ReportDigestService).drain();
    // get() compares with the cache-off app, which now reads the freshly built blocks.
    expect((await get(url('head-to-head'))).headers['x-report-cache']).toBe('hit');
  });

  it('never gives another workspace a cached body', async () => {
    const cached = await get(url('mentions'));
    expect(cached.status).toBe(200);
    const other = await createWorkspace(t);
    for (const key of ['read', 'admin'] as const) {
      const res = await t.http().get(url('mentions')).set(other.auth(key));
      expect(res.status).toBe(404);
      expect(res.headers['x-report-cache']).toBeUndefined();
      const conditional = await t
        .http()
        .get(url('mentions'))
        .set(other.auth(key))
        .set('If-None-Match', cached.headers.etag!);
      expect(conditional.status).toBe(404);
    }
    // Its own project with the same query shape gets its own (empty) report, computed for it.
    const project = await t.http().post('/v1/projects').set(other.auth()).send({ name: 'other' }).expect(201);
    const own = `/v1/reports/mentions?projectId=${project.body.id as string}&from=${from}&to=${to}`;
    const first = await t.http().get(own).set(other.auth('read')).expect(200);
    expect(first.headers['x-report-cache']).toBe('miss');
    expect(first.body.measured.successfulRuns).toBe(0);
    expect(first.headers.etag).not.toBe(cached.headers.etag);
  });
});
