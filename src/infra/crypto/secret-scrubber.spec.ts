import { REDACTED, scrubSecrets, SecretScrubber } from './secret-scrubber';

describe('SecretScrubber', () => {
  it('removes the known credential wherever it appears, also JSON- and URL-escaped', () => {
    const key = 'live-credential-3f9a"b/c+d';
    const scrubber = new SecretScrubber([key, undefined, null]);
    expect(scrubber.scrub(`Incorrect API key provided: ${key}. Check it.`)).toBe(
      `Incorrect API key provided: ${REDACTED}. Check it.`,
    );
    expect(scrubber.scrub(JSON.stringify({ echoed: key }))).not.toContain('3f9a');
    expect(scrubber.scrub(`GET /v1?k=${encodeURIComponent(key)}`)).not.toContain('3f9a');
    expect(scrubber.scrub(`${key}${key}`)).toBe(`${REDACTED}${REDACTED}`);
  });

  it('replaces the longest known secret first, and leaves very short ones alone (they would mangle words)', () => {
    const scrubber = new SecretScrubber(['abcdefgh', 'abcdefgh-plus-more', 'abc']);
    expect(scrubber.scrub('x abcdefgh-plus-more y abcdefgh z abc')).toBe(`x ${REDACTED} y ${REDACTED} z abc`);
  });

  it.each([
    ['OpenAI', 'Incorrect API key provided: sk-live-4eC39HqLyjWDarjtT1zdp7dc.', 'sk-live-4eC39'],
    ['OpenAI project', 'key sk-proj-AbC_dEf-123456789xyz rejected', 'sk-proj-AbC'],
    ['OpenAI masked echo', 'Incorrect API key provided: sk-live-********************7dc.', '7dc'],
    ['Anthropic', 'invalid x-api-key sk-ant-api03-AAAA_bbbb-CCCC1234', 'sk-ant-api03'],
    ['Google', 'API key not valid: AIzaSyA-1234567890abcdefghijklmnopq', 'AIzaSyA'],
    ['Perplexity', 'bad token pplx-0123456789abcdef0123', 'pplx-0123'],
    ['streamrank', 'key sr_abcdefghijkl_0123456789ABCDEFabcdef', 'sr_abcdefghijkl'],
    ['Bearer', 'Authorization: Bearer opaque.token-value_123', 'opaque.token'],
    ['header', 'x-api-key: opaque-value-42; retry', 'opaque-value-42'],
    ['prose', 'your api key: opaquevalue42 is wrong', 'opaquevalue42'],
    ['query key', 'GET https://g.example/v1beta/m:stream?alt=sse&key=opaqueValue42#x', 'opaqueValue42'],
    ['query api_key', 'https://h.example/x?api_key=opaque42&b=1', 'opaque42'],
    ['JSON', '{"error":{"api_key":"opaque secret with spaces","code":401}}', 'opaque secret'],
    ['JSON escaped', '{"apiKey":"opaque\\"quoted\\"value"}', 'quoted'],
  ])('removes a %s token by its shape', (_name, text, secret) => {
    const out = scrubSecrets(text);
    expect(out).not.toContain(secret);
    expect(out).toContain(REDACTED);
  });

  it('keeps the text around a secret, and ordinary text untouched', () => {
    expect(scrubSecrets('HTTP 401: Incorrect API key provided: sk-live-abcdefghijklmnop. See docs.')).toBe(
      `HTTP 401: Incorrect API key provided: ${REDACTED}. See docs.`,
    );
    expect(scrubSecrets('x-api-key: abcdef123; next')).toBe(`x-api-key: ${REDACTED}; next`);
    const ordinary =
      'HTTP 429: Rate limit reached for gpt-4o in organization org-abc on tokens per min (TPM): Limit 30000. ' +
      'The task-force disk-partition answered; Acme, Globex and Initech lead. GET /v1/runs?projectId=p&limit=50';
    expect(scrubSecrets(ordinary)).toBe(ordinary);
  });

  it('is idempotent', () => {
    const text = 'Bearer abcdefgh x-api-key: qwertyuiop {"api_key":"zzzzzzzz"} ?key=abcdefgh sk-aaaaaaaaaaaa';
    const once = new SecretScrubber(['qwertyuiop']).scrub(text);
    expect(new SecretScrubber(['qwertyuiop']).scrub(once)).toBe(once);
  });

  it('scrubs every string of a JSON-like value, leaving keys, numbers and class instances alone', () => {
    const at = new Date(0);
    const value = {
      message: 'key sk-live-abcdefghijklmnop',
      nested: [{ text: 'secret-value-99' }, 42, null],
      at,
    };
    const out = new SecretScrubber(['secret-value-99']).scrubDeep(value);
    expect(out).toEqual({ message: `key ${REDACTED}`, nested: [{ text: REDACTED }, 42, null], at });
    expect(out.at).toBe(at);
    expect(value.message).toContain('sk-live'); // the input is not modified
  });
});
