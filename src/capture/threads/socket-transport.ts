import { abortError } from '../../llm/http/http-exchange';
import {
  type ClassifyHttpError,
  type HttpStreamEvent,
  type HttpTransport,
  type HttpTransportSettings,
  type StreamingHttpRequest,
} from '../../llm/http/streaming-http-client';
import { EventPump } from '../../llm/http/event-pump';
import { type MonotonicClock } from '../../llm/monotonic-clock';
import { type ProviderError } from '../../llm/provider-error';
import { deserializeProviderError, perfToHrOffsetMs } from './capture-protocol';
import { ByteRing, RingWriter } from './byte-ring';
import {
  readSocketRecord,
  writeSocketRequest,
  type SocketChannelRings,
  type SocketRecord,
  type SocketRequest,
} from './socket-protocol';

/**
 * How often a capture thread reads its records ring while it has exchanges open. Only decoding waits for it
 * (arrival times are stamped on the socket thread), and live chunks are batched by LIVE_CHUNK_BATCH_MS anyway.
 */
const POLL_MS = 5;

/**
 * A capture thread's way to the socket thread (socket-thread.ts): the adapters' HTTP exchanges run there, and
 * come back here as the same events StreamingHttpClient.post yields, on the caller's clock. A request is
 * written to the channel's ring and the socket thread woken at once (ByteRing.wake); t_req is the socket
 * thread's stamp of the moment it wrote the request to a connected socket (`origin`, on process.hrtime like
 * every thread's clock), and the caller's clock moves its zero there (MonotonicClock.requestSent), as
 * StreamingHttpClient does on its own sockets: neither the hand-over nor connection set-up is inside TTFT,
 * and every arrival time is the socket thread's own stamp.
 */
export class SocketThreadTransport implements HttpTransport {
  private readonly exchanges = new Map<number, (record: SocketRecord) => void>();
  private readonly hrOffsetMs = perfToHrOffsetMs();
  private readonly requests: RingWriter;
  private readonly records: ByteRing;
  private nextId = 1;
  private polling: NodeJS.Timeout | null = null;

  constructor(rings: SocketChannelRings) {
    this.requests = new RingWriter(new ByteRing(rings.requests), 1, true);
    this.records = new ByteRing(rings.records);
  }

  /**
   * Reads the socket thread's records every POLL_MS while an exchange is open. The arrival times were stamped
   * there; polling only decides how soon they are decoded here.
   */
  private poll(): void {
    this.polling = null;
    this.records.read((bytes) => {
      const record = readSocketRecord(bytes);
      this.exchanges.get(record.id)?.(record);
    });
    if (this.exchanges.size > 0) this.polling = setTimeout(() => this.poll(), POLL_MS);
  }

  async *post(
    request: StreamingHttpRequest,
    ctx: { signal: AbortSignal; clock: MonotonicClock },
    settings: HttpTransportSettings,
    classify: ClassifyHttpError,
  ): AsyncGenerator<HttpStreamEvent, void, undefined> {
    if (ctx.signal.aborted) throw abortError(ctx.signal);
    const id = this.nextId++;
    const pump = new EventPump<HttpStreamEvent>();
    /** Socket-thread µs to caller-clock µs. */
    let shiftUs = 0;
    this.exchanges.set(id, (r) => {
      switch (r.t) {
        case 'origin': {
          const sentPerfMs = r.hrMs - this.hrOffsetMs;
          const zeroPerfMs = (): number => performance.now() - ctx.clock.nowUs() / 1000;
          ctx.clock.requestSent?.((sentPerfMs - zeroPerfMs()) * 1000, r.connectUs);
          // 0 (to rounding) when the clock moved; a clock that cannot keeps its zero and gets shifted times.
          shiftUs = (sentPerfMs - zeroPerfMs()) * 1000;
          return;
        }
        case 'response':
          pump.push({ type: 'response', atUs: r.atUs + shiftUs, status: r.status, headers: r.headers });
          return pump.notify();
        case 'data':
          // A copy out of the ring (readSocketRecord).
          pump.push({ type: 'data', atUs: r.atUs + shiftUs, bytes: r.bytes as Buffer });
          return pump.notify();
        case 'end':
          return pump.end();
        case 'error':
          return pump.fail(deserializeProviderError(r.error));
        case 'http-error':
          return pump.fail(classify(r.status, r.headers, r.body));
        case 'ready':
          return;
      }
    });
    const send = (msg: SocketRequest): void =>
      writeSocketRequest(msg, (length, fill) => this.requests.write(length, fill));
    let aborted = null as ProviderError | null;
    const onAbort = (): void => {
      // As on the client's own sockets: an abort is not drained, the caller asked to stop reading now.
      aborted ??= abortError(ctx.signal);
      pump.abort(aborted);
    };
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    this.polling ??= setTimeout(() => this.poll(), POLL_MS);
    send({
      type: 'open',
      id,
      url: request.url.href,
      headers: request.headers,
      body: request.body,
      settings,
    });
    try {
      yield* pump.drain();
    } finally {
      this.exchanges.delete(id);
      ctx.signal.removeEventListener('abort', onAbort);
      // An abort, or the consumer leaving early ([DONE] seen, a listener threw): close the socket.
      if (!pump.settled) send({ type: 'abort', id, reason: aborted?.message ?? 'stopped' });
    }
  }
}
