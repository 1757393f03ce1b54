// Every provider kind through the whole pipeline (HTTP API → queue → worker → capture → detection →
// Postgres), replaying real recorded streams from a fake server: answers, reasoning kept apart, citations
// stored in order and matched to brands by domain.
import { type FakeOpenAiServer } from '../fakes/fake-openai-server';
import { replayGeminiRecorded } from '../fakes/gemini-sse-script';
import { replayRecorded } from '../fakes/openai-sse-script';
import { runNow, startPipelineHarness, waitForRun } from '../support/pipeline';
import { type TestApp, type TestWorkspace } from '../support/test-app';

interface Citation {
  position: number;
  url: string;
  domain: string;
  brandId: string | null;
  charStart: number | null;
  charEnd: number | null;
}

describe('every provider kind through the pipeline', () => {
  let fake: FakeOpenAiServer;
  let baseUrl: string;
  let t: TestApp;
  let ws: TestWorkspace;
  let stop: () => Promise<void>;

  beforeAll(async () => {
    ({ fake, baseUrl, t, ws, stop } = await startPipelineHarness('providers'));
  });
  afterAll(() => stop());

  async function setUp(
    provider: string,
    model: string,
    brands: { name: string; domains?: string[] }[],
    parameters = {},
  ) {
    const http = t.http;
    const project = (
      await http()
        .post('/v1/projects')
        .set(ws.auth())
        .send({ name: `providers ${provider} ${Date.now()}` })
        .expect(201)
    ).body;
    const ids: Record<string, string> = {};
    for (const b of brands) {
      ids[b.name] = (
        await http()
          .post(`/v1/projects/${project.id}/brands`)
          .set(ws.auth())
          .send({ name: b.name, kind: 'competitor', domains: b.domains ?? [] })
          .expect(201)
      ).body.id;
    }
    const engine = (
      await http()
        .post('/v1/engines')
        .set(ws.auth())
        .send({
          name: `${provider} ${Date.now()}`,
          provider,
          model,
          baseUrl,
          credential: 'sk-fake-key-0123456789',
          parameters,
        })
        .expect(201)
    ).body;
    const prompt = (
      await http()
        .post(`/v1/projects/${project.id}/prompts`)
        .set(ws.auth())
        .send({ text: 'question', engineIds: [engine.id], cron: '0 0 1 1 *' })
        .expect(201)
    ).body;
    return { promptId: prompt.id as string, brandIds: ids };
  }

  async function detail(runId: string) {
    return (await t.http().get(`/v1/runs/${runId}`).set(ws.auth())).body;
  }

  it('perplexity: cumulative citations stored once each, in order, matched to brand domains', async () => {
    const { promptId, brandIds } = await setUp('perplexity', 'sonar', [
      { name: 'Wikipedia', domains: ['wikipedia.org'] },
    ]);
    fake.enqueue({ writes: replayRecorded('perplexity/stream-basic-text-1.sse', { delayMs: 1 }) });
    const run = await waitForRun(t, ws, await runNow(t, ws, promptId), 20_000);
    expect(run.status).toBe('succeeded');
    const d = await detail(run.id);
    const citations = d.citations as Citation[];
    expect(citations.length).toBeGreaterThan(5);
    expect(new Set(citations.map((c) => c.url)).size).toBe(citations.length);
    expect(citations.map((c) => c.position)).toEqual(citations.map((_, i) => i));
    const wiki = citations.filter((c) => c.domain.endsWith('wikipedia.org'));
    expect(wiki.length).toBeGreaterThan(0);
    for (const c of wiki) expect(c.brandId).toBe(brandIds.Wikipedia);
    for (const c of citations.filter((x) => !x.domain.endsWith('wikipedia.org'))) {
      expect(c.brandId).toBeNull();
    }
  });

  it('anthropic: web search answer with citations, pings ignored', async () => {
    const { promptId } = await setUp('anthropic', 'claude-sonnet', []);
    fake.enqueue(
      { writes: replayRecorded('anthropic/stream-with-web-search-citations-1.sse', { delayMs: 1 }) },
      '/v1/messages',
    );
    const run = await waitForRun(t, ws, await runNow(t, ws, promptId), 20_000);
    expect(run.status).toBe('succeeded');
    const d = await detail(run.id);
    expect(d.result.answerText.length).toBeGreaterThan(50);
    expect((d.citations as Citation[]).length).toBeGreaterThan(0);
  });

  it('anthropic: extended thinking is kept apart from the answer', async () => {
    const { promptId } = await setUp('anthropic', 'claude-sonnet', []);
    fake.enqueue(
      { writes: replayRecorded('anthropic/stream-with-extended-thinking-1.sse', { delayMs: 1 }) },
      '/v1/messages',
    );
    const run = await waitForRun(t, ws, await runNow(t, ws, promptId), 20_000);
    expect(run.status).toBe('succeeded');
    const d = await detail(run.id);
    expect(d.result.reasoningText.length).toBeGreaterThan(0);
    expect(d.result.answerText).not.toContain(d.result.reasoningText.slice(0, 40));
  });

  it('openai responses: url_citation annotations with spans into the answer', async () => {
    const { promptId } = await setUp('openai', 'gpt-4.1', [], { api: 'responses', webSearch: true });
    fake.enqueue(
      { writes: replayRecorded('openai/stream-with-provider-tool-1.json', { delayMs: 1 }) },
      '/v1/responses',
    );
    const run = await waitForRun(t, ws, await runNow(t, ws, promptId), 20_000);
    expect(run.status).toBe('succeeded');
    const d = await detail(run.id);
    const citations = d.citations as Citation[];
    expect(citations.length).toBeGreaterThan(0);
    for (const c of citations) {
      expect(c.charStart).not.toBeNull();
      expect(d.result.answerText.slice(c.charStart!, c.charEnd!)).toContain(c.domain.split('.')[0]);
    }
  });
  it('gemini: CRLF stream with grounding citations (byte offsets converted to UTF-16)', async () => {
    const { promptId } = await setUp('gemini', 'gemini-2.5-flash', [], { webSearch: true });
    fake.enqueue(
      { writes: replayGeminiRecorded('gemini/stream-with-tools-search-grounding-1.json', 1) },
      '/v1/models/gemini-2.5-flash:streamGenerateContent',
    );
    const run = await waitForRun(t, ws, await runNow(t, ws, promptId), 20_000);
    expect(run.status).toBe('succeeded');
    const d = await detail(run.id);
    const citations = d.citations as Citation[];
    expect(citations.length).toBeGreaterThan(0);
    for (const c of citations.filter((x) => x.charStart !== null)) {
      expect(c.charEnd!).toBeLessThanOrEqual(d.result.answerText.length);
      expect(c.charStart!).toBeLessThan(c.charEnd!);
    }
  });
});
