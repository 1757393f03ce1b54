import { HttpErrorClassifier } from './http-error-classifier';

const body = (error: object): string => JSON.stringify({ error });

describe('HttpErrorClassifier', () => {
  it('classifies 429 as retryable rate_limited and prefers retry-after-ms over retry-after', () => {
    const error = HttpErrorClassifier.classify(
      429,
      { 'retry-after-ms': '1500', 'retry-after': '9' },
      body({ message: 'Rate limit reached', type: 'tokens', code: 'rate_limit_exceeded' }),
    );
    expect(error).toMatchObject({
      code: 'rate_limited',
      retryable: true,
      httpStatus: 429,
      retryAfterMs: 1500,
    });
    expect(error.message).toContain('Rate limit reached');
  });

  it('reads retry-after as seconds or as an HTTP date', () => {
    expect(HttpErrorClassifier.retryAfterMs({ 'retry-after': '2' })).toBe(2000);
    const now = Date.parse('2025-01-01T00:00:00Z');
    expect(HttpErrorClassifier.retryAfterMs({ 'retry-after': 'Wed, 01 Jan 2025 00:00:05 GMT' }, now)).toBe(
      5000,
    );
    expect(HttpErrorClassifier.retryAfterMs({ 'retry-after': 'Tue, 31 Dec 2024 00:00:00 GMT' }, now)).toBe(0);
    expect(HttpErrorClassifier.retryAfterMs({ 'retry-after': 'soon' })).toBeUndefined();
    expect(HttpErrorClassifier.retryAfterMs({})).toBeUndefined();
  });

  it('classifies 429 insufficient_quota as quota_exhausted and never retryable', () => {
    const error = HttpErrorClassifier.classify(
      429,
      { 'retry-after': '1' },
      body({
        message: 'You exceeded your current quota',
        type: 'insufficient_quota',
        code: 'insufficient_quota',
      }),
    );
    expect(error).toMatchObject({ code: 'quota_exhausted', retryable: false });
  });

  it.each([
    [401, 'auth_failed', false],
    [403, 'auth_failed', false],
    [400, 'invalid_request', false],
    [404, 'invalid_request', false],
    [422, 'invalid_request', false],
    [500, 'server_error', true],
    [502, 'server_error', true],
    [503, 'server_error', true],
    [529, 'overloaded', true],
    [302, 'invalid_request', false],
  ])('classifies HTTP %i as %s (retryable %s)', (status, code, retryable) => {
    expect(HttpErrorClassifier.classify(status, {}, body({ message: 'x', type: 'y' }))).toMatchObject({
      code,
      retryable,
      httpStatus: status,
    });
  });

  it('lets x-should-retry override the status table', () => {
    expect(HttpErrorClassifier.classify(500, { 'x-should-retry': 'false' }, '').retryable).toBe(false);
  });

  it('copes with non-JSON and Ollama-style string errors', () => {
    expect(HttpErrorClassifier.classify(502, {}, '<html>Bad gateway</html>').message).toBe(
      'HTTP 502: <html>Bad gateway</html>',
    );
    expect(HttpErrorClassifier.classify(404, {}, JSON.stringify({ error: 'model not found' })).message).toBe(
      'HTTP 404: model not found',
    );
  });
});
