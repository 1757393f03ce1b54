import type { LookupFunction } from 'node:net';
import { StreamCapture } from '../../src/capture/recording/stream-capture';
import type { LlmRequest } from '../../src/llm/llm-provider';
import { SystemMonotonicClock } from '../../src/llm/monotonic-clock';
import { OpenAiCompatibleProvider } from '../../src/llm/openai-compatible/openai-compatible.provider';
import { ProviderError } from '../../src/llm/provider-error';
import type { StreamPart } from '../../src/llm/stream-part';
import { FakeOpenAiServer } from '../fakes/fake-openai-server';
import { openAiChunkEvents, recordedAnswer, replayRecorded, writesOf } from '../fakes/openai-sse-script';

/** Real HTTP on 127.0.0.1 between the provider and a scripted fake server speaking the chat-completions wire. */
describe('OpenAiCompatibleProvider (real HTTP against FakeOpenAiServer)', () => {
  const server = new FakeOpenAiServer();
  const provider = new OpenAiCompatibleProvider();
  let baseUrl: string;

  beforeAll(async () => {
    ({ baseUrl } = await server.start());
  });
  afterAll(() => server.stop());

  const request = (overrides: Partial<LlmRequest> = {}): LlmRequest => ({
    baseUrl,
    apiKey: 'sk-test-secret',
    model: 'gpt-fake',
    prompt: 'Best CRM?',
    parameters: { temperature: 0.2, maxTokens: 300, systemPrompt: 'Be brief.' },
    ...overrides,
  });

  const capture = (req = request(), signal = new AbortController().signal) => {
    const clock = new SystemMonotonicClock();
    return { clock, result: StreamCapture.run(provider, req, { signal, clock }) };
  };

  async function collect(req: LlmRequest): Promise<{ parts: StreamPart[]; error: unknown }> {
    const parts: StreamPart[] = [];
    try {
      for await (const part of provider.stream(req, {
        signal: new AbortController().signal,
        clock: new SystemMonotonicClock(),
      })) {
        parts.push(part);
      }
    } catch (error) {
      return { parts, error };
    }
    return { parts, error: null };
  }

  it('sends the chat-completions request with streaming, usage, parameters, extra body and bearer auth', async () => {
    const exchange = server.enqueue({ writes: writesOf(openAiChunkEvents(['Hi']), 0) });
    const { result } = capture(request({ extraBody: { streamrank_demo: { seed: 'x' } } }));
    await result;
    const { request: received } = await exchange.finished;
    expect(received.method).toBe('POST');
    expect(received.path).toBe('/v1/chat/completions');
    expect(received.headers.authorization).toBe('Bearer sk-test-secret');
    expect(received.headers['accept-encoding']).toBe('identity');
    expect(JSON.parse(received.body)).toEqual({
      model: 'gpt-fake',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Best CRM?' },
      ],
      stream: true,
      stream_options: { include_usage: true },
      temperature: 0.2,
      max_tokens: 300,
      streamrank_demo: { seed: 'x' },
    });
  });

  it('stamps each text part with its socket arrival time, matching the server write times', async () => {
    const texts = Array.from({ length: 40 }, (_, i) => ` word${i}`);
    // Irregular gaps so a constant-offset bug cannot pass by accident.
    const writes = openAiChunkEvents(texts).map((bytes, i) => ({ delayMs: 8 + ((i * 7) % 13), bytes }));
    const exchangePromise = server.enqueue({ writes });
    const { clock, result } = capture();
    const { capture: captured, error } = await result;
    const exchange = await exchangePromise.finished;
    expect(error).toBeNull();
    expect(captured.chunks.map((chunk) => chunk.text)).toEqual(texts);

    // Same process, same performance clock: convert the fake's write times to µs since the clock's zero.
    const zeroMs = performance.timeOrigin + clock.originMs;
    // Write 0 is the role chunk (no text); writes 1..40 carry the texts.
    const errorsUs = captured.chunks.map(
      (chunk, i) => chunk.atUs - ((exchange.writeTimesMs[i + 1] ?? NaN) - zeroMs) * 1000,
    );
    const absolute = errorsUs.map(Math.abs).sort((a, b) => a - b);
    const median = absolute[Math.floor(absolute.length / 2)] ?? NaN;
    const p99 = absolute[Math.ceil(absolute.length * 0.99) - 1] ?? NaN;
    if (process.env.REPORT_TIMING) {
      console.log(`arrival error µs: median ${median.toFixed(0)}, p99 ${p99.toFixed(0)}`);
    }
    // Arrival is after emission (loopback + event-loop turn); it must never be before it.
    expect(Math.min(...errorsUs)).toBeGreaterThan(-50);
    expect(median).toBeLessThan(2000);
    expect(p99).toBeLessThan(10_000);
    expect(captured.headersUs).not.toBeNull();
    expect(captured.ttftUs).toBe(captured.chunks[0]?.atUs);
    expect(captured.complete).toBe(true);
  });

  it('reassembles a multi-byte character split across TCP writes', async () => {
    const [role, content, ...rest] = openAiChunkEvents(['Caf\u00e9 \u{1F600} Acme']);
    const bytes = Buffer.from(content ?? '', 'utf8');
    const e9 = bytes.indexOf(Buffer.from([0xc3, 0xa9]));
    const emoji = bytes.indexOf(Buffer.from([0xf0, 0x9f, 0x98, 0x80]));
    const pieces = [
      bytes.subarray(0, e9 + 1), // ...Caf + C3
      bytes.subarray(e9 + 1, emoji + 1), // A9 ... + F0
      bytes.subarray(emoji + 1, emoji + 3), // 9F 98
      bytes.subarray(emoji + 3), // 80 ...
    ];
    server.enqueue({
      writes: [role ?? '', ...pieces, ...rest].map((piece) => ({ delayMs: 15, bytes: piece })),
    });
    const { capture: captured, error } = await capture().result;
    expect(error).toBeNull();
    expect(captured.answerText).toBe('Caf\u00e9 \u{1F600} Acme');
  });

  it('throws truncated when the body ends cleanly without [DONE], even after a finish_reason; partial text kept', async () => {
    server.enqueue({ writes: writesOf(openAiChunkEvents(['Acme ', 'is'], { done: false }), 5) });
    const { capture: captured, error } = await capture().result;
    expect(error).toMatchObject({ code: 'truncated', retryable: true });
    expect(captured).toMatchObject({ complete: false, answerText: 'Acme is', finishReason: 'stop' });
  });

  it('throws truncated when the body ends mid-event', async () => {
    const events = openAiChunkEvents(['Acme ', 'is great']);
    const cut = (events[2] ?? '').slice(0, 30);
    server.enqueue({ writes: writesOf([events[0] ?? '', events[1] ?? '', cut], 5) });
    const { capture: captured, error } = await capture().result;
    expect(error).toMatchObject({ code: 'truncated' });
    expect((error as ProviderError).message).toContain('mid-event');
    expect(captured.answerText).toBe('Acme ');
  });

  it('throws connection_reset when the socket is destroyed mid-stream', async () => {
    server.enqueue({
      writes: writesOf(openAiChunkEvents(['Acme ', 'is'], { done: false }).slice(0, 2), 5),
      ending: 'destroy',
    });
    const { capture: captured, error } = await capture().result;
    expect(error).toMatchObject({ code: 'connection_reset', retryable: true });
    expect(captured.answerText).toBe('Acme ');
  });

  it.each([
    ['followed by [DONE]', true],
    ['with no [DONE]', false],
  ])('throws stream_error on an in-band error object %s', async (_name, withDone) => {
    const events = openAiChunkEvents(['Acme'], { done: false }).slice(0, 2);
    events.push(
      'data: {"error":{"message":"The server had an error processing your request.","type":"server_error","param":null,"code":null}}\n\n',
    );
    if (withDone) events.push('data: [DONE]\n\n');
    server.enqueue({ writes: writesOf(events, 5) });
    const { capture: captured, error } = await capture().result;
    expect(error).toMatchObject({ code: 'stream_error', retryable: true });
    expect((error as Error).message).toContain('The server had an error');
    expect(captured.answerText).toBe('Acme');
  });

  it.each([
    [{ 'retry-after-ms': '1500', 'retry-after': '7' }, 1500],
    [{ 'retry-after': '2' }, 2000],
  ])('maps 429 with %j to rate_limited with retryAfterMs %i', async (headers, retryAfterMs) => {
    server.enqueue({
      status: 429,
      headers: { 'content-type': 'application/json', ...headers },
      writes: [
        {
          delayMs: 0,
          bytes: JSON.stringify({
            error: {
              message: 'Rate limit reached for gpt-fake',
              type: 'tokens',
              code: 'rate_limit_exceeded',
            },
          }),
        },
      ],
    });
    const { error } = await collect(request());
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ code: 'rate_limited', retryable: true, httpStatus: 429, retryAfterMs });
  });

  it('maps 429 insufficient_quota to quota_exhausted, not retryable', async () => {
    server.enqueue({
      status: 429,
      headers: { 'content-type': 'application/json' },
      writes: [
        {
          delayMs: 0,
          bytes: JSON.stringify({
            error: {
              message: 'You exceeded your current quota',
              type: 'insufficient_quota',
              param: null,
              code: 'insufficient_quota',
            },
          }),
        },
      ],
    });
    expect((await collect(request())).error).toMatchObject({ code: 'quota_exhausted', retryable: false });
  });

  it('serves consecutive scripts: 500 first, then a success', async () => {
    server.enqueue({
      status: 500,
      headers: { 'content-type': 'application/json' },
      writes: [{ delayMs: 0, bytes: JSON.stringify({ error: { message: 'boom', type: 'server_error' } }) }],
    });
    server.enqueue({ writes: writesOf(openAiChunkEvents(['ok']), 0) });
    expect((await collect(request())).error).toMatchObject({
      code: 'server_error',
      retryable: true,
      httpStatus: 500,
    });
    const second = await collect(request());
    expect(second.error).toBeNull();
    expect(second.parts.filter((part) => part.type === 'text')).toEqual([
      expect.objectContaining({ text: 'ok' }),
    ]);
  });

  it('refuses to follow redirects', async () => {
    server.enqueue({ status: 307, headers: { location: 'http://169.254.169.254/latest' }, writes: [] });
    expect((await collect(request())).error).toMatchObject({
      code: 'invalid_request',
      message: expect.stringContaining('redirects are refused'),
    });
  });

  it('stops reading and closes the connection when the signal aborts, with the signal reason', async () => {
    const texts = Array.from({ length: 50 }, (_, i) => `t${i} `);
    const exchange = server.enqueue({ writes: writesOf(openAiChunkEvents(texts), 20) });
    const controller = new AbortController();
    const { result } = capture(request(), controller.signal);
    setTimeout(() => controller.abort(), 120);
    const { capture: captured, error } = await result;
    expect(error).toMatchObject({ code: 'aborted', retryable: false });
    expect(captured.complete).toBe(false);
    expect(captured.chunks.length).toBeLessThan(50);
    expect((await exchange.finished).closedByClient).toBe(true);

    const reason = new ProviderError('deadline_exceeded', 'run deadline', { retryable: true });
    server.enqueue({ writes: writesOf(openAiChunkEvents(texts), 20) });
    const second = new AbortController();
    const secondRun = capture(request(), second.signal).result;
    setTimeout(() => second.abort(reason), 60);
    expect((await secondRun).error).toBe(reason);
  });

  it('reports stalled when no bytes arrive within the idle timeout', async () => {
    const impatient = new OpenAiCompatibleProvider({ idleTimeoutMs: 100 });
    server.enqueue({ writes: writesOf(openAiChunkEvents(['a']).slice(0, 2), 5), ending: 'hang' });
    const { error } = await StreamCapture.run(impatient, request(), {
      signal: new AbortController().signal,
      clock: new SystemMonotonicClock(),
    });
    expect(error).toMatchObject({ code: 'stalled', retryable: true });
  });

  it('measures the idle timeout from the last byte: a long stream that is never quiet that long completes', async () => {
    const impatient = new OpenAiCompatibleProvider({ idleTimeoutMs: 150 });
    const words = Array.from({ length: 10 }, (_, i) => `w${i} `);
    // 13 writes 40 ms apart: about 520 ms in all, never 150 ms without a byte.
    server.enqueue({ writes: writesOf(openAiChunkEvents(words), 40) });
    const { error, capture } = await StreamCapture.run(impatient, request(), {
      signal: new AbortController().signal,
      clock: new SystemMonotonicClock(),
    });
    expect(error).toBeNull();
    expect(capture.answerText).toBe(words.join(''));
  });

  it('reports stalled once the stream has been quiet for the idle timeout after its last byte', async () => {
    const impatient = new OpenAiCompatibleProvider({ idleTimeoutMs: 150 });
    const words = Array.from({ length: 8 }, (_, i) => `w${i} `);
    // Every content chunk (about 360 ms of them, 40 ms apart), then silence with the connection open.
    server.enqueue({ writes: writesOf(openAiChunkEvents(words).slice(0, 9), 40), ending: 'hang' });
    const clock = new SystemMonotonicClock();
    const { error, capture } = await StreamCapture.run(impatient, request(), {
      signal: new AbortController().signal,
      clock,
    });
    expect(error).toMatchObject({ code: 'stalled', retryable: true });
    expect(capture.answerText).toBe(words.join(''));
    const lastByteUs = capture.chunkArrivalsUs.at(-1)!;
    expect(clock.nowUs() - lastByteUs).toBeGreaterThanOrEqual(150_000);
  });

  it('uses the injected lookup and keeps its verdict', async () => {
    const denied = new ProviderError('invalid_request', 'egress denied: private address', {
      retryable: false,
    });
    const lookup = ((_host: string, _options: unknown, callback: (error: Error) => void) =>
      callback(denied)) as unknown as LookupFunction;
    const guarded = new OpenAiCompatibleProvider({ lookup });
    const { error } = await StreamCapture.run(guarded, request({ baseUrl: 'http://internal.example:1/v1' }), {
      signal: new AbortController().signal,
      clock: new SystemMonotonicClock(),
    });
    expect(error).toBe(denied);
  });

  describe('recorded real streams (Prism fixtures) replayed event by event', () => {
    it.each([
      'deepseek/stream-basic-text-1.sse',
      'deepseek/stream-with-reasoning-1.sse',
      'deepseek/stream-max-tokens-1.sse',
      'groq/stream-basic-text-1.sse',
      'mistral/stream-basic-text-1.sse',
    ])('%s produces the exact concatenated text', async (file) => {
      const expected = recordedAnswer(file);
      server.enqueue({ writes: replayRecorded(file, { delayMs: 1 }) });
      const { capture: captured, error } = await capture().result;
      expect(error).toBeNull();
      expect(captured.complete).toBe(true);
      expect(captured.answerText).toBe(expected.text);
      expect(captured.answerText.length).toBeGreaterThan(0);
      expect(captured.reasoningText).toBe(expected.reasoning);
      expect(captured.usage?.outputTokens).toBeGreaterThan(0);
      expect(captured.responseModel).not.toBeNull();
    });

    it('keeps deepseek reasoning_content apart from the answer, and TTFT after the reasoning', async () => {
      server.enqueue({ writes: replayRecorded('deepseek/stream-with-reasoning-1.sse', { delayMs: 1 }) });
      const { capture: captured } = await capture().result;
      expect(captured.reasoningText.startsWith('First, the user')).toBe(true);
      expect(captured.answerText).not.toContain('First, the user');
      expect(captured.responseModel).toBe('deepseek-reasoner');
      expect(captured.usage).toEqual({ inputTokens: 19, outputTokens: 739 });
    });

    it('passes finish_reason through verbatim (deepseek stream-max-tokens-1.sse)', async () => {
      // The fixture README says this recording ends with `length`, but its bytes say `stop` (85 tokens):
      // we assert what the wire actually carries.
      server.enqueue({ writes: replayRecorded('deepseek/stream-max-tokens-1.sse', { delayMs: 1 }) });
      const { capture: captured, error } = await capture().result;
      expect(error).toBeNull();
      expect(captured.finishReason).toBe('stop');
      expect(captured.usage).toEqual({ inputTokens: 7, outputTokens: 85 });
    });

    it('records finish_reason length as a complete observation, not a failure', async () => {
      server.enqueue({ writes: writesOf(openAiChunkEvents(['Acme is'], { finishReason: 'length' }), 1) });
      const { capture: captured, error } = await capture().result;
      expect(error).toBeNull();
      expect(captured).toMatchObject({ complete: true, finishReason: 'length', answerText: 'Acme is' });
    });

    it('accepts a final data: [DONE] without its blank line, as recorded from groq', async () => {
      server.enqueue({ writes: replayRecorded('groq/stream-basic-text-1.sse', { delayMs: 1, raw: true }) });
      const { capture: captured, error } = await capture().result;
      expect(error).toBeNull();
      expect(captured.answerText).toBe(recordedAnswer('groq/stream-basic-text-1.sse').text);
    });
  });
});
