import { GeminiChunkParser, normalizeFinishReason } from '../../../src/llm/gemini/gemini-chunk-parser';
import { GeminiErrorClassifier, parseDuration } from '../../../src/llm/gemini/gemini-error-classifier';
import { geminiRequestBody, streamUrl } from '../../../src/llm/gemini/gemini.provider';
import { utf8ToUtf16Offsets } from '../../../src/llm/gemini/utf8-offsets';

describe('utf8ToUtf16Offsets', () => {
  /** Reference: decode the byte prefix (only valid at character boundaries). */
  const reference = (text: string, byteOffset: number): number =>
    Buffer.from(text, 'utf8').subarray(0, byteOffset).toString('utf8').length;

  it('matches the byte-prefix reference at every character boundary of mixed-width text', () => {
    const text = 'Try Acme Caf\u00e9 \u20ac5 \u{1F600}\u{1F1EB}\u{1F1F7} \u4e2d\u6587 Z\u00fcrich';
    const boundaries: number[] = [0];
    let bytes = 0;
    for (const char of text) {
      bytes += Buffer.byteLength(char, 'utf8');
      boundaries.push(bytes);
    }
    expect(utf8ToUtf16Offsets(text, boundaries)).toEqual(boundaries.map((b) => reference(text, b)));
  });

  it('handles "Try Acme Café": 14 bytes, 13 code units', () => {
    expect(utf8ToUtf16Offsets('Try Acme Caf\u00e9, it is well reviewed.', [0, 14])).toEqual([0, 13]);
  });

  it('rounds offsets inside a character up, clamps past-the-end, keeps input order', () => {
    const text = 'a\u{1F600}b'; // bytes: a(1) emoji(4) b(1); code units: 1, 2, 1
    expect(utf8ToUtf16Offsets(text, [6, 2, 0, 99, 5, -3])).toEqual([4, 3, 0, 4, 3, 0]);
  });
});

describe('GeminiChunkParser', () => {
  it('emits meta once, usage on change, thought parts apart, and normalized finish', () => {
    const parser = new GeminiChunkParser();
    const chunk = (parts: object[], extra: object = {}, usage = { promptTokenCount: 4 }): object => ({
      candidates: [{ content: { parts, role: 'model' }, ...extra }],
      usageMetadata: usage,
      modelVersion: 'gemini-2.5-flash',
      responseId: 'r1',
    });
    expect(parser.parse(chunk([{ text: 'hmm', thought: true }]), 1)).toEqual([
      { type: 'meta', atUs: 1, model: 'gemini-2.5-flash', responseId: 'r1' },
      { type: 'reasoning', atUs: 1, text: 'hmm' },
      { type: 'usage', atUs: 1, inputTokens: 4 },
    ]);
    expect(parser.parse(chunk([{ text: 'Acme' }]), 2)).toEqual([{ type: 'text', atUs: 2, text: 'Acme' }]);
    expect(parser.complete).toBe(false);
    expect(
      parser.parse(
        chunk([{ text: '' }], { finishReason: 'RECITATION' }, {
          promptTokenCount: 4,
          candidatesTokenCount: 1,
        } as never),
        3,
      ),
    ).toEqual([
      { type: 'finish', atUs: 3, finishReason: 'content_filter' },
      { type: 'usage', atUs: 3, inputTokens: 4, outputTokens: 1 },
    ]);
    expect(parser.complete).toBe(true);
  });

  it('maps finish reasons', () => {
    expect(
      ['STOP', 'MAX_TOKENS', 'SAFETY', 'BLOCKLIST', 'SPII', 'MALFORMED_FUNCTION_CALL'].map(
        normalizeFinishReason,
      ),
    ).toEqual([
      'stop',
      'length',
      'content_filter',
      'content_filter',
      'content_filter',
      'malformed_function_call',
    ]);
  });

  it('de-duplicates citations when grounding metadata repeats', () => {
    const parser = new GeminiChunkParser();
    const grounding = {
      groundingChunks: [{ web: { uri: 'https://example.com/a', title: 'Example' } }],
      groundingSupports: [{ segment: { startIndex: 0, endIndex: 4 }, groundingChunkIndices: [0] }],
    };
    const chunk = (text: string): object => ({
      candidates: [{ content: { parts: [{ text }] }, groundingMetadata: grounding }],
    });
    const first = parser.parse(chunk('Acme'), 1).filter((p) => p.type === 'citation');
    expect(first).toEqual([
      {
        type: 'citation',
        atUs: 1,
        url: 'https://example.com/a',
        title: 'Example',
        domain: 'example.com',
        startIndex: 0,
        endIndex: 4,
      },
    ]);
    expect(parser.parse(chunk(' more'), 2).filter((p) => p.type === 'citation')).toEqual([]);
  });

  it('does not take a prose title as the domain of a redirect URI', () => {
    const parser = new GeminiChunkParser();
    const parts = parser.parse(
      {
        candidates: [
          {
            content: { parts: [{ text: 'x' }] },
            groundingMetadata: {
              groundingChunks: [
                {
                  web: {
                    uri: 'https://vertexaisearch.cloud.google.com/grounding-api-redirect/X',
                    title: 'Weather for SF',
                  },
                },
              ],
            },
          },
        ],
      },
      1,
    );
    expect(parts.find((p) => p.type === 'citation')).not.toHaveProperty('domain');
  });
});

describe('GeminiErrorClassifier', () => {
  it('reads RetryInfo durations', () => {
    expect(parseDuration('7s')).toBe(7000);
    expect(parseDuration('1.5s')).toBe(1500);
    expect(parseDuration({ seconds: 2, nanos: 500_000_000 })).toBe(2500);
    expect(parseDuration('soon')).toBeUndefined();
  });

  it('accepts the array-wrapped envelope and falls back to retry-after', () => {
    const body = JSON.stringify([
      { error: { code: 429, message: 'slow down', status: 'RESOURCE_EXHAUSTED' } },
    ]);
    expect(GeminiErrorClassifier.classify(429, { 'retry-after': '3' }, body)).toMatchObject({
      code: 'rate_limited',
      retryAfterMs: 3000,
    });
  });

  it('falls back to the shared classifier for non-Google bodies', () => {
    expect(GeminiErrorClassifier.classify(502, {}, '<html>bad gateway</html>')).toMatchObject({
      code: 'server_error',
      retryable: true,
    });
  });
});

describe('request building', () => {
  it('builds the stream URL without the key and with the model as one encoded segment', () => {
    expect(
      streamUrl('https://generativelanguage.googleapis.com/v1beta/', 'models/gemini-2.5-flash').href,
    ).toBe(
      'https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse',
    );
    expect(streamUrl('http://h/v1beta', '../x?y').pathname).toBe(
      '/v1beta/models/..%2Fx%3Fy:streamGenerateContent',
    );
  });

  it('omits optional fields and merges extraBody.generationConfig', () => {
    expect(
      geminiRequestBody({
        model: 'm',
        prompt: 'p',
        parameters: { thinkingBudgetTokens: 0 },
        extraBody: { generationConfig: { candidateCount: 1 }, safetySettings: [] },
      }),
    ).toEqual({
      contents: [{ role: 'user', parts: [{ text: 'p' }] }],
      generationConfig: { thinkingConfig: { includeThoughts: false, thinkingBudget: 0 }, candidateCount: 1 },
      safetySettings: [],
    });
  });
});
