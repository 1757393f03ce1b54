import type { LlmRequest } from '../../../src/llm/llm-provider';
import { SystemMonotonicClock } from '../../../src/llm/monotonic-clock';
import { citationDomain as domainOf } from '../../../src/llm/citation-domain';
import { OpenAiProvider, userLocationOf } from '../../../src/llm/openai/openai.provider';
import { ProviderError } from '../../../src/llm/provider-error';
import type { CitationPart, StreamPart } from '../../../src/llm/stream-part';
import { FakeOpenAiServer } from '../../fakes/fake-openai-server';
import { recordedResponses, responsesEvent, responsesTextEvents } from '../../fakes/openai-responses-script';
import { openAiChunkEvents, replayRecorded, writesOf } from '../../fakes/openai-sse-script';

const RESPONSES_PATH = '/v1/responses';

/** Real HTTP on 127.0.0.1 between OpenAiProvider and a scripted fake speaking the Responses / Chat wires. */
describe('OpenAiProvider (real HTTP against FakeOpenAiServer)', () => {
  const server = new FakeOpenAiServer();
  const provider = new OpenAiProvider();
  let baseUrl: string;

  beforeAll(async () => {
    ({ baseUrl } = await server.start());
  });
  afterAll(() => server.stop());

  const request = (
    overrides: Partial<LlmRequest> = {},
    parameters: LlmRequest['parameters'] = {},
  ): LlmRequest => ({
    baseUrl,
    apiKey: 'sk-test-secret',
    model: 'gpt-fake',
    prompt: 'Best CRM?',
    ...overrides,
    parameters: { api: 'responses', ...parameters },
  });

  interface Collected {
    parts: StreamPart[];
    error: unknown;
    clock: SystemMonotonicClock;
  }

  async function collect(req: LlmRequest, using: OpenAiProvider = provider): Promise<Collected> {
    const parts: StreamPart[] = [];
    const clock = new SystemMonotonicClock();
    try {
      for await (const part of using.stream(req, { signal: new AbortController().signal, clock })) {
        parts.push(part);
      }
    } catch (error) {
      return { parts, error, clock };
    }
    return { parts, error: null, clock };
  }

  const textOf = (parts: StreamPart[], type: 'text' | 'reasoning' = 'text'): string =>
    parts.map((part) => (part.type === type ? part.text : '')).join('');
  const ofType = <T extends StreamPart['type']>(parts: StreamPart[], type: T) =>
    parts.filter((part): part is Extract<StreamPart, { type: T }> => part.type === type);

  describe('request', () => {
    it('POSTs {baseUrl}/responses with input, streaming, limits, web search with user location, bearer auth', async () => {
      const exchange = server.enqueue({ writes: writesOf(responsesTextEvents(['Hi']), 0) }, RESPONSES_PATH);
      const { error } = await collect(
        request(
          { extraBody: { store: false } },
          {
            api: 'responses',
            systemPrompt: 'Be brief.',
            maxTokens: 300,
            temperature: 0.2,
            webSearch: true,
            region: 'us',
          },
        ),
      );
      expect(error).toBeNull();
      const { request: received } = await exchange.finished;
      expect(received.method).toBe('POST');
      expect(received.path).toBe('/v1/responses');
      expect(received.headers.authorization).toBe('Bearer sk-test-secret');
      expect(received.headers.accept).toBe('text/event-stream');
      expect(received.headers['accept-encoding']).toBe('identity');
      expect(JSON.parse(received.body)).toEqual({
        model: 'gpt-fake',
        input: [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: 'Best CRM?' },
        ],
        stream: true,
        max_output_tokens: 300,
        temperature: 0.2,
        tools: [{ type: 'web_search', user_location: { type: 'approximate', country: 'US' } }],
        store: false,
      });
    });

    it('sends no tools without webSearch, and a web_search tool without location when no region', async () => {
      const first = server.enqueue({ writes: writesOf(responsesTextEvents(['a']), 0) }, RESPONSES_PATH);
      await collect(request());
      expect(JSON.parse((await first.finished).request.body)).toEqual({
        model: 'gpt-fake',
        input: [{ role: 'user', content: 'Best CRM?' }],
        stream: true,
      });
      const second = server.enqueue({ writes: writesOf(responsesTextEvents(['a']), 0) }, RESPONSES_PATH);
      await collect(request({}, { webSearch: true }));
      expect(JSON.parse((await second.finished).request.body).tools).toEqual([{ type: 'web_search' }]);
    });

    it('maps free-form regions onto user_location', () => {
      expect(userLocationOf('de')).toEqual({ type: 'approximate', country: 'DE' });
      expect(userLocationOf('en-GB')).toEqual({ type: 'approximate', country: 'GB' });
      expect(userLocationOf('California')).toEqual({ type: 'approximate', region: 'California' });
      expect(userLocationOf('  ')).toBeUndefined();
    });

    it('uses defaultBaseUrl when the request has none', async () => {
      const own = new OpenAiProvider({ defaultBaseUrl: `${baseUrl}/` });
      const exchange = server.enqueue({ writes: writesOf(responsesTextEvents(['x']), 0) }, RESPONSES_PATH);
      const { error } = await collect(request({ baseUrl: undefined }), own);
      expect(error).toBeNull();
      expect((await exchange.finished).request.path).toBe('/v1/responses');
    });
  });

  describe('chat mode', () => {
    it('delegates to Chat Completions at {baseUrl}/chat/completions when api is not responses', async () => {
      const exchange = server.enqueue({ writes: writesOf(openAiChunkEvents(['Acme ', 'wins']), 1) });
      const { parts, error } = await collect({ ...request(), parameters: { maxTokens: 50 } });
      expect(error).toBeNull();
      const { request: received } = await exchange.finished;
      expect(received.path).toBe('/v1/chat/completions');
      expect(JSON.parse(received.body)).toMatchObject({ model: 'gpt-fake', stream: true, max_tokens: 50 });
      expect(textOf(parts)).toBe('Acme wins');
      expect(ofType(parts, 'finish')).toEqual([expect.objectContaining({ finishReason: 'stop' })]);
    });

    it('chat mode uses the defaultBaseUrl too', async () => {
      const own = new OpenAiProvider({ defaultBaseUrl: baseUrl });
      const exchange = server.enqueue({ writes: writesOf(openAiChunkEvents(['ok']), 0) });
      const { error } = await collect(
        { ...request({ baseUrl: undefined }), parameters: { api: 'chat' } },
        own,
      );
      expect(error).toBeNull();
      expect((await exchange.finished).request.path).toBe('/v1/chat/completions');
    });
  });

  describe('recorded Responses streams (Prism fixtures) replayed event by event', () => {
    it.each([
      'openai/stream-basic-text-responses-1.json',
      'openai/stream-reasoning-effort-1.json',
      'openai/stream-with-provider-tool-1.json',
    ])('%s: text equals the concatenated deltas, with meta, usage and finish stop', async (file) => {
      const expected = recordedResponses(file);
      server.enqueue({ writes: replayRecorded(file, { delayMs: 1 }) }, RESPONSES_PATH);
      const { parts, error } = await collect(request());
      expect(error).toBeNull();
      expect(expected.text.length).toBeGreaterThan(0);
      expect(textOf(parts)).toBe(expected.text);
      // The deltas add up to what the server says the final text was.
      expect(textOf(parts)).toBe(expected.doneText);
      expect(textOf(parts, 'reasoning')).toBe(expected.reasoning);
      expect(ofType(parts, 'meta')).toEqual([
        expect.objectContaining({ model: expected.model, responseId: expected.responseId }),
      ]);
      expect(ofType(parts, 'usage')).toEqual([
        expect.objectContaining({
          inputTokens: expected.usage?.input_tokens,
          outputTokens: expected.usage?.output_tokens,
        }),
      ]);
      expect(ofType(parts, 'finish').map((part) => part.finishReason)).toEqual(['stop']);
      expect(parts[0]).toMatchObject({ type: 'headers', status: 200 });
      expect(parts.at(-1)?.type).toBe('finish');
    });

    it('stream-with-provider-tool-1.json: url_citation annotations become citations whose spans slice the text', async () => {
      const file = 'openai/stream-with-provider-tool-1.json';
      const expected = recordedResponses(file);
      server.enqueue({ writes: replayRecorded(file, { delayMs: 1 }) }, RESPONSES_PATH);
      const { parts, error } = await collect(request({}, { webSearch: true }));
      expect(error).toBeNull();
      const text = textOf(parts);
      const citations = ofType(parts, 'citation');
      expect(citations).toHaveLength(2);
      expect(citations.map(({ domain, title }) => ({ domain, title }))).toEqual([
        { domain: 'inchcalculator.com', title: 'Inch - Unit of Measurement Definition - Inch Calculator' },
        { domain: 'geeksforgeeks.org', title: 'CM to Inches Converter - GeeksforGeeks' },
      ]);
      citations.forEach((citation: CitationPart, i) => {
        const recorded = expected.citations[i];
        expect(citation).toMatchObject({
          url: recorded?.url,
          startIndex: recorded?.start_index,
          endIndex: recorded?.end_index,
        });
        // The span is the cited markdown link, `([domain](url))`, in UTF-16 JS indices.
        const span = text.slice(citation.startIndex, citation.endIndex);
        expect(span).toBe(`([${citation.domain ?? ''}](${citation.url}))`);
        // The citation arrives once the text it points at has arrived.
        const textBefore = textOf(parts.slice(0, parts.indexOf(citation)));
        expect(textBefore.length).toBeGreaterThanOrEqual(citation.endIndex ?? Infinity);
      });
      // Web search progress events carry no answer text.
      expect(text).not.toContain('web_search');
    });

    it.each([
      ['openai/stream-rate-limited-1.json', 'rate_limit_exceeded', 'Request too large'],
      ['openai/stream-unknown-error-responses-1.json', 'unknown-error', 'Foobar'],
    ])('%s: the nested error event throws stream_error (%s), not retryable', async (file, code, message) => {
      server.enqueue({ writes: replayRecorded(file, { delayMs: 1 }) }, RESPONSES_PATH);
      const { parts, error } = await collect(request());
      expect(error).toBeInstanceOf(ProviderError);
      // "Request too large" is filed under rate_limit_exceeded but can never succeed on retry.
      expect(error).toMatchObject({ code: 'stream_error', retryable: false });
      expect((error as Error).message).toContain(code);
      expect((error as Error).message).toContain(message);
      expect(ofType(parts, 'meta')).toHaveLength(1);
      expect(ofType(parts, 'finish')).toHaveLength(0);
    });
  });

  it('stamps each text part with its socket arrival time, matching the server write times', async () => {
    const texts = Array.from({ length: 40 }, (_, i) => ` word${i}`);
    // Irregular gaps so a constant-offset bug cannot pass by accident.
    const writes = responsesTextEvents(texts).map((bytes, i) => ({ delayMs: 8 + ((i * 7) % 13), bytes }));
    const exchangePromise = server.enqueue({ writes }, RESPONSES_PATH);
    const { parts, error, clock } = await collect(request());
    const exchange = await exchangePromise.finished;
    expect(error).toBeNull();
    const textParts = ofType(parts, 'text');
    expect(textParts.map((part) => part.text)).toEqual(texts);

    const zeroMs = performance.timeOrigin + clock.originMs;
    // Writes 0..3 are created, in_progress, output_item.added and content_part.added; 4.. carry the texts.
    const errorsUs = textParts.map(
      (part, i) => part.atUs - ((exchange.writeTimesMs[i + 4] ?? NaN) - zeroMs) * 1000,
    );
    const absolute = errorsUs.map(Math.abs).sort((a, b) => a - b);
    const median = absolute[Math.floor(absolute.length / 2)] ?? NaN;
    if (process.env.REPORT_TIMING) console.log(`arrival error µs: median ${median.toFixed(0)}`);
    expect(Math.min(...errorsUs)).toBeGreaterThan(-50);
    expect(median).toBeLessThan(5000);
    // Meta (response.created) and the finish (response.completed) are stamped with their own writes too.
    const meta = ofType(parts, 'meta')[0];
    const finish = ofType(parts, 'finish')[0];
    expect(Math.abs((meta?.atUs ?? NaN) - ((exchange.writeTimesMs[0] ?? NaN) - zeroMs) * 1000)).toBeLessThan(
      20_000,
    );
    expect(finish?.atUs).toBeGreaterThan(textParts.at(-1)?.atUs ?? Infinity);
  });

  it('keeps reasoning text and reasoning summaries apart from the answer', async () => {
    const [created, ...rest] = responsesTextEvents(['Acme is best.']);
    const reasoning = [
      responsesEvent({
        type: 'response.reasoning_summary_text.delta',
        item_id: 'rs_1',
        delta: 'Thinking about ',
      }),
      responsesEvent({ type: 'response.reasoning_text.delta', item_id: 'rs_1', delta: 'Globex vs Acme' }),
    ];
    server.enqueue({ writes: writesOf([created ?? '', ...reasoning, ...rest], 1) }, RESPONSES_PATH);
    const { parts, error } = await collect(request());
    expect(error).toBeNull();
    expect(textOf(parts)).toBe('Acme is best.');
    expect(textOf(parts, 'reasoning')).toBe('Thinking about Globex vs Acme');
  });

  it('records a refusal as answer text with finish reason refusal', async () => {
    const events = responsesTextEvents([]);
    const completed = events.pop() ?? '';
    events.push(
      responsesEvent({ type: 'response.refusal.delta', item_id: 'msg_fake', delta: "I can't help " }),
      responsesEvent({ type: 'response.refusal.delta', item_id: 'msg_fake', delta: 'with that.' }),
      completed,
    );
    server.enqueue({ writes: writesOf(events, 1) }, RESPONSES_PATH);
    const { parts, error } = await collect(request());
    expect(error).toBeNull();
    expect(textOf(parts)).toBe("I can't help with that.");
    expect(ofType(parts, 'finish').map((part) => part.finishReason)).toEqual(['refusal']);
  });

  it.each([
    ['max_output_tokens', 'length'],
    ['content_filter', 'content_filter'],
  ])('response.incomplete (%s) ends successfully with finish %s', async (reason, finishReason) => {
    server.enqueue(
      {
        writes: writesOf(
          responsesTextEvents(['Acme ', 'is'], {
            ending: 'incomplete',
            incompleteReason: reason,
            usage: { input_tokens: 5, output_tokens: 2 },
          }),
          1,
        ),
      },
      RESPONSES_PATH,
    );
    const { parts, error } = await collect(request());
    expect(error).toBeNull();
    expect(textOf(parts)).toBe('Acme is');
    expect(ofType(parts, 'finish').map((part) => part.finishReason)).toEqual([finishReason]);
    expect(ofType(parts, 'usage')).toEqual([expect.objectContaining({ inputTokens: 5, outputTokens: 2 })]);
  });

  it('throws truncated (retryable) when the body ends cleanly before response.completed; partial text kept', async () => {
    server.enqueue(
      { writes: writesOf(responsesTextEvents(['Acme ', 'is'], { ending: 'none' }), 1) },
      RESPONSES_PATH,
    );
    const { parts, error } = await collect(request());
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ code: 'truncated', retryable: true });
    expect(textOf(parts)).toBe('Acme is');
    expect(ofType(parts, 'finish')).toHaveLength(0);
  });

  it('throws truncated when the body ends mid-event', async () => {
    const events = responsesTextEvents(['Acme ', 'is great']);
    const cut = (events[5] ?? '').slice(0, 40);
    server.enqueue({ writes: writesOf([...events.slice(0, 5), cut], 1) }, RESPONSES_PATH);
    const { parts, error } = await collect(request());
    expect(error).toMatchObject({ code: 'truncated', retryable: true });
    expect((error as Error).message).toContain('mid-event');
    expect(textOf(parts)).toBe('Acme ');
  });

  it('accepts a final response.completed without its blank line, and ignores anything after a terminal event', async () => {
    const events = responsesTextEvents(['ok']);
    const completed = (events.pop() ?? '').replace(/\n+$/, '');
    server.enqueue({ writes: writesOf([...events, completed], 1) }, RESPONSES_PATH);
    const first = await collect(request());
    expect(first.error).toBeNull();
    expect(ofType(first.parts, 'finish')).toHaveLength(1);

    const trailing = responsesEvent({ type: 'response.output_text.delta', delta: ' extra' });
    server.enqueue({ writes: writesOf([...responsesTextEvents(['ok']), trailing], 1) }, RESPONSES_PATH);
    const second = await collect(request());
    expect(second.error).toBeNull();
    expect(textOf(second.parts)).toBe('ok');
  });

  describe('in-band errors', () => {
    const withError = (errorEvent: string): string[] => [
      ...responsesTextEvents(['Acme'], { ending: 'none' }),
      errorEvent,
    ];

    it('reads the flat error shape; server_error is retryable', async () => {
      server.enqueue(
        {
          writes: writesOf(
            withError(
              responsesEvent({
                type: 'error',
                code: 'server_error',
                message: 'The server had an error',
                param: null,
              }),
            ),
            1,
          ),
        },
        RESPONSES_PATH,
      );
      const { parts, error } = await collect(request());
      expect(error).toMatchObject({ code: 'stream_error', retryable: true });
      expect((error as Error).message).toContain('The server had an error');
      expect(textOf(parts)).toBe('Acme');
    });

    it('a plain rate limit in the nested shape is retryable', async () => {
      const event = responsesEvent({
        type: 'error',
        error: { type: 'tokens', code: 'rate_limit_exceeded', message: 'Rate limit reached for gpt-fake' },
      });
      server.enqueue({ writes: writesOf(withError(event), 1) }, RESPONSES_PATH);
      expect((await collect(request())).error).toMatchObject({ code: 'stream_error', retryable: true });
    });

    it('an unknown flat code is not retryable', async () => {
      const event = responsesEvent({ type: 'error', code: 'ERR_SOMETHING', message: 'Something went wrong' });
      server.enqueue({ writes: writesOf(withError(event), 1) }, RESPONSES_PATH);
      expect((await collect(request())).error).toMatchObject({ code: 'stream_error', retryable: false });
    });

    it('response.failed alone throws stream_error from response.error', async () => {
      const event = responsesEvent({
        type: 'response.failed',
        response: { id: 'resp_fake', status: 'failed', error: { code: 'server_error', message: 'boom' } },
      });
      server.enqueue({ writes: writesOf(withError(event), 1) }, RESPONSES_PATH);
      const { error } = await collect(request());
      expect(error).toMatchObject({ code: 'stream_error', retryable: true });
      expect((error as Error).message).toContain('boom');
    });

    it('malformed JSON is a stream_error', async () => {
      server.enqueue(
        { writes: writesOf(withError('event: response.output_text.delta\ndata: {"type":\n\n'), 1) },
        RESPONSES_PATH,
      );
      expect((await collect(request())).error).toMatchObject({ code: 'stream_error', retryable: false });
    });
  });

  describe('HTTP errors (OpenAI envelope)', () => {
    const errorScript = (status: number, error: object) => ({
      status,
      headers: { 'content-type': 'application/json' },
      writes: [{ delayMs: 0, bytes: JSON.stringify({ error }) }],
    });

    it('maps 429 insufficient_quota to quota_exhausted, not retryable', async () => {
      server.enqueue(
        errorScript(429, {
          message: 'You exceeded your current quota',
          type: 'insufficient_quota',
          param: null,
          code: 'insufficient_quota',
        }),
        RESPONSES_PATH,
      );
      expect((await collect(request())).error).toMatchObject({
        code: 'quota_exhausted',
        retryable: false,
        httpStatus: 429,
      });
    });

    it('maps 429 rate_limit_exceeded to rate_limited and 500 to server_error, both retryable', async () => {
      server.enqueue(
        errorScript(429, { message: 'Rate limit reached', code: 'rate_limit_exceeded' }),
        RESPONSES_PATH,
      );
      server.enqueue(errorScript(500, { message: 'boom', type: 'server_error' }), RESPONSES_PATH);
      expect((await collect(request())).error).toMatchObject({ code: 'rate_limited', retryable: true });
      expect((await collect(request())).error).toMatchObject({ code: 'server_error', retryable: true });
    });

    it('rejects a non-streaming application/json 200', async () => {
      server.enqueue(
        { headers: { 'content-type': 'application/json' }, writes: writesOf(['{"id":"resp_x"}'], 0) },
        RESPONSES_PATH,
      );
      expect((await collect(request())).error).toMatchObject({ code: 'invalid_request', retryable: false });
    });
  });

  it('reports stalled when no bytes arrive within the idle timeout', async () => {
    const impatient = new OpenAiProvider({ idleTimeoutMs: 100 });
    server.enqueue(
      { writes: writesOf(responsesTextEvents(['a']).slice(0, 5), 1), ending: 'hang' },
      RESPONSES_PATH,
    );
    expect((await collect(request(), impatient)).error).toMatchObject({ code: 'stalled', retryable: true });
  });

  it('derives citation domains: lower-case host without www.', () => {
    expect(domainOf('https://WWW.Example.COM/path?q=1')).toBe('example.com');
    expect(domainOf('https://docs.example.org')).toBe('docs.example.org');
    expect(domainOf('not a url')).toBeUndefined();
  });
});
