import { classifyAnthropicHttpError } from '../../../src/llm/anthropic/anthropic-error-classifier';
import { AnthropicEventParser, inBandError } from '../../../src/llm/anthropic/anthropic-event-parser';

const body = (type: string, message: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ type: 'error', error: { type, message, ...extra }, request_id: 'req_1' });

describe('classifyAnthropicHttpError', () => {
  it('trusts error.type over a rewritten status: overloaded_error behind a 503 is overloaded', () => {
    expect(classifyAnthropicHttpError(503, {}, body('overloaded_error', 'Overloaded'))).toMatchObject({
      code: 'overloaded',
      retryable: true,
      httpStatus: 503,
    });
  });

  it('treats a 429 spend limit as quota_exhausted, not retryable', () => {
    const error = classifyAnthropicHttpError(
      429,
      { 'retry-after': '60' },
      body('rate_limit_error', 'spend limit', { details: { error_code: 'enforced_spend_limit_reached' } }),
    );
    expect(error).toMatchObject({ code: 'quota_exhausted', retryable: false, retryAfterMs: 60_000 });
  });

  it('treats a 400 "credit balance is too low" as quota_exhausted', () => {
    const message = 'Your credit balance is too low to access the Anthropic API.';
    expect(classifyAnthropicHttpError(400, {}, body('invalid_request_error', message))).toMatchObject({
      code: 'quota_exhausted',
      retryable: false,
    });
  });

  it('honours x-should-retry and retry-after-ms', () => {
    const error = classifyAnthropicHttpError(
      529,
      { 'x-should-retry': 'false', 'retry-after-ms': '1500' },
      body('overloaded_error', 'Overloaded'),
    );
    expect(error).toMatchObject({ code: 'overloaded', retryable: false, retryAfterMs: 1500 });
  });

  it('classifies a non-JSON body by status and refuses redirects', () => {
    expect(classifyAnthropicHttpError(502, {}, '<html>Bad gateway</html>')).toMatchObject({
      code: 'server_error',
      retryable: true,
    });
    expect(classifyAnthropicHttpError(404, {}, body('not_found_error', 'model: x'))).toMatchObject({
      code: 'invalid_request',
      retryable: false,
    });
    expect(classifyAnthropicHttpError(307, { location: 'http://x' }, '').message).toContain(
      'redirects are refused',
    );
  });
});

describe('AnthropicEventParser', () => {
  const event = (payload: Record<string, unknown>) => ({
    event: String(payload.type),
    data: JSON.stringify(payload),
  });

  it('counts answer offsets in UTF-16 across blocks, ignoring thinking and tool blocks', () => {
    const parser = new AnthropicEventParser();
    const feed = (payload: Record<string, unknown>) => parser.parse(event(payload), 1).parts;
    feed({ type: 'content_block_start', index: 0, content_block: { type: 'thinking', thinking: '' } });
    feed({ type: 'content_block_delta', index: 0, delta: { type: 'thinking_delta', thinking: 'Hmm 😀' } });
    feed({ type: 'content_block_stop', index: 0 });
    feed({ type: 'content_block_start', index: 1, content_block: { type: 'text', text: '' } });
    feed({
      type: 'content_block_delta',
      index: 1,
      delta: { type: 'text_delta', text: 'Caf\u00e9 \u{1F600} ' },
    });
    feed({ type: 'content_block_stop', index: 1 });
    feed({
      type: 'content_block_start',
      index: 2,
      content_block: { type: 'server_tool_use', id: 's', name: 'web_search', input: {} },
    });
    feed({ type: 'content_block_delta', index: 2, delta: { type: 'input_json_delta', partial_json: '{"q' } });
    feed({ type: 'content_block_stop', index: 2 });
    const citation = { type: 'web_search_result_location', url: 'https://acme.example/', title: 'Acme' };
    // A citation already present in the start frame, plus a repeat of the same URL in a delta: one part.
    feed({
      type: 'content_block_start',
      index: 3,
      content_block: { type: 'text', text: '', citations: [citation] },
    });
    feed({ type: 'content_block_delta', index: 3, delta: { type: 'citations_delta', citation } });
    feed({ type: 'content_block_delta', index: 3, delta: { type: 'text_delta', text: 'Acme' } });
    expect(feed({ type: 'content_block_stop', index: 3 })).toEqual([
      {
        type: 'citation',
        atUs: 1,
        url: citation.url,
        title: 'Acme',
        domain: 'acme.example',
        startIndex: 8,
        endIndex: 12,
      },
    ]);
    expect('Caf\u00e9 \u{1F600} '.length).toBe(8);
  });

  it('ignores pings and unknown event types, and ends at message_stop', () => {
    const parser = new AnthropicEventParser();
    expect(parser.parse({ event: 'ping', data: '{"type": "ping"}' }, 1)).toEqual({
      parts: [],
      terminal: false,
    });
    expect(parser.parse(event({ type: 'future_event', x: 1 }), 1)).toEqual({ parts: [], terminal: false });
    expect(parser.parse(event({ type: 'message_stop' }), 1)).toEqual({ parts: [], terminal: true });
  });

  it('throws stream_error on malformed JSON', () => {
    expect(() => new AnthropicEventParser().parse({ event: 'message_delta', data: '{"type":' }, 1)).toThrow(
      expect.objectContaining({ code: 'stream_error', retryable: false }),
    );
  });

  it('maps in-band error types', () => {
    expect(inBandError({ type: 'overloaded_error', message: 'Overloaded' })).toMatchObject({
      code: 'overloaded',
      retryable: true,
    });
    expect(inBandError({ type: 'api_error', message: 'x' })).toMatchObject({
      code: 'stream_error',
      retryable: true,
    });
    expect(inBandError('weird')).toMatchObject({ code: 'stream_error', retryable: false });
  });
});
