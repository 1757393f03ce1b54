import { StreamCapture } from '../../../src/capture/recording/stream-capture';
import type { LlmRequest } from '../../../src/llm/llm-provider';
import { SystemMonotonicClock } from '../../../src/llm/monotonic-clock';
import { PerplexityProvider } from '../../../src/llm/perplexity/perplexity.provider';
import type { CitationPart, StreamPart } from '../../../src/llm/stream-part';
import { FakeOpenAiServer } from '../../fakes/fake-openai-server';
import { replayRecorded, writesOf } from '../../fakes/openai-sse-script';
import { perplexityEvents, recordedPerplexity } from '../../fakes/perplexity-sse-script';
import { arrivalErrors, collectParts } from '../../fakes/stream-timing';

const FIXTURE = 'perplexity/stream-basic-text-1.sse';
const PATH = '/chat/completions';

const textOf = (parts: StreamPart[]): string =>
  parts.map((part) => (part.type === 'text' ? part.text : '')).join('');
const citationsOf = (parts: StreamPart[]): CitationPart[] =>
  parts.filter((part): part is CitationPart => part.type === 'citation');

/** Real HTTP on 127.0.0.1 between PerplexityProvider and a scripted fake speaking the Sonar wire format. */
describe('PerplexityProvider (real HTTP against the scripted fake server)', () => {
  const server = new FakeOpenAiServer();
  const provider = new PerplexityProvider();
  let baseUrl: string;

  beforeAll(async () => {
    const { port } = await server.start();
    baseUrl = `http://127.0.0.1:${port}`;
  });
  afterAll(() => server.stop());

  const request = (overrides: Partial<LlmRequest> = {}): LlmRequest => ({
    baseUrl,
    apiKey: 'pplx-test-secret',
    model: 'sonar',
    prompt: 'Best CRM?',
    parameters: { temperature: 0.2, maxTokens: 300, systemPrompt: 'Be brief.', region: 'US' },
    ...overrides,
  });

  it('POSTs {baseUrl}/chat/completions with bearer auth, streaming and web_search_options from the region', async () => {
    const exchange = server.enqueue({ writes: writesOf(perplexityEvents(['Hi']), 0) }, PATH);
    expect((await collectParts(provider, request())).error).toBeNull();
    const { request: received } = await exchange.finished;
    expect(received.method).toBe('POST');
    expect(received.path).toBe('/chat/completions');
    expect(received.headers.authorization).toBe('Bearer pplx-test-secret');
    expect(received.headers['accept-encoding']).toBe('identity');
    expect(JSON.parse(received.body)).toEqual({
      model: 'sonar',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Best CRM?' },
      ],
      stream: true,
      max_tokens: 300,
      temperature: 0.2,
      web_search_options: { user_location: { country: 'US' } },
    });
  });

  it('omits optional fields that are not set', async () => {
    const exchange = server.enqueue({ writes: writesOf(perplexityEvents(['Hi']), 0) }, PATH);
    await collectParts(provider, request({ parameters: {} }));
    expect(JSON.parse((await exchange.finished).request.body)).toEqual({
      model: 'sonar',
      messages: [{ role: 'user', content: 'Best CRM?' }],
      stream: true,
    });
  });

  describe('recorded real stream (Prism fixture) replayed event by event', () => {
    it('produces the exact concatenated text, de-duplicated citations in first-seen order, and final usage', async () => {
      const expected = recordedPerplexity(FIXTURE);
      server.enqueue({ writes: replayRecorded(FIXTURE, { delayMs: 1 }) }, PATH);
      const { parts, error } = await collectParts(provider, request());
      expect(error).toBeNull();
      expect(textOf(parts)).toBe(expected.text);
      expect(textOf(parts).startsWith('I am Qwen')).toBe(true);

      const citations = citationsOf(parts);
      expect(expected.urls).toHaveLength(17);
      expect(citations.map((citation) => citation.url)).toEqual(expected.urls);
      expect(new Set(citations.map((citation) => citation.url)).size).toBe(citations.length);
      for (const citation of citations) {
        expect(citation.title).toBe(expected.titles.get(citation.url));
        expect(citation.startIndex).toBeUndefined();
        expect(citation.endIndex).toBeUndefined();
      }
      expect(citations[0]).toMatchObject({
        url: 'https://www.simpplr.com/glossary/ai-assistant/',
        domain: 'simpplr.com',
        title: 'What is an AI Assistant? Definition, Types, Productivity - Simpplr',
      });
      expect(citations.find((c) => c.url.includes('wikipedia'))?.domain).toBe('en.wikipedia.org');
      // All 17 were named by the first chunk, so they arrive with it, before or with the first text.
      const firstText = parts.find((part) => part.type === 'text');
      expect(new Set(citations.map((citation) => citation.atUs))).toEqual(new Set([firstText?.atUs]));

      expect(parts.filter((part) => part.type === 'finish')).toEqual([
        expect.objectContaining({ finishReason: 'stop' }),
      ]);
      const usage = parts.filter((part) => part.type === 'usage');
      // Cumulative usage is emitted only when it changes; the last one is the final count.
      expect(usage.at(-1)).toMatchObject(expected.usage ?? {});
      expect(parts.find((part) => part.type === 'meta')).toMatchObject({
        model: 'sonar',
        responseId: '2aac4169-004c-48c6-8da3-bb9d4db974bb',
      });
    });

    it('records a complete capture through StreamCapture', async () => {
      server.enqueue({ writes: replayRecorded(FIXTURE, { delayMs: 1 }) }, PATH);
      const { capture, error } = await StreamCapture.run(provider, request(), {
        signal: new AbortController().signal,
        clock: new SystemMonotonicClock(),
      });
      expect(error).toBeNull();
      expect(capture).toMatchObject({
        complete: true,
        finishReason: 'stop',
        usage: { inputTokens: 4, outputTokens: 97 },
      });
      expect(capture.answerText).toBe(recordedPerplexity(FIXTURE).text);
    });

    it('still succeeds when the recording is split into 1 KB writes (~8 KB events across reads)', async () => {
      const whole = replayRecorded(FIXTURE, { delayMs: 0 })
        .map((write) => write.bytes)
        .join('');
      const bytes = Buffer.from(whole, 'utf8');
      const writes = [];
      for (let offset = 0; offset < bytes.length; offset += 1024) {
        writes.push({ delayMs: 0, bytes: bytes.subarray(offset, offset + 1024) });
      }
      server.enqueue({ writes }, PATH);
      const { parts, error } = await collectParts(provider, request());
      expect(error).toBeNull();
      expect(textOf(parts)).toBe(recordedPerplexity(FIXTURE).text);
      expect(citationsOf(parts)).toHaveLength(17);
    });
  });

  it('emits each new URL once, stamped with the arrival of the chunk that first named it', async () => {
    const sources = [
      { url: 'https://www.Acme.example/pricing', title: 'Acme pricing' },
      { url: 'https://globex.example/' },
      { url: 'https://initech.example/crm', title: 'Initech CRM' },
    ];
    // Chunk 0 names one source, chunk 1 none new, chunk 2 two more (cumulative lists, repeated afterwards).
    const events = perplexityEvents(['Try ', 'Acme [1]', ' or Globex [2][3].'], {
      sourcesAt: (i) => sources.slice(0, i < 2 ? 1 : 3),
    });
    const exchange = server.enqueue({ writes: writesOf(events, 25) }, PATH);
    const { parts, error } = await collectParts(provider, request());
    expect(error).toBeNull();
    await exchange.finished;
    const texts = parts.filter((part) => part.type === 'text');
    const citations = citationsOf(parts);
    expect(citations).toEqual([
      {
        type: 'citation',
        atUs: texts[0]?.atUs,
        url: sources[0]?.url,
        title: 'Acme pricing',
        domain: 'acme.example',
      },
      { type: 'citation', atUs: texts[2]?.atUs, url: sources[1]?.url, domain: 'globex.example' },
      {
        type: 'citation',
        atUs: texts[2]?.atUs,
        url: sources[2]?.url,
        title: 'Initech CRM',
        domain: 'initech.example',
      },
    ]);
  });

  it('stamps text parts with their socket arrival time, matching the fake server write times', async () => {
    const texts = Array.from({ length: 40 }, (_, i) => ` word${i}`);
    // Irregular gaps so a constant-offset bug cannot pass by accident.
    const writes = perplexityEvents(texts, { sourcesAt: () => [{ url: 'https://acme.example/' }] }).map(
      (bytes, i) => ({ delayMs: 8 + ((i * 7) % 13), bytes }),
    );
    const exchangePromise = server.enqueue({ writes }, PATH);
    const { parts, error, clock } = await collectParts(provider, request());
    const exchange = await exchangePromise.finished;
    expect(error).toBeNull();
    const textParts = parts.filter((part) => part.type === 'text');
    expect(textParts.map((part) => part.text)).toEqual(texts);
    const { medianUs, p99Us, minSignedUs } = arrivalErrors(
      clock,
      textParts.map((part) => part.atUs),
      exchange.writeTimesMs.slice(0, texts.length),
    );
    if (process.env.REPORT_TIMING) {
      console.log(`perplexity arrival error µs: median ${medianUs.toFixed(0)}, p99 ${p99Us.toFixed(0)}`);
    }
    expect(minSignedUs).toBeGreaterThan(-50);
    expect(medianUs).toBeLessThan(5000);
  });

  it.each([
    ['the chat.completion.done chunk only (no [DONE])', 'done-object'],
    ['data: [DONE] only (older shape, finish on an ordinary chunk)', 'done-sentinel'],
    ['both the done chunk and [DONE]', 'both'],
  ] as const)('ends successfully on %s', async (_name, ending) => {
    server.enqueue({ writes: writesOf(perplexityEvents(['Acme ', 'wins'], { ending }), 2) }, PATH);
    const { parts, error } = await collectParts(provider, request());
    expect(error).toBeNull();
    expect(textOf(parts)).toBe('Acme wins');
    expect(parts.filter((part) => part.type === 'finish')).toEqual([
      expect.objectContaining({ finishReason: 'stop' }),
    ]);
  });

  it('accepts the done chunk as the final bytes without its blank line', async () => {
    const events = perplexityEvents(['Acme']);
    const last = events.length - 1;
    events[last] = (events[last] ?? '').trimEnd();
    server.enqueue({ writes: writesOf(events, 2) }, PATH);
    const { parts, error } = await collectParts(provider, request());
    expect(error).toBeNull();
    expect(parts.some((part) => part.type === 'finish')).toBe(true);
  });

  it('passes finish_reason length through as a complete stream', async () => {
    server.enqueue({ writes: writesOf(perplexityEvents(['Acme is'], { finishReason: 'length' }), 2) }, PATH);
    const { parts, error } = await collectParts(provider, request());
    expect(error).toBeNull();
    expect(parts.find((part) => part.type === 'finish')).toMatchObject({ finishReason: 'length' });
  });

  it('throws truncated (retryable) when the body ends cleanly with neither terminator; partial text kept', async () => {
    server.enqueue({ writes: writesOf(perplexityEvents(['Acme ', 'is'], { ending: 'none' }), 2) }, PATH);
    const { parts, error } = await collectParts(provider, request());
    expect(error).toMatchObject({ code: 'truncated', retryable: true });
    expect(textOf(parts)).toBe('Acme is');
  });

  it('throws truncated when the recorded stream is cut mid-event', async () => {
    const writes = replayRecorded(FIXTURE, { delayMs: 0 });
    const cut = writes.slice(0, 5);
    const fifth = cut[4];
    if (fifth !== undefined) fifth.bytes = String(fifth.bytes).slice(0, 2000);
    server.enqueue({ writes: cut }, PATH);
    const { parts, error } = await collectParts(provider, request());
    expect(error).toMatchObject({ code: 'truncated', retryable: true });
    expect((error as Error).message).toContain('mid-event');
    expect(textOf(parts)).toBe('I am Qwen, a large-scale language model developed by Alibaba');
  });

  it('throws connection_reset when the socket is destroyed mid-stream', async () => {
    server.enqueue(
      { writes: writesOf(perplexityEvents(['Acme ', 'is'], { ending: 'none' }), 2), ending: 'destroy' },
      PATH,
    );
    const { error } = await collectParts(provider, request());
    expect(error).toMatchObject({ code: 'connection_reset', retryable: true });
  });

  it('throws stream_error on an in-band error object, keeping the text before it', async () => {
    const events = perplexityEvents(['Acme'], { ending: 'none' });
    events.push(
      'data: {"error": {"message": "Internal server error", "type": "server_error", "code": 500}}\n\n',
    );
    server.enqueue({ writes: writesOf(events, 2) }, PATH);
    const { parts, error } = await collectParts(provider, request());
    expect(error).toMatchObject({ code: 'stream_error', retryable: true });
    expect((error as Error).message).toContain('Internal server error');
    expect(textOf(parts)).toBe('Acme');
  });

  it('maps HTTP errors through the shared classifier', async () => {
    server.enqueue(
      {
        status: 401,
        headers: { 'content-type': 'application/json' },
        writes: [
          {
            delayMs: 0,
            bytes: JSON.stringify({
              error: { message: 'Invalid API key', type: 'invalid_api_key', code: 401 },
            }),
          },
        ],
      },
      PATH,
    );
    server.enqueue(
      {
        status: 429,
        headers: { 'content-type': 'application/json', 'retry-after': '3' },
        writes: [{ delayMs: 0, bytes: JSON.stringify({ error: { message: 'Too many requests' } }) }],
      },
      PATH,
    );
    expect((await collectParts(provider, request())).error).toMatchObject({
      code: 'auth_failed',
      retryable: false,
      httpStatus: 401,
    });
    expect((await collectParts(provider, request())).error).toMatchObject({
      code: 'rate_limited',
      retryable: true,
      retryAfterMs: 3000,
    });
  });

  it('reports stalled when no bytes arrive within the idle timeout', async () => {
    const impatient = new PerplexityProvider({ idleTimeoutMs: 100 });
    server.enqueue({ writes: writesOf(perplexityEvents(['a']).slice(0, 1), 5), ending: 'hang' }, PATH);
    expect((await collectParts(impatient, request())).error).toMatchObject({
      code: 'stalled',
      retryable: true,
    });
  });

  it('uses defaultBaseUrl when the request has none', async () => {
    const exchange = server.enqueue(
      { writes: writesOf(perplexityEvents(['ok']), 0) },
      '/pplx/chat/completions',
    );
    const custom = new PerplexityProvider({ defaultBaseUrl: `${baseUrl}/pplx/` });
    const { baseUrl: _omitted, ...withoutBase } = request();
    expect((await collectParts(custom, withoutBase)).error).toBeNull();
    expect((await exchange.finished).request.path).toBe('/pplx/chat/completions');
  });
});
