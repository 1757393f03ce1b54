// The web app served by the API process: files from the built folder (WEB_DIST_DIR here, a temporary one),
// index.html for client routes, immutable caching of hashed assets, security headers, and the API, docs and
// health routes untouched. Without a build, `/` is a 503 page saying how to build it.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { projectRoot, resolveWebDist } from '../../src/web/web-dist';
import { startTestApp, type TestApp } from '../support/test-app';

const INDEX =
  '<!doctype html><html><body><div id="root"></div><script src="/assets/app-abc123.js"></script></body></html>';
const SCRIPT = 'console.log("app");';
const PAGE_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';
const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
  "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

describe('web app static serving (e2e)', () => {
  let dist: string;
  let t: TestApp;

  beforeAll(async () => {
    dist = mkdtempSync(path.join(tmpdir(), 'streamrank-web-'));
    mkdirSync(path.join(dist, 'assets'));
    writeFileSync(path.join(dist, 'index.html'), INDEX);
    writeFileSync(path.join(dist, 'assets', 'app-abc123.js'), SCRIPT);
    writeFileSync(path.join(dist, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
    writeFileSync(path.join(dist, '.secret'), 'hidden');
    t = await startTestApp({ ROLE: 'api', WEB_DIST_DIR: dist });
  });

  afterAll(async () => {
    await t?.close();
    rmSync(dist, { recursive: true, force: true });
  });

  it('serves index.html at / with no-cache and the security headers', async () => {
    const res = await t.http().get('/').expect(200);
    expect(res.text).toBe(INDEX);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.headers['cache-control']).toBe('no-cache');
    expect(res.headers['content-security-policy']).toBe(CSP);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['referrer-policy']).toBe('same-origin');
    await t.http().head('/').expect(200);
  });

  it('answers client routes with index.html when the browser asks for a page', async () => {
    for (const route of ['/p/abc/overview', '/sign-in', '/p/abc/runs/123?tab=chunks']) {
      const res = await t.http().get(route).set('Accept', PAGE_ACCEPT).expect(200);
      expect(res.text).toBe(INDEX);
      expect(res.headers['cache-control']).toBe('no-cache');
      expect(res.headers['content-security-policy']).toBe(CSP);
    }
    // An API-style request to an unknown path keeps the JSON 404.
    const json = await t.http().get('/p/abc/overview').set('Accept', 'application/json').expect(404);
    expect(json.body.error.code).toBe('not_found');
  });

  it('serves hashed assets with immutable caching, other files revalidated', async () => {
    const js = await t.http().get('/assets/app-abc123.js').expect(200);
    expect(js.text).toBe(SCRIPT);
    expect(js.headers['content-type']).toMatch(/javascript/);
    expect(js.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(js.headers['x-content-type-options']).toBe('nosniff');
    const icon = await t.http().get('/favicon.svg').expect(200);
    expect(icon.headers['cache-control']).toBe('no-cache');
    // A missing hashed asset is a 404, never the app page (the browser would run HTML as a script).
    const missing = await t.http().get('/assets/gone-999.js').set('Accept', PAGE_ACCEPT).expect(404);
    expect(missing.headers['cache-control']).toBeUndefined();
  });

  it('never serves dotfiles or anything outside the folder', async () => {
    for (const url of ['/.secret', '/..%2f..%2fpackage.json', '/assets/..%2f..%2f.secret', '/%E0%A4%A']) {
      const res = await t.http().get(url).set('Accept', 'application/json');
      // 404, or the API's 400 for malformed percent-encoding: never a file.
      expect({ url, status: res.status }).toEqual({ url, status: url.startsWith('/%') ? 400 : 404 });
      expect(res.text).not.toContain('hidden');
    }
    const page = await t.http().get('/.secret').set('Accept', PAGE_ACCEPT).expect(200);
    expect(page.text).toBe(INDEX);
  });

  it('leaves /v1, /docs and /health to the API', async () => {
    const nope = await t.http().get('/v1/nope').set('Accept', PAGE_ACCEPT).expect(404);
    expect(nope.headers['content-type']).toMatch(/^application\/json/);
    expect(nope.body).toEqual({ error: { code: 'not_found', message: 'No such route' } });
    await t.http().get('/v1/projects').set('Accept', PAGE_ACCEPT).expect(401);
    const upper = await t.http().get('/V1/projects').set('Accept', PAGE_ACCEPT);
    expect(upper.text).not.toBe(INDEX);
    const docs = await t.http().get('/docs/').set('Accept', PAGE_ACCEPT).expect(200);
    expect(docs.text).toMatch(/swagger/i);
    await t.http().get('/docs/openapi.json').expect(200);
    const live = await t.http().get('/health/live').set('Accept', PAGE_ACCEPT).expect(200);
    expect(live.body).toEqual({ status: 'ok' });
    const mcp = await t.http().get('/mcp').set('Accept', PAGE_ACCEPT);
    expect(mcp.text).not.toBe(INDEX);
    // Writes are never answered by the web app.
    await t.http().post('/p/abc/overview').set('Accept', PAGE_ACCEPT).expect(404);
  });

  it('without a build, / is a 503 page that says how to build the app', async () => {
    const empty = mkdtempSync(path.join(tmpdir(), 'streamrank-web-empty-'));
    const bare = await startTestApp({ ROLE: 'api', WEB_DIST_DIR: path.join(empty, 'missing') });
    try {
      const res = await bare.http().get('/').expect(503);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(res.text).toContain('npm run web:build');
      await bare.http().get('/p/abc/overview').set('Accept', PAGE_ACCEPT).expect(503);
      await bare.http().get('/v1/nope').expect(404);
      await bare.http().get('/health/live').expect(200);
      // A build made while the server runs is picked up.
      mkdirSync(path.join(empty, 'missing'));
      writeFileSync(path.join(empty, 'missing', 'index.html'), INDEX);
      expect((await bare.http().get('/').expect(200)).text).toBe(INDEX);
    } finally {
      await bare.close();
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('finds web/dist next to package.json from the sources and from the compiled build', () => {
    const root = path.resolve(__dirname, '../..');
    expect(resolveWebDist(undefined, path.join(root, 'src/web'))).toBe(path.join(root, 'web/dist'));
    expect(projectRoot(path.join(root, 'dist/src/web'))).toBe(root);
    expect(resolveWebDist('some/where')).toBe(path.resolve('some/where'));
  });
});
