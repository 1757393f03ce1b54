import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { StreamCapture } from '../../src/capture/recording/stream-capture';
import { egressLookup, EgressBlockedError } from '../../src/llm/http/egress-guard';
import { SystemMonotonicClock } from '../../src/llm/monotonic-clock';
import { OpenAiCompatibleProvider } from '../../src/llm/openai-compatible/openai-compatible.provider';
import { FakeOpenAiServer } from '../fakes/fake-openai-server';
import { openAiChunkEvents, writesOf } from '../fakes/openai-sse-script';

/** node:net skips `lookup` for literal IPs, so the tests use a name the injected resolver maps to 127.0.0.1. */
const HOST = 'private-target.test';
const resolveToLoopback = () => Promise.resolve([{ address: '127.0.0.1', family: 4 }]);

describe('egressLookup with node:http against a server on 127.0.0.1', () => {
  let server: http.Server;
  let port: number;
  let hits = 0;

  beforeAll(async () => {
    server = http.createServer((_req, res) => {
      hits += 1;
      res.end('ok');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    ({ port } = server.address() as AddressInfo);
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const get = (lookup: ReturnType<typeof egressLookup>, host = HOST) =>
    new Promise<{ status?: number; body?: string; error?: Error }>((resolve) => {
      const req = http.get({ host, port, path: '/', lookup, agent: false }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode, body }));
      });
      req.on('error', (error) => resolve({ error }));
    });

  it('refuses the connection when allowPrivate is false', async () => {
    const before = hits;
    const { error } = await get(egressLookup({ allowPrivate: false, resolve: resolveToLoopback }));
    expect(error).toBeInstanceOf(EgressBlockedError);
    expect(error).toMatchObject({ code: 'invalid_request', retryable: false, address: '127.0.0.1' });
    expect(hits).toBe(before);
  });

  it('refuses localhost through the real resolver', async () => {
    const { error } = await get(egressLookup({ allowPrivate: false }), 'localhost');
    expect(error).toBeInstanceOf(EgressBlockedError);
  });

  it('connects when allowPrivate is true', async () => {
    const before = hits;
    const result = await get(egressLookup({ allowPrivate: true, resolve: resolveToLoopback }));
    expect(result).toEqual({ status: 200, body: 'ok' });
    expect(hits).toBe(before + 1);
  });

  it('the provider turns a blocked lookup into a non-retryable invalid_request, never reaching the server', async () => {
    const fake = new FakeOpenAiServer();
    const { port: fakePort } = await fake.start();
    try {
      fake.enqueue({ writes: writesOf(openAiChunkEvents(['hi']), 0) });
      const run = (allowPrivate: boolean) =>
        StreamCapture.run(
          new OpenAiCompatibleProvider({
            lookup: egressLookup({ allowPrivate, resolve: resolveToLoopback }),
          }),
          {
            baseUrl: `http://${HOST}:${fakePort}/v1`,
            apiKey: 'sk-x',
            model: 'm',
            prompt: 'p',
            parameters: {},
          },
          { signal: new AbortController().signal, clock: new SystemMonotonicClock() },
        );
      const blocked = await run(false);
      expect(blocked.error).toBeInstanceOf(EgressBlockedError);
      expect(blocked.error).toMatchObject({ code: 'invalid_request', retryable: false });
      expect(fake.requests).toHaveLength(0);
      const allowed = await run(true);
      expect(allowed.error).toBeNull();
      expect(allowed.capture.answerText).toBe('hi');
    } finally {
      await fake.stop();
    }
  });
});
