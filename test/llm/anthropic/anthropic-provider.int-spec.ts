import { StreamCapture } from '../../../src/capture/recording/stream-capture';
import { AnthropicProvider } from '../../../src/llm/anthropic/anthropic.provider';
import type { LlmRequest } from '../../../src/llm/llm-provider';
import { SystemMonotonicClock } from '../../../src/llm/monotonic-clock';
import { ProviderError } from '../../../src/llm/provider-error';
import type { StreamPart } from '../../../src/llm/stream-part';
import {
  ANTHROPIC_MESSAGES_PATH,
  anthropicEvent,
  anthropicTextEvents,
  blockStop,
  MESSAGE_STOP,
  messageDelta,
  messageStart,
  PING,
  recordedAnthropicStream,
  textBlockStart,
  textDelta,
} from '../../fakes/anthropic-sse-script';
import { type FakeScript, FakeOpenAiServer } from '../../fakes/fake-openai-server';
import { replayRecorded, writesOf } from '../../fakes/openai-sse-script';

/** Real HTTP on 127.0.0.1 between the adapter and a scripted fake speaking the Messages streaming wire. */
describe('AnthropicProvider (real HTTP against a scripted fake)', () => {
  const server = new FakeOpenAiServer();
  const provider = new AnthropicProvider();
  let baseUrl: string;

  beforeAll(async () => {
    ({ baseUrl } = await server.start());
  });
  afterAll(() => server.stop());

  const enqueue = (script: FakeScript) => server.enqueue(script, ANTHROPIC_MESSAGES_PATH);

  const request = (overrides: Partial<LlmRequest> = {}): LlmRequest => ({
    baseUrl,
    apiKey: 'sk-ant-test-secret',
    model: 'claude-fake',
    prompt: 'Best CRM?',
    parameters: { temperature: 0.2, systemPrompt: 'Be brief.' },
    ...overrides,
  });

  const capture = (req = request()) => {
    const clock = new SystemMonotonicClock();
    return {
      clock,
      result: StreamCapture.run(provider, req, { signal: new AbortController().signal, clock }),
    };
  };

  async function collect(req = request()): Promise<{ parts: StreamPart[]; error: unknown }> {
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

  const jsonError = (status: number, type: string, message: string, headers: Record<string, string> = {}) =>
    enqueue({
      status,
      headers: { 'content-type': 'application/json', ...headers },
      writes: [
        {
          delayMs: 0,
          bytes: JSON.stringify({ type: 'error', error: { type, message }, request_id: 'req_011fake' }),
        },
      ],
    });

  it('POSTs /v1/messages with x-api-key, anthropic-version and the streaming body', async () => {
    const exchange = enqueue({ writes: writesOf(anthropicTextEvents(['Hi']), 0) });
    const { result } = capture(
      request({
        parameters: {
          temperature: 0.2,
          systemPrompt: 'Be brief.',
          webSearch: true,
          thinkingBudgetTokens: 2048,
        },
      }),
    );
    expect((await result).error).toBeNull();
    const { request: received } = await exchange.finished;
    expect(received.method).toBe('POST');
    expect(received.path).toBe('/v1/messages');
    expect(received.headers['x-api-key']).toBe('sk-ant-test-secret');
    expect(received.headers['anthropic-version']).toBe('2023-06-01');
    expect(received.headers['content-type']).toBe('application/json');
    expect(received.headers.authorization).toBeUndefined();
    expect(JSON.parse(received.body)).toEqual({
      model: 'claude-fake',
      max_tokens: 2048 + 1024,
      stream: true,
      system: 'Be brief.',
      messages: [{ role: 'user', content: 'Best CRM?' }],
      temperature: 0.2,
      thinking: { type: 'enabled', budget_tokens: 2048 },
      tools: [{ type: 'web_search_20250305', name: 'web_search', max_uses: 5 }],
    });
  });

  it('sends a minimal body by default (max_tokens 1024, no system, thinking or tools)', async () => {
    const exchange = enqueue({ writes: writesOf(anthropicTextEvents(['Hi']), 0) });
    await capture(request({ parameters: {}, extraBody: { metadata: { user_id: 'u1' } } })).result;
    expect(JSON.parse((await exchange.finished).request.body)).toEqual({
      model: 'claude-fake',
      max_tokens: 1024,
      stream: true,
      messages: [{ role: 'user', content: 'Best CRM?' }],
      metadata: { user_id: 'u1' },
    });
  });

  describe('recorded real streams (Prism fixtures) replayed event by event', () => {
    it.each([
      'anthropic/stream-basic-text-1.sse',
      'anthropic/stream-with-citations-1.sse',
      'anthropic/stream-with-extended-thinking-1.sse',
      'anthropic/stream-with-web-search-citations-1.sse',
    ])('%s: text = concatenated text deltas, thinking apart, pings yield nothing', async (file) => {
      const expected = recordedAnthropicStream(file);
      expect(expected.pings).toBeGreaterThan(0);
      enqueue({ writes: replayRecorded(file, { delayMs: 1 }) });
      const { parts, error } = await collect();
      expect(error).toBeNull();
      const texts = parts.filter((part) => part.type === 'text');
      const reasoning = parts.filter((part) => part.type === 'reasoning');
      expect(texts.map((part) => part.text).join('')).toBe(expected.text);
      expect(expected.text.length).toBeGreaterThan(0);
      expect(reasoning.map((part) => part.text).join('')).toBe(expected.reasoning);
      // One part per content delta and nothing else: a ping never becomes a part of any kind.
      expect(texts).toHaveLength(expected.textDeltas);
      expect(reasoning).toHaveLength(expected.thinkingDeltas);
      const kinds = parts.map((part) => part.type).filter((t) => t !== 'text' && t !== 'reasoning');
      expect(kinds).toEqual([
        'headers',
        'meta',
        'usage',
        ...expected.citedBlocks.map(() => 'citation'),
        'finish',
        'usage',
      ]);
      expect(parts.find((part) => part.type === 'finish')).toMatchObject({ finishReason: 'stop' });
    });

    it('keeps extended thinking apart from the answer; TTFT is the first answer text', async () => {
      const file = 'anthropic/stream-with-extended-thinking-1.sse';
      enqueue({ writes: replayRecorded(file, { delayMs: 2 }) });
      const { capture: captured, error } = await capture().result;
      expect(error).toBeNull();
      expect(captured.reasoningText.startsWith('The question is asking')).toBe(true);
      expect(captured.answerText.startsWith('In popular fiction')).toBe(true);
      expect(captured.answerText).not.toContain('The question is asking');
      expect(captured.ttftUs).toBe(captured.chunks[0]?.atUs);
      expect(captured).toMatchObject({
        complete: true,
        finishReason: 'stop',
        responseModel: 'claude-3-7-sonnet-20250219',
        responseId: 'msg_01TuBJwobCPKinTJ6vChw6Yc',
        usage: { inputTokens: 50, outputTokens: 452 },
      });
    });

    it('turns web-search citations_delta into citations spanning their text block', async () => {
      const file = 'anthropic/stream-with-web-search-citations-1.sse';
      const expected = recordedAnthropicStream(file);
      enqueue({ writes: replayRecorded(file, { delayMs: 1 }) });
      const { capture: captured, error } = await capture().result;
      expect(error).toBeNull();
      expect(captured.answerText).toBe(expected.text);
      expect(captured.citations).toHaveLength(3);
      expect(captured.citations.map((c) => c.url)).toEqual(expected.citedBlocks.map((b) => b.url));
      captured.citations.forEach((citation, i) => {
        expect(citation).toMatchObject({
          url: 'https://weather.metoffice.gov.uk/forecast/gcpvj0v07',
          domain: 'weather.metoffice.gov.uk',
          title: 'London (Greater London) weather - Met Office',
        });
        const block = expected.citedBlocks[i]?.blockText ?? '';
        expect(block.length).toBeGreaterThan(0);
        expect(captured.answerText.slice(citation.charStart ?? -1, citation.charEnd ?? -1)).toBe(block);
      });
      expect(captured.answerText.slice(captured.citations[0]?.charStart ?? 0).startsWith('London is')).toBe(
        true,
      );
      // The server-tool query (input_json_delta) and the search results are not answer text.
      expect(captured.answerText).not.toContain('query');
      expect(captured.answerText).not.toContain('encrypted');
      // message_delta's cumulative input count (search results included) supersedes message_start's.
      expect(captured.usage).toEqual({ inputTokens: 9911, outputTokens: 343 });
    });

    it('drops document citations that have no URL (char_location)', async () => {
      enqueue({ writes: replayRecorded('anthropic/stream-with-citations-1.sse', { delayMs: 1 }) });
      const { capture: captured, error } = await capture().result;
      expect(error).toBeNull();
      expect(captured.citations).toEqual([]);
      expect(captured.answerText).toContain('The grass is green. The sky is blue.');
    });

    it('accepts message_stop as the final bytes without its blank line', async () => {
      const writes = replayRecorded('anthropic/stream-basic-text-1.sse', { delayMs: 1 });
      const last = writes[writes.length - 1];
      if (last !== undefined) last.bytes = String(last.bytes).trimEnd();
      enqueue({ writes });
      const { error } = await collect();
      expect(error).toBeNull();
    });
  });

  it('stamps each text part with its socket arrival time, matching the server write times; pings add nothing', async () => {
    const texts = Array.from({ length: 40 }, (_, i) => ` word${i}`);
    const events: string[] = [messageStart(), textBlockStart(0)];
    const textWriteIndex: number[] = [];
    texts.forEach((text, i) => {
      if (i % 5 === 2) events.push(PING);
      textWriteIndex.push(events.length);
      events.push(textDelta(0, text));
    });
    events.push(blockStop(0), messageDelta('end_turn', 40), MESSAGE_STOP);
    // Irregular gaps so a constant-offset bug cannot pass by accident.
    const writes = events.map((bytes, i) => ({ delayMs: 8 + ((i * 7) % 13), bytes }));
    const exchangePromise = enqueue({ writes });
    const { clock, result } = capture();
    const { capture: captured, error } = await result;
    const exchange = await exchangePromise.finished;
    expect(error).toBeNull();
    expect(captured.chunks.map((chunk) => chunk.text)).toEqual(texts);

    const zeroMs = performance.timeOrigin + clock.originMs;
    const errorsUs = captured.chunks.map(
      (chunk, i) => chunk.atUs - ((exchange.writeTimesMs[textWriteIndex[i] ?? -1] ?? NaN) - zeroMs) * 1000,
    );
    const absolute = errorsUs.map(Math.abs).sort((a, b) => a - b);
    const median = absolute[Math.floor(absolute.length / 2)] ?? NaN;
    if (process.env.REPORT_TIMING) console.log(`anthropic arrival error µs: median ${median.toFixed(0)}`);
    expect(Math.min(...errorsUs)).toBeGreaterThan(-50);
    expect(median).toBeLessThan(5000);
    expect(captured.complete).toBe(true);
  });

  it('lets a stream that only pings trip the content-idle watchdog (pings are not content)', async () => {
    const pings = Array.from({ length: 20 }, () => PING);
    enqueue({ writes: writesOf([messageStart(), textBlockStart(0), ...pings], 20), ending: 'hang' });
    const { capture: captured, error } = await StreamCapture.run(
      provider,
      request(),
      { signal: new AbortController().signal, clock: new SystemMonotonicClock() },
      undefined,
      { contentIdleMs: 150 },
    );
    expect(error).toMatchObject({ code: 'stalled', retryable: true });
    expect(captured.chunks).toEqual([]);
  });

  it('maps a mid-stream overloaded_error event to overloaded (retryable), keeping the partial text', async () => {
    const events = anthropicTextEvents(['Acme ', 'is'], { stop: false }).slice(0, 4);
    events.push(
      'event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}\n\n',
    );
    enqueue({ writes: writesOf(events, 5) });
    const { capture: captured, error } = await capture().result;
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ code: 'overloaded', retryable: true });
    expect(error?.message).toContain('Overloaded');
    expect(captured).toMatchObject({ complete: false, answerText: 'Acme is' });
  });

  it.each([
    ['api_error', true],
    ['invalid_request_error', false],
  ])('maps a mid-stream %s event to stream_error (retryable %s)', async (type, retryable) => {
    const events = anthropicTextEvents(['Acme'], { stop: false }).slice(0, 3);
    events.push(anthropicEvent({ type: 'error', error: { type, message: 'boom' } }));
    enqueue({ writes: writesOf(events, 2) });
    expect((await collect()).error).toMatchObject({ code: 'stream_error', retryable });
  });

  it('throws truncated when the body ends after message_delta but before message_stop', async () => {
    enqueue({ writes: writesOf(anthropicTextEvents(['Acme ', 'is'], { stop: false }), 3) });
    const { capture: captured, error } = await capture().result;
    expect(error).toMatchObject({ code: 'truncated', retryable: true });
    expect(captured).toMatchObject({ complete: false, answerText: 'Acme is', finishReason: 'stop' });
  });

  it('throws truncated when the body ends mid-event', async () => {
    const events = anthropicTextEvents(['Acme ', 'is great']);
    enqueue({ writes: writesOf([...events.slice(0, 3), (events[3] ?? '').slice(0, 40)], 3) });
    const { capture: captured, error } = await capture().result;
    expect(error).toMatchObject({ code: 'truncated' });
    expect((error as ProviderError).message).toContain('mid-event');
    expect(captured.answerText).toBe('Acme ');
  });

  it('still yields a held citation (span so far) when the stream is cut inside its block', async () => {
    const citation = {
      type: 'web_search_result_location',
      cited_text: 'x',
      url: 'https://www.Acme.example/crm',
      title: 'Acme CRM',
      encrypted_index: 'E',
    };
    const events = [
      messageStart(),
      textBlockStart(0),
      textDelta(0, 'Intro. '),
      blockStop(0),
      textBlockStart(1),
      anthropicEvent({ type: 'content_block_delta', index: 1, delta: { type: 'citations_delta', citation } }),
      textDelta(1, 'Acme leads'),
    ];
    enqueue({ writes: writesOf(events, 2) });
    const { capture: captured, error } = await capture().result;
    expect(error).toMatchObject({ code: 'truncated' });
    expect(captured.citations).toEqual([
      expect.objectContaining({ url: citation.url, domain: 'acme.example', charStart: 7, charEnd: 17 }),
    ]);
  });

  it.each([
    ['max_tokens', 'length'],
    ['refusal', 'refusal'],
    ['pause_turn', 'stop'],
    ['stop_sequence', 'stop'],
    ['tool_use', 'tool_use'],
  ])('maps stop_reason %s to finish %s, a complete observation', async (stopReason, finishReason) => {
    enqueue({ writes: writesOf(anthropicTextEvents(['Acme is'], { stopReason }), 1) });
    const { capture: captured, error } = await capture().result;
    expect(error).toBeNull();
    expect(captured).toMatchObject({ complete: true, finishReason, answerText: 'Acme is' });
  });

  describe('HTTP errors (Anthropic error envelope)', () => {
    it('maps 529 overloaded_error to overloaded, retryable', async () => {
      jsonError(529, 'overloaded_error', 'Overloaded');
      const { error } = await collect();
      expect(error).toBeInstanceOf(ProviderError);
      expect(error).toMatchObject({ code: 'overloaded', retryable: true, httpStatus: 529 });
      expect((error as Error).message).toContain('req_011fake');
    });

    it('maps 429 rate_limit_error to rate_limited with retry-after', async () => {
      jsonError(429, 'rate_limit_error', 'Number of request tokens has exceeded your per-minute rate limit', {
        'retry-after': '3',
        'anthropic-ratelimit-tokens-remaining': '0',
      });
      expect((await collect()).error).toMatchObject({
        code: 'rate_limited',
        retryable: true,
        httpStatus: 429,
        retryAfterMs: 3000,
      });
    });

    it.each([
      [401, 'authentication_error', 'auth_failed', false],
      [403, 'permission_error', 'auth_failed', false],
      [400, 'invalid_request_error', 'invalid_request', false],
      [402, 'billing_error', 'quota_exhausted', false],
      [500, 'api_error', 'server_error', true],
      [503, 'api_error', 'server_error', true],
    ])('maps %i %s to %s (retryable %s)', async (status, type, code, retryable) => {
      jsonError(status, type, 'nope');
      expect((await collect()).error).toMatchObject({ code, retryable, httpStatus: status });
    });

    it('never puts the API key in an error message', async () => {
      jsonError(401, 'authentication_error', 'invalid x-api-key');
      const { error } = await collect();
      expect((error as Error).message).not.toContain('sk-ant-test-secret');
    });
  });
});
