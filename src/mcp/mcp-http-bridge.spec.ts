import { fetchHeaders, fetchRequest } from './mcp-http-bridge';

describe('the /mcp HTTP bridge', () => {
  it('copies the headers but those describing the original body or connection', () => {
    const h = fetchHeaders({
      authorization: 'Bearer k',
      accept: 'application/json, text/event-stream',
      'content-type': 'application/json',
      'content-length': '42',
      'transfer-encoding': 'chunked',
      connection: 'keep-alive',
      host: 'api.example',
      'x-multi': ['a', 'b'],
    });
    expect([...h.entries()]).toEqual([
      ['accept', 'application/json, text/event-stream'],
      ['authorization', 'Bearer k'],
      ['content-type', 'application/json'],
      ['x-multi', 'a, b'],
    ]);
  });

  it('rebuilds a body-less request for the same method and path', () => {
    const r = fetchRequest(
      { method: 'POST', originalUrl: '/mcp?x=1', headers: { 'mcp-protocol-version': '2025-06-18' } },
      new AbortController().signal,
    );
    expect(r.method).toBe('POST');
    expect(new URL(r.url).pathname + new URL(r.url).search).toBe('/mcp?x=1');
    expect(r.headers.get('mcp-protocol-version')).toBe('2025-06-18');
    expect(r.body).toBeNull();
  });
});
