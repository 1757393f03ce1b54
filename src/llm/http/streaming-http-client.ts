import type { IncomingHttpHeaders } from 'node:http';
import type { LookupFunction } from 'node:net';
import type { MonotonicClock } from '../monotonic-clock';
import type { ProviderError } from '../provider-error';
import { EventPump } from './event-pump';
import { openHttpExchange, type HttpExchange, type HttpExchangeSink } from './http-exchange';
import { HttpErrorClassifier } from './http-error-classifier';

export interface StreamingHttpClientOptions {
  /** DNS hook: where egress rules (no private or metadata addresses) are enforced before connecting. */
  lookup?: LookupFunction;
  /**
   * When false, a URL whose host is a literal IP is checked against the egress rules too (node skips the
   * `lookup` hook for literal IPs). Leave undefined for trusted local endpoints (the demo engine).
   */
  allowPrivate?: boolean;
  /** No bytes (headers or body) for this long: `stalled`. Reasoning models can think silently for minutes. */
  idleTimeoutMs?: number;
  /** Whole exchange, request to last byte: `deadline_exceeded`. */
  deadlineMs?: number;
  /** Turns a non-2xx response into the error to throw; defaults to the OpenAI-style JSON envelope. */
  classifyError?: (status: number, headers: IncomingHttpHeaders, body: string) => ProviderError;
  /**
   * Where the exchange runs when not on this thread's own sockets (a capture thread hands it to the socket
   * thread, src/capture/threads/socket-thread.ts). Same events, errors and arrival-time clock either way.
   */
  transport?: HttpTransport;
}

/** The client's settings in plain data, for a transport that runs the exchange elsewhere. */
export interface HttpTransportSettings {
  /** The egress guard's DNS hook applies (its allowPrivate is the transport's own setting). */
  guarded: boolean;
  allowPrivate?: boolean;
  idleTimeoutMs?: number;
  deadlineMs?: number;
}

export type ClassifyHttpError = (status: number, headers: IncomingHttpHeaders, body: string) => ProviderError;

/** Runs an exchange somewhere else and yields it as StreamingHttpClient.post would. */
export interface HttpTransport {
  post(
    request: StreamingHttpRequest,
    ctx: { signal: AbortSignal; clock: MonotonicClock },
    settings: HttpTransportSettings,
    classify: ClassifyHttpError,
  ): AsyncGenerator<HttpStreamEvent, void, undefined>;
}

export interface StreamingHttpRequest {
  url: URL;
  headers: Record<string, string>;
  body: string;
}

export type HttpStreamEvent =
  | { type: 'response'; atUs: number; status: number; headers: IncomingHttpHeaders }
  | { type: 'data'; atUs: number; bytes: Buffer };

/** Reads buffered ahead of a slow consumer before we pause the socket (and timestamps start to lag). */
const HIGH_WATER_READS = 256;

/**
 * POSTs a request and yields the response as timestamped socket reads.
 *
 * Why node:http rather than fetch: the arrival time of each read is taken inside the `data` listener, the
 * moment Node hands us the bytes, and queued for the consumer. With fetch/for-await the time would be
 * taken whenever the consumer (parser, live detection, a database write) got round to pulling, which would
 * smear arrival times by the consumer's latency. node:http also gives us the `lookup` hook and no redirect
 * following by default.
 */
export class StreamingHttpClient {
  constructor(private readonly options: StreamingHttpClientOptions = {}) {}

  async *post(
    request: StreamingHttpRequest,
    ctx: { signal: AbortSignal; clock: MonotonicClock },
  ): AsyncGenerator<HttpStreamEvent, void, undefined> {
    if (this.options.transport !== undefined) {
      const { lookup, allowPrivate, idleTimeoutMs, deadlineMs } = this.options;
      yield* this.options.transport.post(
        request,
        ctx,
        {
          guarded: lookup !== undefined,
          ...(allowPrivate === undefined ? {} : { allowPrivate }),
          ...(idleTimeoutMs === undefined ? {} : { idleTimeoutMs }),
          ...(deadlineMs === undefined ? {} : { deadlineMs }),
        },
        (status: number, headers: IncomingHttpHeaders, body: string) => this.classify(status, headers, body),
      );
      return;
    }
    const pump = new EventPump<HttpStreamEvent>();
    let paused = false;
    const exchange = this.exchange(request, ctx, {
      // The exchange moved ctx.clock's zero itself.
      sent: () => undefined,
      response: (atUs, status, headers) => {
        pump.push({ type: 'response', atUs, status, headers });
        pump.notify();
      },
      data: (atUs, bytes) => {
        pump.push({ type: 'data', atUs, bytes });
        if (pump.size >= HIGH_WATER_READS && !paused) {
          paused = true;
          exchange.pause();
        }
        pump.notifyAfterReads();
      },
      end: () => pump.end(),
      fail: (error, aborted) => (aborted ? pump.abort(error) : pump.fail(error)),
    });
    try {
      yield* pump.drain((left) => {
        if (paused && left < HIGH_WATER_READS / 2) {
          paused = false;
          exchange.resume();
        }
      });
    } finally {
      // Covers early exit by the consumer (break, [DONE] seen, error thrown by a listener).
      exchange.close();
    }
  }

  /**
   * The exchange itself, reporting to `sink` from the socket's own callbacks (see openHttpExchange): what
   * post() and the socket thread both build on. Throws at once for a request it cannot send.
   */
  exchange(
    request: StreamingHttpRequest,
    ctx: { signal: AbortSignal; clock: MonotonicClock },
    sink: HttpExchangeSink,
  ): HttpExchange {
    return openHttpExchange(request, ctx, sink, this.options, (status, headers, body) =>
      this.classify(status, headers, body),
    );
  }

  private classify(status: number, headers: IncomingHttpHeaders, body: string): ProviderError {
    return (this.options.classifyError ?? HttpErrorClassifier.classify)(status, headers, body);
  }
}
