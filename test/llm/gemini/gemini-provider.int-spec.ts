import type { LlmRequest } from '../../../src/llm/llm-provider';
import { SystemMonotonicClock } from '../../../src/llm/monotonic-clock';
import { GeminiProvider } from '../../../src/llm/gemini/gemini.provider';
import { ProviderError } from '../../../src/llm/provider-error';
import type { CitationPart, StreamPart } from '../../../src/llm/stream-part';
import { FakeOpenAiServer, type FakeScript } from '../../fakes/fake-openai-server';
import {
  GEMINI_CRLF,
  geminiChunkEvents,
  recordedGeminiAnswer,
  replayGeminiRecorded,
} from '../../fakes/gemini-sse-script';

const MODEL = 'gemini-2.5-flash';
const PATH = `/v1beta/models/${MODEL}:streamGenerateContent`;

/** Real HTTP on 127.0.0.1 between GeminiProvider and a scripted fake speaking `streamGenerateContent?alt=sse`. */
describe('GeminiProvider (real HTTP against FakeOpenAiServer)', () => {
  const server = new FakeOpenAiServer();
  const provider = new GeminiProvider();
  let baseUrl: string;

  beforeAll(async () => {
    const { port } = await server.start();
    baseUrl = `http://127.0.0.1:${port}/v1beta`;
  });
  afterAll(() => server.stop());

  const request = (overrides: Partial<LlmRequest> = {}): LlmRequest => ({
    baseUrl,
    apiKey: 'goog-test-secret',
    model: MODEL,
    prompt: 'Best CRM?',
    parameters: { temperature: 0.2, maxTokens: 300, systemPrompt: 'Be brief.' },
    ...overrides,
  });

  async function collect(
    script: FakeScript,
    req = request(),
  ): Promise<{ parts: StreamPart[]; error: unknown; clock: SystemMonotonicClock }> {
    server.enqueue(script, PATH);
    const clock = new SystemMonotonicClock();
    const parts: StreamPart[] = [];
    try {
      for await (const part of provider.stream(req, { signal: new AbortController().signal, clock })) {
        parts.push(part);
      }
    } catch (error) {
      return { parts, error, clock };
    }
    return { parts, error: null, clock };
  }

  const textOf = (parts: StreamPart[], type: 'text' | 'reasoning'): string =>
    parts.map((part) => (part.type === type ? part.text : '')).join('');
  const finishes = (parts: StreamPart[]): string[] =>
    parts.flatMap((part) => (part.type === 'finish' ? [part.finishReason] : []));
  const citations = (parts: StreamPart[]): CitationPart[] =>
    parts.filter((part): part is CitationPart => part.type === 'citation');

  it('POSTs the GenerateContentRequest with the key in x-goog-api-key, never in the URL', async () => {
    const exchange = server.enqueue(
      { writes: [{ delayMs: 0, bytes: geminiChunkEvents(['Hi']).join('') }] },
      PATH,
    );
    const req = request({
      parameters: {
        temperature: 0.2,
        maxTokens: 300,
        systemPrompt: 'Be brief.',
        webSearch: true,
        thinkingBudgetTokens: 1024,
      },
    });
    for await (const _ of provider.stream(req, {
      signal: new AbortController().signal,
      clock: new SystemMonotonicClock(),
    })) {
      // drain
    }
    const { request: received } = await exchange.finished;
    expect(received.method).toBe('POST');
    expect(received.path).toBe(PATH);
    expect(received.headers['x-goog-api-key']).toBe('goog-test-secret');
    expect(received.headers.authorization).toBeUndefined();
    expect(received.headers['accept-encoding']).toBe('identity');
    expect(JSON.parse(received.body)).toEqual({
      contents: [{ role: 'user', parts: [{ text: 'Best CRM?' }] }],
      systemInstruction: { parts: [{ text: 'Be brief.' }] },
      generationConfig: {
        temperature: 0.2,
        maxOutputTokens: 300,
        thinkingConfig: { includeThoughts: true, thinkingBudget: 1024 },
      },
      tools: [{ google_search: {} }],
    });
  });

  it('replays the recorded basic text stream: text, meta, usage, finish', async () => {
    const file = 'gemini/stream-basic-text-1.sse';
    const expected = recordedGeminiAnswer(file);
    const { parts, error } = await collect({ writes: replayGeminiRecorded(file, 5) });
    expect(error).toBeNull();
    expect(textOf(parts, 'text')).toBe(expected.text);
    expect(expected.text.startsWith('AI? It')).toBe(true);
    expect(textOf(parts, 'reasoning')).toBe('');
    expect(finishes(parts)).toEqual(['stop']);
    expect(parts[0]).toMatchObject({ type: 'headers', status: 200 });
    expect(parts.filter((part) => part.type === 'meta')).toEqual([
      expect.objectContaining({ model: 'gemini-2.0-flash', responseId: 'za9caLp-rJ_Psg-Ou6T4BA' }),
    ]);
    // Usage is cumulative on every chunk: emitted only on change, the last one is complete.
    const usage = parts.filter((part) => part.type === 'usage');
    expect(usage.at(-1)).toMatchObject({ inputTokens: 21, outputTokens: 47 });
    expect(usage).toHaveLength(2);
  });

  it('replays the recorded thought stream: thought parts are reasoning, never answer text', async () => {
    const file = 'gemini/stream-with-tools-thought-1.json';
    const expected = recordedGeminiAnswer(file);
    const { parts, error } = await collect({ writes: replayGeminiRecorded(file, 5) });
    expect(error).toBeNull();
    expect(expected.reasoning).toContain('Checking the Weather Data');
    expect(textOf(parts, 'reasoning')).toBe(expected.reasoning);
    // The answer is a functionCall plus an empty text part: no visible text at all.
    expect(textOf(parts, 'text')).toBe(expected.text);
    expect(parts.some((part) => part.type === 'text')).toBe(false);
    expect(finishes(parts)).toEqual(['stop']);
  });

  it('replays the recorded grounded stream: citations with domains and UTF-16 spans', async () => {
    const file = 'gemini/stream-with-tools-search-grounding-1.json';
    const expected = recordedGeminiAnswer(file);
    const { parts, error } = await collect({ writes: replayGeminiRecorded(file, 5) });
    expect(error).toBeNull();
    const answer = textOf(parts, 'text');
    expect(answer).toBe(expected.text);
    expect(answer).toContain('56\u00b0F'); // multi-byte characters before every span
    expect(finishes(parts)).toEqual(['stop']);

    const supports = expected.groundingMetadata?.groundingSupports as {
      segment: { startIndex: number; endIndex: number; text: string };
      groundingChunkIndices: number[];
    }[];
    const chunks = expected.groundingMetadata?.groundingChunks as { web: { uri: string; title: string } }[];
    const bytes = Buffer.from(answer, 'utf8');
    const utf16 = (byteOffset: number): number => bytes.subarray(0, byteOffset).toString('utf8').length;
    const expectedCitations = supports.flatMap((support) =>
      support.groundingChunkIndices.map((index) => ({
        url: chunks[index]?.web.uri,
        startIndex: utf16(support.segment.startIndex),
        endIndex: utf16(support.segment.endIndex),
      })),
    );
    const got = citations(parts);
    // Chunk 0 is cited by the first support; every chunk is cited, so no span-less extras.
    expect(got.map(({ url, startIndex, endIndex }) => ({ url, startIndex, endIndex }))).toEqual(
      expectedCitations,
    );
    for (const [i, citation] of got.entries()) {
      const segment = supports.flatMap((s) => s.groundingChunkIndices.map(() => s.segment))[i];
      expect(answer.slice(citation.startIndex, citation.endIndex)).toBe(segment?.text);
    }
    // Byte 117 is code unit 113: four "°" (2 bytes each) precede it.
    expect(got[0]).toMatchObject({ startIndex: 113, endIndex: 222 });
    expect(got[0]?.domain).toBe('google.com');
    expect(new Set(got.slice(1).map((c) => c.domain))).toEqual(
      new Set(['sftourismtips.com', 'clothesforecast.com', 'whimsysoul.com']),
    );
    expect(got.find((c) => c.domain === 'whimsysoul.com')?.title).toBe('whimsysoul.com');
    // Citations come after the text they point into, at the final chunk's arrival time.
    const lastText = parts.filter((part) => part.type === 'text').at(-1);
    expect(got.every((c) => c.atUs === lastText?.atUs)).toBe(true);
  });

  it('stamps CRLF-framed chunks with their socket arrival time (median error < 5 ms)', async () => {
    const texts = Array.from({ length: 30 }, (_, i) => ` word${i}`);
    // Irregular gaps so a constant-offset bug cannot pass by accident.
    const writes = geminiChunkEvents(texts).map((bytes, i) => ({ delayMs: 8 + ((i * 7) % 13), bytes }));
    expect(writes.every((write) => write.bytes.endsWith('\r\n\r\n'))).toBe(true);
    const exchangePromise = server.enqueue({ writes }, PATH);
    const clock = new SystemMonotonicClock();
    const parts: StreamPart[] = [];
    for await (const part of provider.stream(request(), { signal: new AbortController().signal, clock })) {
      parts.push(part);
    }
    const exchange = await exchangePromise.finished;
    const textParts = parts.filter((part) => part.type === 'text');
    expect(textParts.map((part) => part.text)).toEqual(texts);
    const zeroMs = performance.timeOrigin + clock.originMs;
    const errorsUs = textParts.map(
      (part, i) => part.atUs - ((exchange.writeTimesMs[i] ?? NaN) - zeroMs) * 1000,
    );
    const absolute = errorsUs.map(Math.abs).sort((a, b) => a - b);
    const median = absolute[Math.floor(absolute.length / 2)] ?? NaN;
    expect(Math.min(...errorsUs)).toBeGreaterThan(-50); // never before the write
    expect(median).toBeLessThan(5000);
    expect(finishes(parts)).toEqual(['stop']);
  });

  it('handles CRLF split between \\r and \\n and a multi-byte character split across writes', async () => {
    const [first, second] = geminiChunkEvents(['Try Caf\u00e9 ', '\u{1F600} Acme']);
    const a = Buffer.from(first ?? '', 'utf8');
    const b = Buffer.from(second ?? '', 'utf8');
    const e9 = a.indexOf(Buffer.from([0xc3, 0xa9]));
    const emoji = b.indexOf(Buffer.from([0xf0, 0x9f, 0x98, 0x80]));
    const pieces = [
      a.subarray(0, e9 + 1),
      a.subarray(e9 + 1, a.length - 3), // ...up to the first \r\n\r of the separator
      a.subarray(a.length - 3, a.length - 1), // \n\r
      Buffer.concat([a.subarray(a.length - 1), b.subarray(0, emoji + 1)]), // \n + next event up to F0
      b.subarray(emoji + 1, emoji + 3),
      b.subarray(emoji + 3),
    ];
    const { parts, error } = await collect({ writes: pieces.map((bytes) => ({ delayMs: 10, bytes })) });
    expect(error).toBeNull();
    expect(textOf(parts, 'text')).toBe('Try Caf\u00e9 \u{1F600} Acme');
  });

  it('converts grounding byte offsets to UTF-16 spans over non-ASCII answer text', async () => {
    // "Try Acme Café" is 14 UTF-8 bytes / 13 code units (docs/wire-formats.md, Gemini); the emoji is 4 / 2.
    const texts = ['Try Acme', ' Caf\u00e9 \u{1F600}, then Z\u00fcrich B\u00e4ckerei.'];
    const answer = texts.join('');
    const byteOf = (s: string): number => Buffer.byteLength(s, 'utf8');
    const zStart = answer.indexOf('Z\u00fcrich');
    const zEnd = answer.length - 1;
    const grounding = {
      groundingMetadata: {
        webSearchQueries: ['best cafe'],
        groundingChunks: [
          {
            web: {
              uri: 'https://vertexaisearch.cloud.google.com/grounding-api-redirect/AbC',
              title: 'www.Acme.example',
            },
          },
          { web: { uri: 'https://www.baeckerei.example/zurich', title: 'B\u00e4ckerei Z\u00fcrich' } },
          { web: { uri: 'https://uncited.example/x', title: 'Uncited' } },
        ],
        groundingSupports: [
          // No startIndex: proto3 JSON omits zeros.
          { segment: { endIndex: 14, text: 'Try Acme Caf\u00e9' }, groundingChunkIndices: [0] },
          {
            segment: {
              startIndex: byteOf(answer.slice(0, zStart)),
              endIndex: byteOf(answer.slice(0, zEnd)),
              text: answer.slice(zStart, zEnd),
            },
            groundingChunkIndices: [1, 0],
          },
        ],
      },
    };
    const events = geminiChunkEvents(texts, { lastCandidate: grounding });
    const { parts, error } = await collect({ writes: events.map((bytes) => ({ delayMs: 5, bytes })) });
    expect(error).toBeNull();
    expect(textOf(parts, 'text')).toBe(answer);
    const got = citations(parts).map(({ url, domain, startIndex, endIndex }) => ({
      url,
      domain,
      startIndex,
      endIndex,
    }));
    expect(got).toEqual([
      {
        url: 'https://vertexaisearch.cloud.google.com/grounding-api-redirect/AbC',
        domain: 'acme.example',
        startIndex: 0,
        endIndex: 13,
      },
      {
        url: 'https://www.baeckerei.example/zurich',
        domain: 'baeckerei.example',
        startIndex: zStart,
        endIndex: zEnd,
      },
      {
        url: 'https://vertexaisearch.cloud.google.com/grounding-api-redirect/AbC',
        domain: 'acme.example',
        startIndex: zStart,
        endIndex: zEnd,
      },
      {
        url: 'https://uncited.example/x',
        domain: 'uncited.example',
        startIndex: undefined,
        endIndex: undefined,
      },
    ]);
    expect(answer.slice(0, 13)).toBe('Try Acme Caf\u00e9');
    expect(answer.slice(zStart, zEnd)).toBe('Z\u00fcrich B\u00e4ckerei');
  });

  it("maps MAX_TOKENS to 'length' and keeps the stream complete", async () => {
    const { parts, error } = await collect({
      writes: geminiChunkEvents(['Acme is', ' a'], { finishReason: 'MAX_TOKENS' }).map((bytes) => ({
        delayMs: 5,
        bytes,
      })),
    });
    expect(error).toBeNull();
    expect(finishes(parts)).toEqual(['length']);
  });

  it("maps SAFETY to 'content_filter' and a blocked prompt to a complete content_filter stream", async () => {
    const safety = await collect({
      writes: [{ delayMs: 0, bytes: geminiChunkEvents(['x'], { finishReason: 'SAFETY' }).join('') }],
    });
    expect(safety.error).toBeNull();
    expect(finishes(safety.parts)).toEqual(['content_filter']);

    const blocked = `data: ${JSON.stringify({
      promptFeedback: { blockReason: 'PROHIBITED_CONTENT' },
      usageMetadata: { promptTokenCount: 5, totalTokenCount: 5 },
      modelVersion: MODEL,
    })}${GEMINI_CRLF}`;
    const { parts, error } = await collect({ writes: [{ delayMs: 0, bytes: blocked }] });
    expect(error).toBeNull();
    expect(finishes(parts)).toEqual(['content_filter']);
  });

  it('throws truncated (retryable) when the body ends before any finishReason, keeping the partial text', async () => {
    const { parts, error } = await collect({
      writes: geminiChunkEvents(['Acme is', ' great'], { finishReason: null }).map((bytes) => ({
        delayMs: 5,
        bytes,
      })),
    });
    expect(textOf(parts, 'text')).toBe('Acme is great');
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ code: 'truncated', retryable: true });
  });

  it('throws truncated when the body ends mid-event, even if that event would have finished it', async () => {
    const events = geminiChunkEvents(['Acme is', ' great']);
    const last = events[1] ?? '';
    const { parts, error } = await collect({
      writes: [
        { delayMs: 5, bytes: events[0] ?? '' },
        { delayMs: 5, bytes: last.slice(0, last.length / 2) },
      ],
    });
    expect(textOf(parts, 'text')).toBe('Acme is');
    expect(error).toMatchObject({ code: 'truncated', retryable: true });
  });

  it('accepts a complete final event that lacks its blank line', async () => {
    const events = geminiChunkEvents(['Acme', ' wins']);
    const last = (events[1] ?? '').replace(/\r\n\r\n$/, '');
    const { parts, error } = await collect({
      writes: [
        { delayMs: 5, bytes: events[0] ?? '' },
        { delayMs: 5, bytes: last },
      ],
    });
    expect(error).toBeNull();
    expect(textOf(parts, 'text')).toBe('Acme wins');
    expect(finishes(parts)).toEqual(['stop']);
  });

  it('turns an in-stream error chunk into stream_error (UNAVAILABLE retryable, INVALID_ARGUMENT not)', async () => {
    const errorEvent = (status: string, code: number): string =>
      `data: ${JSON.stringify({ error: { code, message: 'The model is overloaded.', status } })}${GEMINI_CRLF}`;
    const [first] = geminiChunkEvents(['Acme'], { finishReason: null });
    const unavailable = await collect({
      writes: [
        { delayMs: 5, bytes: first ?? '' },
        { delayMs: 5, bytes: errorEvent('UNAVAILABLE', 503) },
      ],
    });
    expect(textOf(unavailable.parts, 'text')).toBe('Acme');
    expect(unavailable.error).toMatchObject({ code: 'stream_error', retryable: true });
    expect((unavailable.error as Error).message).toContain('UNAVAILABLE');

    const invalid = await collect({ writes: [{ delayMs: 5, bytes: errorEvent('INVALID_ARGUMENT', 400) }] });
    expect(invalid.error).toMatchObject({ code: 'stream_error', retryable: false });
  });

  it('recognizes a bare, unframed JSON error body after a 200 (as js-genai does)', async () => {
    const [first] = geminiChunkEvents(['Acme'], { finishReason: null });
    const bare = JSON.stringify(
      { error: { code: 500, message: 'Internal error', status: 'INTERNAL' } },
      null,
      2,
    );
    const { error } = await collect({
      writes: [
        { delayMs: 5, bytes: first ?? '' },
        { delayMs: 5, bytes: `${bare}\n` },
      ],
    });
    expect(error).toMatchObject({ code: 'stream_error', retryable: true });
    expect((error as Error).message).toContain('INTERNAL');
  });

  it('classifies 429 RESOURCE_EXHAUSTED with RetryInfo as rate_limited with retryAfterMs', async () => {
    const body = JSON.stringify({
      error: {
        code: 429,
        message: 'You exceeded your current quota, please check your plan and billing details.',
        status: 'RESOURCE_EXHAUSTED',
        details: [
          { '@type': 'type.googleapis.com/google.rpc.QuotaFailure', violations: [] },
          { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '7s' },
        ],
      },
    });
    const { parts, error } = await collect({
      status: 429,
      headers: { 'content-type': 'application/json; charset=UTF-8' },
      writes: [{ delayMs: 0, bytes: body }],
    });
    expect(parts).toEqual([]);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({
      code: 'rate_limited',
      retryable: true,
      httpStatus: 429,
      retryAfterMs: 7000,
    });
    expect((error as Error).message).toContain('RESOURCE_EXHAUSTED');
    expect((error as Error).message).not.toContain('goog-test-secret');
  });

  it('classifies other Google error envelopes over HTTP', async () => {
    const envelope = (code: number, status: string, message: string, details: object[] = []): FakeScript => ({
      status: code,
      headers: { 'content-type': 'application/json' },
      writes: [{ delayMs: 0, bytes: JSON.stringify({ error: { code, message, status, details } }) }],
    });
    const cases: [FakeScript, object][] = [
      [
        envelope(
          429,
          'RESOURCE_EXHAUSTED',
          'Quota exceeded for quota metric generate_content_requests per day',
        ),
        { code: 'quota_exhausted', retryable: false },
      ],
      [envelope(429, 'RESOURCE_EXHAUSTED', 'Too many requests'), { code: 'rate_limited', retryable: true }],
      [
        envelope(400, 'INVALID_ARGUMENT', 'API key not valid. Please pass a valid API key.', [
          { '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID' },
        ]),
        { code: 'auth_failed', retryable: false },
      ],
      [envelope(400, 'FAILED_PRECONDITION', 'User location is not supported'), { code: 'invalid_request' }],
      [envelope(403, 'PERMISSION_DENIED', 'denied'), { code: 'auth_failed', retryable: false }],
      [envelope(503, 'UNAVAILABLE', 'The model is overloaded.'), { code: 'server_error', retryable: true }],
      [envelope(500, 'INTERNAL', 'Internal error'), { code: 'server_error', retryable: true }],
    ];
    for (const [script, expected] of cases) {
      const { error } = await collect(script);
      expect(error).toMatchObject(expected);
    }
  });
});
