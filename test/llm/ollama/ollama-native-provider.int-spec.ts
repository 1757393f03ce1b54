import { StreamCapture } from '../../../src/capture/recording/stream-capture';
import type { LlmRequest } from '../../../src/llm/llm-provider';
import { SystemMonotonicClock } from '../../../src/llm/monotonic-clock';
import { OllamaNativeProvider, ollamaChatUrl } from '../../../src/llm/ollama/ollama-native.provider';
import type { StreamPart } from '../../../src/llm/stream-part';
import { FakeOpenAiServer } from '../../fakes/fake-openai-server';
import { NDJSON_HEADERS, ollamaLines, recordedOllama, replayNdjson } from '../../fakes/ndjson-script';
import { writesOf } from '../../fakes/openai-sse-script';
import { arrivalErrors, collectParts } from '../../fakes/stream-timing';

const PATH = '/api/chat';

const textOf = (parts: StreamPart[], type: 'text' | 'reasoning' = 'text'): string =>
  parts.map((part) => (part.type === type ? part.text : '')).join('');

/** Real HTTP on 127.0.0.1 between OllamaNativeProvider and a scripted fake speaking /api/chat NDJSON. */
describe('OllamaNativeProvider (real HTTP against the scripted fake server)', () => {
  const server = new FakeOpenAiServer();
  const provider = new OllamaNativeProvider();
  let root: string;

  beforeAll(async () => {
    const { port } = await server.start();
    root = `http://127.0.0.1:${port}`;
  });
  afterAll(() => server.stop());

  const request = (overrides: Partial<LlmRequest> = {}): LlmRequest => ({
    baseUrl: root,
    model: 'llama3.2',
    prompt: 'Best CRM?',
    parameters: { temperature: 0.2, maxTokens: 300, systemPrompt: 'Be brief.', ollamaNative: true },
    ...overrides,
  });
  const ndjson = (lines: string[], delayMs = 2, ending?: 'end' | 'destroy' | 'hang') =>
    server.enqueue(
      { headers: NDJSON_HEADERS, writes: writesOf(lines, delayMs), ...(ending ? { ending } : {}) },
      PATH,
    );

  it('POSTs {root}/api/chat with streaming, think off, options, and no auth header without a key', async () => {
    const exchange = ndjson(ollamaLines(['Hi']));
    expect((await collectParts(provider, request())).error).toBeNull();
    const { request: received } = await exchange.finished;
    expect(received.method).toBe('POST');
    expect(received.path).toBe('/api/chat');
    expect(received.headers.authorization).toBeUndefined();
    expect(received.headers.accept).toBe('application/x-ndjson');
    expect(JSON.parse(received.body)).toEqual({
      model: 'llama3.2',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Best CRM?' },
      ],
      stream: true,
      think: false,
      options: { temperature: 0.2, num_predict: 300 },
    });
  });

  it('turns thinking on when a thinking budget is set, strips a /v1 base URL, and lets extraBody win', async () => {
    const exchange = ndjson(ollamaLines(['Hi']));
    const req = request({
      baseUrl: `${root}/v1/`,
      apiKey: 'proxy-token',
      parameters: { thinkingBudgetTokens: 1024 },
      extraBody: { keep_alive: '5m' },
    });
    expect((await collectParts(provider, req)).error).toBeNull();
    const { request: received } = await exchange.finished;
    expect(received.path).toBe('/api/chat');
    expect(received.headers.authorization).toBe('Bearer proxy-token');
    expect(JSON.parse(received.body)).toEqual({
      model: 'llama3.2',
      messages: [{ role: 'user', content: 'Best CRM?' }],
      stream: true,
      think: true,
      keep_alive: '5m',
    });
  });

  it('builds the chat URL from the server root', () => {
    expect(ollamaChatUrl('http://h:11434').href).toBe('http://h:11434/api/chat');
    expect(ollamaChatUrl('http://h:11434/v1').href).toBe('http://h:11434/api/chat');
    expect(ollamaChatUrl('http://h:11434/api/').href).toBe('http://h:11434/api/chat');
    expect(ollamaChatUrl('https://proxy.example/ollama/v1').href).toBe(
      'https://proxy.example/ollama/api/chat',
    );
    expect(() => ollamaChatUrl('not a url')).toThrow(expect.objectContaining({ code: 'invalid_request' }));
  });

  describe('recorded real streams (Prism fixtures) replayed line by line', () => {
    it.each(['ollama/stream-basic-text-1.sse', 'ollama/stream-with-thinking-enabled-1.sse'])(
      '%s produces the exact concatenated text, thinking apart, and the final counts',
      async (file) => {
        const expected = recordedOllama(file);
        server.enqueue({ headers: NDJSON_HEADERS, writes: replayNdjson(file, 1) }, PATH);
        const { parts, error } = await collectParts(provider, request());
        expect(error).toBeNull();
        expect(textOf(parts)).toBe(expected.text);
        expect(textOf(parts).length).toBeGreaterThan(0);
        expect(textOf(parts, 'reasoning')).toBe(expected.thinking);
        expect(parts.find((part) => part.type === 'meta')).toMatchObject({ model: expected.model });
        expect(parts.filter((part) => part.type === 'finish')).toEqual([
          expect.objectContaining({ finishReason: expected.doneReason }),
        ]);
        expect(parts.filter((part) => part.type === 'usage')).toEqual([
          expect.objectContaining(expected.usage ?? {}),
        ]);
      },
    );

    it('keeps gpt-oss thinking out of the answer, and TTFT after the thinking', async () => {
      const file = 'ollama/stream-with-thinking-enabled-1.sse';
      server.enqueue({ headers: NDJSON_HEADERS, writes: replayNdjson(file, 1) }, PATH);
      const { capture, error } = await StreamCapture.run(provider, request(), {
        signal: new AbortController().signal,
        clock: new SystemMonotonicClock(),
      });
      expect(error).toBeNull();
      expect(capture.complete).toBe(true);
      expect(capture.reasoningText.startsWith('The user says')).toBe(true);
      expect(capture.answerText).not.toContain('The user says');
      expect(capture.usage).toEqual({ inputTokens: 69, outputTokens: 76 });
      expect(capture.responseModel).toBe('gpt-oss');
    });

    it('accepts the done line as the final bytes without its newline', async () => {
      const writes = replayNdjson('ollama/stream-basic-text-1.sse', 0);
      const last = writes.at(-1);
      if (last !== undefined) last.bytes = String(last.bytes).trimEnd();
      server.enqueue({ headers: NDJSON_HEADERS, writes }, PATH);
      const { error } = await collectParts(provider, request());
      expect(error).toBeNull();
    });
  });

  it('stamps text and reasoning parts with their socket arrival time, matching the fake server write times', async () => {
    const thinking = Array.from({ length: 10 }, (_, i) => ` think${i}`);
    const texts = Array.from({ length: 30 }, (_, i) => ` word${i}`);
    const writes = ollamaLines(texts, { thinking }).map((bytes, i) => ({
      delayMs: 8 + ((i * 7) % 13),
      bytes,
    }));
    const exchangePromise = server.enqueue({ headers: NDJSON_HEADERS, writes }, PATH);
    const { parts, error, clock } = await collectParts(provider, request());
    const exchange = await exchangePromise.finished;
    expect(error).toBeNull();
    const streamed = parts.filter((part) => part.type === 'text' || part.type === 'reasoning');
    expect(streamed.map((part) => part.text)).toEqual([...thinking, ...texts]);
    const { medianUs, p99Us, minSignedUs } = arrivalErrors(
      clock,
      streamed.map((part) => part.atUs),
      exchange.writeTimesMs.slice(0, streamed.length),
    );
    if (process.env.REPORT_TIMING) {
      console.log(`ollama arrival error µs: median ${medianUs.toFixed(0)}, p99 ${p99Us.toFixed(0)}`);
    }
    expect(minSignedUs).toBeGreaterThan(-50);
    expect(medianUs).toBeLessThan(5000);
  });

  it.each([
    ['length', 'length'],
    ['load', 'stop'],
    ['stop', 'stop'],
  ])('maps done_reason %s to finish %s', async (doneReason, finishReason) => {
    ndjson(ollamaLines(['Acme'], { doneReason }));
    const { parts, error } = await collectParts(provider, request());
    expect(error).toBeNull();
    expect(parts.find((part) => part.type === 'finish')).toMatchObject({ finishReason });
  });

  it('throws truncated (retryable) when the body ends cleanly without a done line; partial text kept', async () => {
    ndjson(ollamaLines(['Acme ', 'is'], { done: false }));
    const { parts, error } = await collectParts(provider, request());
    expect(error).toMatchObject({ code: 'truncated', retryable: true });
    expect(textOf(parts)).toBe('Acme is');
  });

  it('throws truncated when the recorded stream is cut mid-line', async () => {
    const writes = replayNdjson('ollama/stream-basic-text-1.sse', 0).slice(0, 4);
    const fourth = writes[3];
    if (fourth !== undefined) fourth.bytes = String(fourth.bytes).slice(0, 40);
    server.enqueue({ headers: NDJSON_HEADERS, writes }, PATH);
    const { parts, error } = await collectParts(provider, request());
    expect(error).toMatchObject({ code: 'truncated', retryable: true });
    expect((error as Error).message).toContain('mid-line');
    expect(textOf(parts)).toBe('I am Gr');
  });

  it('throws connection_reset when the socket is destroyed mid-stream', async () => {
    ndjson(ollamaLines(['Acme ', 'is'], { done: false }), 2, 'destroy');
    const { error } = await collectParts(provider, request());
    expect(error).toMatchObject({ code: 'connection_reset', retryable: true });
  });

  it('throws stream_error on an in-band {"error"} line (status 200), keeping the text before it', async () => {
    const lines = ollamaLines(['Acme ', 'is'], { done: false });
    lines.push('{"error":"an error was encountered while running the model"}\n');
    ndjson(lines);
    const { parts, error } = await collectParts(provider, request());
    expect(error).toMatchObject({ code: 'stream_error', retryable: true });
    expect((error as Error).message).toContain('an error was encountered while running the model');
    expect(textOf(parts)).toBe('Acme is');
  });

  it('throws stream_error on a malformed line', async () => {
    ndjson([...ollamaLines(['Acme'], { done: false }), '{"model":"x",\n']);
    expect((await collectParts(provider, request())).error).toMatchObject({
      code: 'stream_error',
      retryable: false,
    });
  });

  it('maps an HTTP error with a {"error":"text"} body through the shared classifier', async () => {
    server.enqueue(
      {
        status: 404,
        headers: { 'content-type': 'application/json' },
        writes: [{ delayMs: 0, bytes: '{"error":"model \\"nope\\" not found, try pulling it first"}' }],
      },
      PATH,
    );
    const { error } = await collectParts(provider, request({ model: 'nope' }));
    expect(error).toMatchObject({ code: 'invalid_request', retryable: false, httpStatus: 404 });
    expect((error as Error).message).toContain('not found, try pulling it first');
  });

  it('refuses a non-streamed application/json answer', async () => {
    server.enqueue(
      { headers: { 'content-type': 'application/json' }, writes: writesOf(ollamaLines(['Hi']), 0) },
      PATH,
    );
    expect((await collectParts(provider, request())).error).toMatchObject({ code: 'invalid_request' });
  });

  it('reports stalled when no bytes arrive within the idle timeout', async () => {
    const impatient = new OllamaNativeProvider({ idleTimeoutMs: 100 });
    ndjson(ollamaLines(['a'], { done: false }), 5, 'hang');
    expect((await collectParts(impatient, request())).error).toMatchObject({
      code: 'stalled',
      retryable: true,
    });
  });

  it('uses defaultBaseUrl when the request has none', async () => {
    const exchange = ndjson(ollamaLines(['ok']));
    const custom = new OllamaNativeProvider({ defaultBaseUrl: `${root}/v1` });
    const { baseUrl: _omitted, ...withoutBase } = request();
    expect((await collectParts(custom, withoutBase)).error).toBeNull();
    expect((await exchange.finished).request.path).toBe('/api/chat');
  });
});
