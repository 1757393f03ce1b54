import { cachedReport, reportCacheKey, ReportResponseCache } from './report-cache';

const report = (body: string) => cachedReport(body, 'application/json; charset=utf-8');

describe('reportCacheKey', () => {
  const q = { projectId: 'p', from: 'a', to: 'b', tags: ['x', 'y'] };

  it('normalizes only the order of parameters', () => {
    const reordered = { tags: ['x', 'y'], to: 'b', projectId: 'p', from: 'a' };
    expect(reportCacheKey('w', 'r', reordered, 'json')).toBe(reportCacheKey('w', 'r', q, 'json'));
    // Anything the handler could see differently is another key.
    for (const other of [
      { ...q, tags: ['y', 'x'] },
      { ...q, tags: 'x,y' },
      { ...q, from: ' a' },
    ]) {
      expect(reportCacheKey('w', 'r', other, 'json')).not.toBe(reportCacheKey('w', 'r', q, 'json'));
    }
  });

  it('separates workspaces, routes and formats', () => {
    const keys = new Set([
      reportCacheKey('w', 'r', q, 'json'),
      reportCacheKey('v', 'r', q, 'json'),
      reportCacheKey('w', 's', q, 'json'),
      reportCacheKey('w', 'r', q, 'csv'),
    ]);
    expect(keys.size).toBe(4);
  });

  it('does not key a report ending now, nor parameters that are not strings', () => {
    expect(reportCacheKey('w', 'r', { projectId: 'p', from: 'a' }, 'json')).toBeNull();
    expect(reportCacheKey('w', 'r', { ...q, tags: { a: 'x' } }, 'json')).toBeNull();
    expect(reportCacheKey('w', 'r', { ...q, tags: ['x', 1] }, 'json')).toBeNull();
  });
});

describe('cachedReport', () => {
  it('tags equal bytes equally and different bytes differently', () => {
    expect(report('{"a":1}').etag).toBe(report('{"a":1}').etag);
    expect(report('{"a":1}').etag).not.toBe(report('{"a":2}').etag);
    expect(report('é').bytes).toBe(2);
  });
});

describe('ReportResponseCache', () => {
  it('answers only for the state a response was computed at, and keeps the newest', () => {
    const cache = new ReportResponseCache(1 << 20);
    cache.set('k', 's1', report('one'));
    expect(cache.get('k', 's1')?.body).toBe('one');
    expect(cache.get('k', 's2')).toBeUndefined();
    cache.set('k', 's2', report('two'));
    expect(cache.get('k', 's1')).toBeUndefined();
    expect(cache.get('k', 's2')?.body).toBe('two');
    expect(cache.size.entries).toBe(1);
  });

  it('evicts the least recently used entries beyond its byte cap', () => {
    const body = 'x'.repeat(100);
    const entry = 100 + 2 + 512;
    const cache = new ReportResponseCache(5 * entry + 100);
    for (const k of ['a', 'b', 'c', 'd', 'e']) cache.set(k, 's', report(body));
    cache.get('a', 's');
    cache.set('f', 's', report(body));
    expect(cache.get('b', 's')).toBeUndefined();
    for (const k of ['a', 'c', 'd', 'e', 'f']) expect(cache.get(k, 's')).toBeDefined();
    expect(cache.size).toEqual({ entries: 5, bytes: 5 * entry });
  });

  it('does not keep a response larger than a quarter of the cap', () => {
    const cache = new ReportResponseCache(4000);
    cache.set('k', 's', report('x'.repeat(2000)));
    expect(cache.get('k', 's')).toBeUndefined();
    expect(cache.size.bytes).toBe(0);
  });

  it('shares one computation between concurrent requests for the same key and state', async () => {
    const cache = new ReportResponseCache(1 << 20);
    let computed = 0;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const compute = async () => {
      computed++;
      await gate;
      return report('body');
    };
    const first = cache.load('k', 's', compute);
    const second = cache.load('k', 's', compute);
    const otherState = cache.load('k', 's2', () => Promise.resolve(report('newer')));
    release();
    expect(await first).toMatchObject({ source: 'miss', report: { body: 'body' } });
    expect(await second).toMatchObject({ source: 'shared', report: { body: 'body' } });
    expect(await otherState).toMatchObject({ source: 'miss', report: { body: 'newer' } });
    expect(computed).toBe(1);
  });

  it('lets waiters compute for themselves when the shared computation fails', async () => {
    const cache = new ReportResponseCache(1 << 20);
    let fail!: (err: Error) => void;
    const failing = cache.load('k', 's', () => new Promise((_, reject) => (fail = reject)));
    const waiting = cache.load('k', 's', () => Promise.resolve(report('unused')));
    fail(new Error('boom'));
    await expect(failing).rejects.toThrow('boom');
    expect(await waiting).toEqual({ source: 'shared', report: null });
  });
});
