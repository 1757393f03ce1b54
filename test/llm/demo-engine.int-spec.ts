import { StreamCapture } from '../../src/capture/recording/stream-capture';
import { DemoAnswerGenerator } from '../../src/llm/demo/demo-answer-generator';
import { DEMO_MODEL, DemoEngineServer } from '../../src/llm/demo/demo-engine-server';
import type { LlmRequest } from '../../src/llm/llm-provider';
import { SystemMonotonicClock } from '../../src/llm/monotonic-clock';
import { OpenAiCompatibleProvider } from '../../src/llm/openai-compatible/openai-compatible.provider';
import { SseDecoder } from '../../src/llm/sse-decoder';
import http from 'node:http';

/** The demo engine through the real capture path: HTTP, SSE decoding, provider, recorder. */
describe('DemoEngineServer through OpenAiCompatibleProvider', () => {
  const timeScale = 0.05;
  const demo = new DemoEngineServer({ timeScale });
  const provider = new OpenAiCompatibleProvider();
  const brands = ['Acme', 'Globex Corporation', 'Initech', 'Umbrella'];
  let baseUrl: string;

  beforeAll(async () => {
    ({ baseUrl } = await demo.start());
  });
  afterAll(() => demo.stop());

  const request = (seed: string, maxTokens?: number): LlmRequest => ({
    baseUrl,
    model: DEMO_MODEL,
    prompt: 'What is the best CRM for startups?',
    parameters: maxTokens === undefined ? {} : { maxTokens },
    extraBody: { streamrank_demo: { brands, seed } },
  });
  const run = (req: LlmRequest) =>
    StreamCapture.run(provider, req, {
      signal: new AbortController().signal,
      clock: new SystemMonotonicClock(),
    });

  it('streams a complete capture whose text names the brands, reproducibly for a seed', async () => {
    const first = await run(request('seed-a'));
    const second = await run(request('seed-a'));
    const expected = DemoAnswerGenerator.generate({
      seed: 'seed-a',
      prompt: 'What is the best CRM for startups?',
      brands,
    });
    for (const { capture, error } of [first, second]) {
      expect(error).toBeNull();
      expect(capture).toMatchObject({ complete: true, finishReason: 'stop', responseModel: DEMO_MODEL });
      expect(capture.answerText).toBe(expected.text);
      expect(capture.chunks.map((chunk) => chunk.text)).toEqual(expected.chunks.map((chunk) => chunk.text));
      expect(capture.usage).toEqual({
        inputTokens: expected.promptTokens,
        outputTokens: expected.completionTokens,
      });
    }
    expect(expected.listedBrands.length).toBeGreaterThan(0);
    for (const brand of expected.listedBrands) expect(first.capture.answerText).toContain(brand);

    // Captured TTFT follows the scheduled one (scaled), give or take timer and loopback jitter.
    const ttftMs = (first.capture.ttftUs ?? NaN) / 1000;
    expect(ttftMs).toBeGreaterThanOrEqual(expected.ttftMs * timeScale - 1);
    expect(ttftMs).toBeLessThan(expected.ttftMs * timeScale + 25);
    expect(first.capture.headersUs).toBeLessThan(first.capture.ttftUs ?? 0);
  });

  it('gives a different answer for a different seed', async () => {
    const a = await run(request('seed-a'));
    const b = await run(request('seed-b'));
    const c = await run(request('seed-c'));
    expect(new Set([a, b, c].map((result) => result.capture.answerText)).size).toBeGreaterThan(1);
  });

  it('honours max_tokens with finish_reason length', async () => {
    const { capture, error } = await run(request('seed-a', 6));
    expect(error).toBeNull();
    expect(capture).toMatchObject({ complete: true, finishReason: 'length', usage: { outputTokens: 6 } });
  });

  it('marks every response as synthetic, on the wire and in every chunk', async () => {
    const { headers, events } = await rawPost(`${baseUrl}/chat/completions`, {
      model: DEMO_MODEL,
      stream: true,
      messages: [{ role: 'user', content: 'Best CRM?' }],
      streamrank_demo: { brands, seed: 'raw' },
    });
    expect(headers['x-streamrank-synthetic']).toBe('1');
    expect(headers['content-type']).toMatch(/^text\/event-stream/);
    expect(events.at(-1)).toBe('[DONE]');
    const chunks = events.slice(0, -1).map((data) => JSON.parse(data) as Record<string, unknown>);
    expect(chunks.every((chunk) => chunk.system_fingerprint === 'streamrank-demo-synthetic')).toBe(true);
    expect(chunks[0]).toMatchObject({ choices: [{ delta: { role: 'assistant', content: '' } }] });
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { total_tokens: expect.any(Number) } });
  });

  it('rejects a non-streaming request with an OpenAI-style 400', async () => {
    const { error } = await run({ ...request('x'), extraBody: { stream: false } });
    expect(error).toMatchObject({ code: 'invalid_request', httpStatus: 400 });
  });
});

function rawPost(
  url: string,
  body: object,
): Promise<{ headers: http.IncomingHttpHeaders; events: string[] }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      { method: 'POST', headers: { 'content-type': 'application/json' } },
      (res) => {
        const decoder = new SseDecoder();
        const events: string[] = [];
        res.on('data', (bytes: Buffer) => events.push(...decoder.push(bytes).map((event) => event.data)));
        res.on('end', () => resolve({ headers: res.headers, events }));
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}
