import http, { type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import type { MonotonicClock } from '../monotonic-clock';
import { ProviderError } from '../provider-error';
import { assertPublicHost } from './egress-guard';

const DEFAULT_IDLE_TIMEOUT_MS = 120_000;
const DEFAULT_DEADLINE_MS = 600_000;
const MAX_ERROR_BODY_BYTES = 64 * 1024;

/** What an exchange tells its consumer, in order: sent, response, data..., then end or fail. */
export interface HttpExchangeSink {
  /**
   * The request's bytes are being written to a connected socket: `t_req`. The exchange's clock has just moved its
   * zero here (MonotonicClock.requestSent); `connectUs` is how long the connection phase took before it.
   */
  sent(connectUs: number): void;
  /** A 2xx response's status line and headers (a non-2xx one ends in `fail`, classified). */
  response(atUs: number, status: number, headers: IncomingHttpHeaders): void;
  /** One socket read, timestamped before anything else touched it. */
  data(atUs: number, bytes: Buffer): void;
  /** The body ended; nothing follows but an abort. */
  end(): void;
  /**
   * The exchange failed (nothing follows), or `aborted`: the caller's signal fired before close(), which is
   * reported even after the end (the caller asked to stop reading; queued reads need not be delivered).
   */
  fail(error: ProviderError, aborted: boolean): void;
}

/** A running exchange. */
export interface HttpExchange {
  /** Stops reading from the socket (backpressure), until resume(). */
  pause(): void;
  resume(): void;
  /** The consumer is done: closes the socket unless the body ended, and stops every timer and listener. */
  close(): void;
}

/** What an exchange needs from its client's options. */
export interface HttpExchangeOptions {
  lookup?: LookupFunction;
  allowPrivate?: boolean;
  idleTimeoutMs?: number;
  deadlineMs?: number;
}

/**
 * The exchange itself, reporting to `sink` from the socket's own callbacks (no queue, no promise per read):
 * what StreamingHttpClient.post and the socket thread both build on. Throws at once for a request it cannot send.
 *
 * `t_req` is stamped here, on the thread that owns the socket, as the request's bytes go to a connected
 * socket: on a reused keep-alive socket when node:http hands it the request (it writes in the same tick),
 * on a new one when it connects (`connect`, or `secureConnect` after the TLS handshake), just before node
 * writes the queued request. ctx.clock's zero moves there, so every later time is measured from it.
 */
export function openHttpExchange(
  request: { url: URL; headers: Record<string, string>; body: string },
  ctx: { signal: AbortSignal; clock: MonotonicClock },
  sink: HttpExchangeSink,
  options: HttpExchangeOptions,
  classify: (status: number, headers: IncomingHttpHeaders, body: string) => ProviderError,
): HttpExchange {
  const { url } = request;
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ProviderError('invalid_request', `unsupported URL scheme ${url.protocol}`, {
      retryable: false,
    });
  }
  if (ctx.signal.aborted) throw abortError(ctx.signal);
  if (options.allowPrivate === false) assertPublicHost(url, false);

  /** The end or a failure was reported (or the consumer closed): nothing more but an abort. */
  let settled = false;
  let closed = false;
  let response = null as IncomingMessage | null;
  const stopTimers = (): void => {
    idleClosed = true;
    clearTimeout(idleTimer);
    clearTimeout(deadlineTimer);
  };
  const fail = (error: ProviderError): void => {
    if (settled) return;
    settled = true;
    stopTimers();
    req.destroy();
    sink.fail(error, false);
  };

  const transport = url.protocol === 'https:' ? https : http;
  const body = Buffer.from(request.body, 'utf8');
  const req = transport.request(url, {
    method: 'POST',
    headers: {
      ...request.headers,
      'content-length': String(body.length),
      // Compressed bodies arrive in bursts that hide token timing, and node:http would not inflate them.
      'accept-encoding': 'identity',
    },
    ...(options.lookup === undefined ? {} : { lookup: options.lookup }),
  });

  const idleTimeoutMs = options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
  let idleClosed = false;
  const startedUs = ctx.clock.nowUs();
  /** When the exchange began, the request went out or bytes last arrived, µs on the exchange's clock. */
  let activeAtUs = startedUs;
  // A read only notes its time; the one timer, when it fires, checks how long the exchange has really been
  // quiet and waits out the rest. Restarting a timer on every read re-files it in Node's timer lists each
  // time: with the socket's own timeout (below), a tenth of the socket thread's samples under bench:load.
  const checkIdle = (): void => {
    if (idleClosed) return;
    const quietMs = (ctx.clock.nowUs() - activeAtUs) / 1000;
    if (quietMs >= idleTimeoutMs) {
      fail(new ProviderError('stalled', `no bytes received for ${idleTimeoutMs} ms`, { retryable: true }));
      return;
    }
    idleTimer = setTimeout(checkIdle, Math.ceil(idleTimeoutMs - quietMs));
  };
  let idleTimer = setTimeout(checkIdle, idleTimeoutMs);
  const deadlineMs = options.deadlineMs ?? DEFAULT_DEADLINE_MS;
  const deadlineTimer = setTimeout(() => {
    fail(
      new ProviderError('deadline_exceeded', `no complete response within ${deadlineMs} ms`, {
        retryable: true,
      }),
    );
  }, deadlineMs);
  const onAbort = (): void => {
    // An abort is not drained like a failure: the caller asked us to stop reading now.
    if (!settled) {
      settled = true;
      stopTimers();
      req.destroy();
    }
    sink.fail(abortError(ctx.signal), true);
  };
  ctx.signal.addEventListener('abort', onAbort, { once: true });

  req.setNoDelay(true);
  const sent = (): void => {
    if (settled) return;
    const atUs = ctx.clock.nowUs();
    ctx.clock.requestSent?.(atUs, atUs - startedUs);
    activeAtUs = ctx.clock.nowUs(); // on the moved zero
    sink.sent(atUs - startedUs);
  };
  req.once('socket', (socket) => {
    if (!socket.connecting) return sent();
    socket.once(url.protocol === 'https:' ? 'secureConnect' : 'connect', sent);
  });
  req.on('error', (error: Error) => {
    // A lookup hook may reject a host with a ProviderError of its own; keep its verdict.
    if (error instanceof ProviderError) return fail(error);
    fail(
      new ProviderError(
        'connection_reset',
        `${response === null ? 'connection failed' : 'connection lost'}: ${errorCode(error)}`,
        { retryable: true, cause: error },
      ),
    );
  });
  req.on('response', (res: IncomingMessage) => {
    const atUs = ctx.clock.nowUs();
    response = res;
    if (settled) return;
    activeAtUs = atUs;
    // The agent's socket timeout (Node's global agent sets one) restarts its timer on every read; the idle
    // timer above covers the exchange. The agent sets its timeout again when the socket is pooled.
    res.socket.setTimeout(0);
    const status = res.statusCode ?? 0;
    if (status < 200 || status >= 300) {
      collectErrorBody(res, (text) => fail(classify(status, res.headers, text)));
      return;
    }
    const encoding = res.headers['content-encoding'];
    if (encoding !== undefined && encoding !== 'identity') {
      fail(
        new ProviderError('invalid_request', `unsupported content-encoding ${encoding}`, {
          retryable: false,
        }),
      );
      return;
    }
    sink.response(atUs, status, res.headers);
    res.on('data', (bytes: Buffer) => {
      // The timestamp is taken first, before anything else touches the bytes.
      const readAtUs = ctx.clock.nowUs();
      if (settled) return;
      activeAtUs = readAtUs;
      sink.data(readAtUs, bytes);
    });
    res.on('end', () => {
      if (settled) return;
      settled = true;
      stopTimers();
      sink.end();
    });
    res.on('error', (error: Error) => {
      fail(
        new ProviderError('connection_reset', `connection lost: ${errorCode(error)}`, {
          retryable: true,
          cause: error,
        }),
      );
    });
    res.on('close', () => {
      fail(new ProviderError('connection_reset', 'connection closed mid-body', { retryable: true }));
    });
  });
  req.end(body);

  return {
    pause: () => response?.pause(),
    resume: () => response?.resume(),
    close: () => {
      if (closed) return;
      closed = true;
      ctx.signal.removeEventListener('abort', onAbort);
      if (!settled) {
        settled = true;
        stopTimers();
        req.destroy();
      }
    },
  };
}

function collectErrorBody(res: IncomingMessage, done: (text: string) => void): void {
  const parts: Buffer[] = [];
  let size = 0;
  let finished = false;
  const finish = (): void => {
    if (finished) return;
    finished = true;
    done(Buffer.concat(parts).toString('utf8'));
  };
  res.on('data', (bytes: Buffer) => {
    if (size >= MAX_ERROR_BODY_BYTES) return;
    parts.push(bytes);
    size += bytes.length;
  });
  // A status line is enough to classify; a lost error body only costs us the message.
  res.on('end', finish);
  res.on('error', finish);
  res.on('close', finish);
}

/** The error a request aborted through `signal` throws (the reason itself when it is a ProviderError). */
export function abortError(signal: AbortSignal): ProviderError {
  const reason: unknown = signal.reason;
  if (reason instanceof ProviderError) return reason;
  const detail = reason instanceof Error ? reason.message : typeof reason === 'string' ? reason : 'aborted';
  return new ProviderError('aborted', `request aborted: ${detail}`, { retryable: false, cause: reason });
}

function errorCode(error: Error): string {
  const code = (error as NodeJS.ErrnoException).code;
  return code === undefined ? error.message : `${code} (${error.message})`;
}
