import { type IncomingHttpHeaders } from 'node:http';
import { type MessagePort } from 'node:worker_threads';
import { type HttpTransportSettings } from '../../llm/http/streaming-http-client';
import { type ProviderHttpSettings } from '../../llm/provider-adapters';
import { type SerializedProviderError } from './capture-protocol';

/** Passed to the socket thread when it starts. */
export interface SocketThreadData {
  http: ProviderHttpSettings;
  /** The thread's nice value (lower runs first); kept as is when the process may not raise priority. */
  nice: number;
  /** Real-time (SCHED_FIFO) priority to ask for, 1-99; 0 asks for none (see setThreadRealtime). */
  rtPriority: number;
}

/**
 * Pool to socket thread: a capture thread's channel (one per capture thread): its rings, and a port whose
 * `close` says the capture thread is gone.
 */
export type ToSocketThread = { type: 'attach'; port: MessagePort; rings: SocketChannelRings };

/** Capture thread to socket thread, in its channel's requests ring. */
export type SocketRequest =
  | {
      type: 'open';
      id: number;
      url: string;
      headers: Record<string, string>;
      body: string;
      settings: HttpTransportSettings;
    }
  | { type: 'abort'; id: number; reason: string };

/**
 * Socket thread to capture thread, in its channel's records ring, in order. Arrival times are µs since the
 * exchange's own clock zero, the request-sent instant (t_req: its bytes written to a connected socket), whose
 * place on the shared monotonic clock (process.hrtime, ms) `origin` gives first, with the connection phase
 * before it (µs; see MonotonicClock.connectUs).
 */
export type SocketRecord =
  | { id: number; t: 'origin'; hrMs: number; connectUs: number }
  | { id: number; t: 'response'; atUs: number; status: number; headers: IncomingHttpHeaders }
  | { id: number; t: 'data'; atUs: number; bytes: Uint8Array }
  | { id: number; t: 'end' }
  | { id: number; t: 'error'; error: SerializedProviderError }
  /** A non-2xx response, classified by the adapter that asked (each provider reads its own error bodies). */
  | { id: number; t: 'http-error'; status: number; headers: IncomingHttpHeaders; body: string }
  /**
   * Startup report, id 0: the thread's kernel id, the nice value it got (or why it kept its own), and whether
   * it runs real-time (or why not, when asked).
   */
  | {
      id: 0;
      t: 'ready';
      tid: number | null;
      nice: number | null;
      niceError?: string;
      realtime: boolean;
      realtimeError?: string;
    };

/** Appends one record of `length` bytes, which `fill` writes (ByteRing.write, RingWriter.write). */
type RecordWrite = (length: number, fill: (target: Uint8Array, offset: number) => void) => void;

/**
 * The shared rings of one capture thread's channel (see ByteRing): requests from the capture thread to the
 * socket thread, and the socket thread's records back. Neither direction posts a message.
 */
export interface SocketChannelRings {
  requests: SharedArrayBuffer;
  records: SharedArrayBuffer;
}

/** Ring sizes: the records ring holds about a second of 500 streams' reads; the requests ring, the bodies. */
export const RECORDS_RING_BYTES = 4 * 2 ** 20;
export const REQUESTS_RING_BYTES = 1 * 2 ** 20;

const DATA = 0;
const JSON_RECORD = 1;
/** kind (1), id (4), atUs (8), then the bytes. */
const DATA_HEADER = 13;

/** Writes `record` through `write` (a RingWriter's or a ByteRing's): reads as bytes, anything else as JSON. */
export function writeSocketRecord(record: SocketRecord, write: RecordWrite): void {
  if (record.t === 'data') {
    const { bytes } = record;
    write(DATA_HEADER + bytes.byteLength, (target, offset) => {
      const view = new DataView(target.buffer, target.byteOffset + offset, DATA_HEADER);
      view.setUint8(0, DATA);
      view.setUint32(1, record.id, true);
      view.setFloat64(5, record.atUs, true);
      target.set(bytes, offset + DATA_HEADER);
    });
    return;
  }
  const json = Buffer.from(JSON.stringify(record));
  write(5 + json.byteLength, (target, offset) => {
    target[offset] = JSON_RECORD;
    new DataView(target.buffer, target.byteOffset + offset + 1, 4).setUint32(0, record.id, true);
    target.set(json, offset + 5);
  });
}

/** The record in `bytes` (a view into the ring: a read's bytes are copied out). */
export function readSocketRecord(bytes: Uint8Array): SocketRecord {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint8(0) === DATA) {
    return {
      id: view.getUint32(1, true),
      t: 'data',
      atUs: view.getFloat64(5, true),
      bytes: Buffer.from(bytes.subarray(DATA_HEADER)),
    };
  }
  return JSON.parse(
    Buffer.from(bytes.buffer, bytes.byteOffset + 5, bytes.byteLength - 5).toString(),
  ) as SocketRecord;
}

/** Writes one request as JSON. */
export function writeSocketRequest(request: SocketRequest, write: RecordWrite): void {
  const json = Buffer.from(JSON.stringify(request));
  write(json.byteLength, (target, offset) => target.set(json, offset));
}

export function readSocketRequest(bytes: Uint8Array): SocketRequest {
  return JSON.parse(
    Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString(),
  ) as SocketRequest;
}
