/**
 * The socket thread (worker_threads): every provider socket of a worker process lives here. Its loop reads,
 * timestamps and forwards, nothing else; the capture threads decode, record, detect and analyse what it
 * forwards. So an arrival time waits neither for the main thread's queue and database work nor for the
 * capture threads' parsing and scoring of other streams, and the thread asks the kernel for real-time
 * scheduling (SocketThreadData.rtPriority) or at least a higher priority than theirs (SocketThreadData.nice): on a
 * loaded machine it is the first to run when bytes arrive.
 *
 * Protocol (socket-protocol.ts): the pool attaches one channel per capture thread, a pair of shared-memory rings
 * (ByteRing); a request `open` in one runs one HTTP exchange through the same StreamingHttpClient the adapters
 * use on their own (egress guard, idle timeout, deadline), and its events go into the other as they happen.
 * Nothing here touches Nest, Postgres or Redis.
 */
import { type IncomingHttpHeaders } from 'node:http';
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { egressLookup } from '../../llm/http/egress-guard';
import { type HttpExchange } from '../../llm/http/http-exchange';
import { StreamingHttpClient, type HttpTransportSettings } from '../../llm/http/streaming-http-client';
import { SystemMonotonicClock } from '../../llm/monotonic-clock';
import { ProviderError } from '../../llm/provider-error';
import { perfToHrOffsetMs, serializeProviderError } from './capture-protocol';
import { ByteRing, RingWriter } from './byte-ring';
import {
  readSocketRequest,
  writeSocketRecord,
  type SocketChannelRings,
  type SocketRecord,
  type SocketRequest,
  type SocketThreadData,
  type ToSocketThread,
} from './socket-protocol';
import { setThreadNice, setThreadRealtime } from './thread-priority';

const port = parentPort;
if (port === null) throw new Error('socket-thread must run in a worker thread');
const data = workerData as SocketThreadData;
const hrOffsetMs = perfToHrOffsetMs();

/** A non-2xx response, carried to the capture thread whose adapter classifies it. */
class HttpStatusError extends ProviderError {
  constructor(
    readonly status: number,
    readonly headers: IncomingHttpHeaders,
    readonly body: string,
  ) {
    super('stream_error', `HTTP ${status}`, { retryable: false });
  }
}

const clients = new Map<string, StreamingHttpClient>();
function clientFor(settings: HttpTransportSettings): StreamingHttpClient {
  const key = JSON.stringify(settings);
  let client = clients.get(key);
  if (client === undefined) {
    client = new StreamingHttpClient({
      ...(settings.guarded ? { lookup: egressLookup({ allowPrivate: data.http.allowPrivate }) } : {}),
      ...(settings.allowPrivate === undefined ? {} : { allowPrivate: settings.allowPrivate }),
      ...(settings.idleTimeoutMs === undefined ? {} : { idleTimeoutMs: settings.idleTimeoutMs }),
      ...(settings.deadlineMs === undefined ? {} : { deadlineMs: settings.deadlineMs }),
      classifyError: (status, headers, body) => new HttpStatusError(status, headers, body),
    });
    clients.set(key, client);
  }
  return client;
}

/**
 * A request is taken the moment the capture thread has written it: the thread sleeps on its channel's ring in
 * Atomics.waitAsync (its event loop runs meanwhile) and the writer's notify wakes it, idle or busy. Polled
 * every FALLBACK_MS as well, only as a safety net.
 */
const FALLBACK_MS = 1_000;

/**
 * One capture thread's channel: its requests arrive in one ring, and every socket callback of its exchanges is
 * written to the other ring at once (shared memory: no message, no allocation, no lock; see ByteRing).
 */
class Channel {
  private readonly exchanges = new Map<number, AbortController>();
  private readonly requests: ByteRing;
  private readonly records: RingWriter;
  private closed = false;

  constructor(port: MessagePort, rings: SocketChannelRings) {
    this.requests = new ByteRing(rings.requests);
    this.records = new RingWriter(new ByteRing(rings.records));
    // The capture thread is gone (it died or was replaced): nobody reads these answers any more.
    port.on('close', () => {
      this.closed = true;
      for (const c of this.exchanges.values()) c.abort(new Error('capture thread gone'));
    });
    // Only its close matters; without a listener the port would not be watched.
    port.on('message', () => undefined);
    void this.serve();
  }

  /** Takes the capture thread's requests as they are written, until it is gone. */
  private async serve(): Promise<void> {
    while (!this.closed) {
      this.requests.read((bytes) => {
        const msg = readSocketRequest(bytes);
        if (msg.type === 'open') this.open(msg);
        else this.exchanges.get(msg.id)?.abort(new Error(msg.reason));
      });
      await this.requests.written(FALLBACK_MS);
    }
  }

  private send(record: SocketRecord): void {
    writeSocketRecord(record, (length, fill) => this.records.write(length, fill));
  }

  /** Runs one exchange: every socket callback becomes a record in the ring, at once. */
  private open(msg: Extract<SocketRequest, { type: 'open' }>): void {
    const { id } = msg;
    const controller = new AbortController();
    this.exchanges.set(id, controller);
    let exchange: HttpExchange | null = null;
    const done = (record: SocketRecord): void => {
      if (!this.exchanges.delete(id)) return;
      this.send(record);
      exchange?.close();
    };
    const failed = (e: unknown): void => done(failureRecord(id, e));
    try {
      // Its zero moves to the request-sent instant as the request is written (the exchange calls requestSent).
      const clock = new SystemMonotonicClock();
      exchange = clientFor(msg.settings).exchange(
        { url: new URL(msg.url), headers: msg.headers, body: msg.body },
        { signal: controller.signal, clock },
        {
          sent: (connectUs) => this.send({ id, t: 'origin', hrMs: clock.originMs + hrOffsetMs, connectUs }),
          response: (atUs, status, headers) => this.send({ id, t: 'response', atUs, status, headers }),
          data: (atUs, bytes) => this.send({ id, t: 'data', atUs, bytes }),
          end: () => done({ id, t: 'end' }),
          fail: failed,
        },
      );
    } catch (e) {
      failed(e);
    }
  }
}

function failureRecord(id: number, e: unknown): SocketRecord {
  if (e instanceof HttpStatusError) {
    return { id, t: 'http-error', status: e.status, headers: e.headers, body: e.body };
  }
  if (e instanceof ProviderError) return { id, t: 'error', error: serializeProviderError(e) };
  const message = e instanceof Error ? e.message : String(e);
  return { id, t: 'error', error: { code: 'connection_reset', message, retryable: true } };
}

port.on('message', (msg: ToSocketThread) => {
  if (msg.type === 'attach') new Channel(msg.port, msg.rings);
});
const priority = setThreadNice(data.nice);
// Real-time where permitted: the thread then takes a core the moment bytes arrive, whatever else is runnable.
// It only reads, stamps and copies, and sleeps in between (bench:load at 500 streams: about a third of a
// core); the kernel's real-time throttling still leaves every core 5% for the rest.
const realtime = data.rtPriority > 0 ? setThreadRealtime(priority.tid, data.rtPriority) : { realtime: false };
port.postMessage({
  id: 0,
  t: 'ready',
  tid: priority.tid,
  nice: priority.nice,
  ...(priority.error === undefined ? {} : { niceError: priority.error }),
  realtime: realtime.realtime,
  ...(realtime.error === undefined ? {} : { realtimeError: realtime.error }),
} satisfies SocketRecord);
