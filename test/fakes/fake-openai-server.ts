import http, { type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One `res.write`, performed `delayMs` after the previous step. */
export interface FakeWrite {
  delayMs: number;
  bytes: string | Buffer;
}

export interface FakeScript {
  status?: number;
  headers?: Record<string, string>;
  writes: FakeWrite[];
  /**
   * How the response ends after the last write: `end` (clean, whatever the bytes said), `destroy` (socket
   * destroyed: a connection reset mid-stream) or `hang` (nothing more until the client gives up).
   */
  ending?: 'end' | 'destroy' | 'hang';
}

export interface FakeRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** What the fake did for one request. Times are high-resolution epoch ms (`performance.timeOrigin + now()`). */
export interface FakeExchange {
  request: FakeRequest;
  requestReceivedAtMs: number;
  headersSentAtMs: number | null;
  /** Taken immediately after each `res.write` returned, i.e. once Node handed the bytes to the socket. */
  writeTimesMs: number[];
  /** The client closed the connection before the script finished (abort, or early stop after [DONE]). */
  closedByClient: boolean;
}

const hrNowMs = (): number => performance.timeOrigin + performance.now();

/**
 * A scripted OpenAI-compatible server over real HTTP on 127.0.0.1 for provider tests. Scripts are queued per
 * path and consumed one per request, so a test can script "429, then 500, then success". Every write's time is
 * recorded on the same clock the client uses (performance.now in this process), so tests can compare emission
 * with captured arrival.
 */
export class FakeOpenAiServer {
  readonly requests: FakeRequest[] = [];
  readonly exchanges: FakeExchange[] = [];
  /** Scripted responses in progress right now, and the most there ever were at once. */
  openStreams = 0;
  maxOpenStreams = 0;
  private server: http.Server | null = null;
  private readonly scripts = new Map<
    string,
    { script: FakeScript; done: (exchange: FakeExchange) => void }[]
  >();

  async start(): Promise<{ baseUrl: string; port: number }> {
    const server = http.createServer((req, res) => this.handle(req, res));
    this.server = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    return { baseUrl: `http://127.0.0.1:${port}/v1`, port };
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (server === null) return;
    this.server = null;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /**
   * Queues a script for the next request to `path`. `finished` resolves when that exchange is over (a handle
   * rather than a bare promise, so tests that do not care need not await anything).
   */
  enqueue(script: FakeScript, path = '/v1/chat/completions'): { finished: Promise<FakeExchange> } {
    const finished = new Promise<FakeExchange>((resolve) => {
      const queue = this.scripts.get(path) ?? [];
      queue.push({ script, done: resolve });
      this.scripts.set(path, queue);
    });
    return { finished };
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const requestReceivedAtMs = hrNowMs();
    const parts: Buffer[] = [];
    req.on('data', (bytes: Buffer) => parts.push(bytes));
    req.on('end', () => {
      const path = (req.url ?? '/').split('?')[0] ?? '/';
      const request: FakeRequest = {
        method: req.method ?? '',
        path,
        headers: req.headers,
        body: Buffer.concat(parts).toString('utf8'),
      };
      this.requests.push(request);
      const next = this.scripts.get(path)?.shift();
      if (next === undefined) {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message: `no script queued for ${path}`, type: 'fake_error' } }));
        return;
      }
      const exchange: FakeExchange = {
        request,
        requestReceivedAtMs,
        headersSentAtMs: null,
        writeTimesMs: [],
        closedByClient: false,
      };
      this.exchanges.push(exchange);
      this.openStreams++;
      this.maxOpenStreams = Math.max(this.maxOpenStreams, this.openStreams);
      this.play(next.script, res, exchange, () => {
        this.openStreams--;
        next.done(exchange);
      });
    });
  }

  private play(script: FakeScript, res: ServerResponse, exchange: FakeExchange, done: () => void): void {
    let finished = false;
    let destroyedByScript = false;
    let timer: NodeJS.Timeout | undefined;
    const finish = (): void => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      done();
    };
    res.on('close', () => {
      if (!res.writableFinished && !destroyedByScript && !finished) exchange.closedByClient = true;
      finish();
    });

    res.writeHead(script.status ?? 200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      ...script.headers,
    });
    // Headers go out now, not with the first body write, so the client can time them separately.
    res.flushHeaders();
    exchange.headersSentAtMs = hrNowMs();

    const step = (index: number): void => {
      if (finished) return;
      const write = script.writes[index];
      if (write === undefined) {
        const ending = script.ending ?? 'end';
        if (ending === 'end') res.end();
        else if (ending === 'destroy') {
          // Let the last write leave Node's buffers first: destroy() discards anything still queued.
          timer = setTimeout(() => {
            destroyedByScript = true;
            res.socket?.destroy();
          }, 20);
        }
        return;
      }
      timer = setTimeout(() => {
        if (finished) return;
        res.write(write.bytes);
        exchange.writeTimesMs.push(hrNowMs());
        step(index + 1);
      }, write.delayMs);
    };
    step(0);
  }
}
