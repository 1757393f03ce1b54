/**
 * The socket thread (worker_threads): every provider socket of a worker process lives here. Its loop reads,
 * timestamps and forwards, nothing else; the capture threads decode, record, detect and analyse what it
 * forwards. So an arrival time waits neither for the main thread's queue and database work nor for the
 * capture threads' parsing and scoring of other streams, and the thread asks the kernel for a higher priority
 * than theirs (SocketThreadData.nice): on a loaded machine it is the first to run when bytes arrive.
 *
 * Protocol (socket-protocol.ts): the pool attaches one channel per capture thread; on it, `open` runs one HTTP
 * exchange through the same StreamingHttpClient the adapters use on their own (egress guard, idle timeout,
 * deadline), and its events go back batched per event-loop turn. Nothing here touches Nest, Postgres or Redis.
 */
import { type IncomingHttpHeaders } from 'node:http';
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { egressLookup } from '../../llm/http/egress-guard';
import {
  StreamingHttpClient,
  type HttpExchange,
  type HttpTransportSettings,
} from '../../llm/http/streaming-http-client';
import { SystemMonotonicClock } from '../../llm/monotonic-clock';
import { ProviderError } from '../../llm/provider-error';
import { perfToHrOffsetMs, serializeProviderError } from './capture-protocol';
import {
  type SocketRecord,
  type SocketRequest,
  type SocketThreadData,
  type ToSocketThread,
} from './socket-protocol';
import { setThreadNice } from './thread-priority';

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

/** One capture thread's channel: its exchanges, and the records waiting for this turn's message. */
class Channel {
  private readonly exchanges = new Map<number, AbortController>();
  private records: SocketRecord[] = [];
  /** The reads among `records`, still the socket's own bytes until the flush copies them. */
  private reads: Extract<SocketRecord, { t: 'data' }>[] = [];
  private readBytes = 0;

  constructor(private readonly port: MessagePort) {
    port.on('message', (msg: SocketRequest) => {
      if (msg.type === 'open') this.open(msg);
      else this.exchanges.get(msg.id)?.abort(new Error(msg.reason));
    });
    // The capture thread is gone (it died or was replaced): nobody reads these answers any more.
    port.on('close', () => {
      for (const c of this.exchanges.values()) c.abort(new Error('capture thread gone'));
    });
  }

  private send(record: SocketRecord): void {
    if (this.records.push(record) === 1) setImmediate(() => this.flush());
  }

  private read(record: Extract<SocketRecord, { t: 'data' }>): void {
    this.reads.push(record);
    this.readBytes += record.bytes.byteLength;
    this.send(record);
  }

  /**
   * Sends this turn's records. The turn's reads are copied into one buffer, transferred with the message: one
   * allocation per message rather than one per read (at 500 streams this thread ran 25-26 % of a core against
   * 27-28 %). Each buffer is freed on the capture thread, which then takes this thread's malloc arena lock:
   * fewer buffers, fewer chances for a preempted low-priority thread to hold it while this one waits. (The
   * reads' own buffers may be views into larger ones, which must not be transferred.)
   */
  private flush(): void {
    const records = this.records;
    const reads = this.reads;
    this.records = [];
    this.reads = [];
    let transfer: ArrayBuffer[] = [];
    if (reads.length > 0) {
      const all = new Uint8Array(this.readBytes);
      this.readBytes = 0;
      let at = 0;
      for (const r of reads) {
        const n = r.bytes.byteLength;
        all.set(r.bytes, at);
        r.bytes = all.subarray(at, at + n);
        at += n;
      }
      transfer = [all.buffer];
    }
    this.port.postMessage(records, transfer);
  }

  /** Runs one exchange: every socket callback becomes a record of this turn's message, at once. */
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
      // Created right before the request: its zero is the request-sent time.
      const clock = new SystemMonotonicClock();
      this.send({ id, t: 'origin', hrMs: clock.originMs + hrOffsetMs });
      exchange = clientFor(msg.settings).exchange(
        { url: new URL(msg.url), headers: msg.headers, body: msg.body },
        { signal: controller.signal, clock },
        {
          response: (atUs, status, headers) => this.send({ id, t: 'response', atUs, status, headers }),
          data: (atUs, bytes) => this.read({ id, t: 'data', atUs, bytes }),
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
  if (e instanceof HttpStatusError)
    return { id, t: 'http-error', status: e.status, headers: e.headers, body: e.body };
  if (e instanceof ProviderError) return { id, t: 'error', error: serializeProviderError(e) };
  const message = e instanceof Error ? e.message : String(e);
  return { id, t: 'error', error: { code: 'connection_reset', message, retryable: true } };
}

port.on('message', (msg: ToSocketThread) => {
  if (msg.type === 'attach') new Channel(msg.port);
});
const priority = setThreadNice(data.nice);
port.postMessage({
  id: 0,
  t: 'ready',
  tid: priority.tid,
  nice: priority.nice,
  ...(priority.error === undefined ? {} : { niceError: priority.error }),
} satisfies SocketRecord);
