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
}

/** Pool to socket thread: a capture thread's end of a channel (one per capture thread). */
export type ToSocketThread = { type: 'attach'; port: MessagePort };

/** Capture thread to socket thread, on its channel. */
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
 * Socket thread to capture thread: one message per event-loop turn with every record of that turn, in order.
 * Arrival times are µs since the exchange's own clock zero (the request-sent instant), whose place on the
 * shared monotonic clock (process.hrtime, ms) `origin` gives first.
 */
export type SocketRecord =
  | { id: number; t: 'origin'; hrMs: number }
  | { id: number; t: 'response'; atUs: number; status: number; headers: IncomingHttpHeaders }
  | { id: number; t: 'data'; atUs: number; bytes: Uint8Array }
  | { id: number; t: 'end' }
  | { id: number; t: 'error'; error: SerializedProviderError }
  /** A non-2xx response, classified by the adapter that asked (each provider reads its own error bodies). */
  | { id: number; t: 'http-error'; status: number; headers: IncomingHttpHeaders; body: string }
  /** Startup report, id 0: the thread's kernel id, the nice value it got, or why it kept its own. */
  | { id: 0; t: 'ready'; tid: number | null; nice: number | null; niceError?: string };
