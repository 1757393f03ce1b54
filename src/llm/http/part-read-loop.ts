import type { LlmStreamContext } from '../llm-provider';
import { NdjsonDecoder } from '../ndjson-decoder';
import { ProviderError } from '../provider-error';
import { SseDecoder, type SseEvent } from '../sse-decoder';
import type { StreamPart } from '../stream-part';
import type { StreamingHttpClient, StreamingHttpRequest } from './streaming-http-client';

/** What one unit of a body (an SSE event, an NDJSON line) meant: its parts, and whether it ended the stream. */
export interface UnitParts {
  readonly parts: readonly StreamPart[];
  /** The wire format's terminator arrived: the stream ended successfully and nothing after it is read. */
  readonly terminal: boolean;
}

/** The body ended before a terminal unit: the parts of its unfinished unit, then success or `failure`. */
export interface StreamEnding {
  readonly parts: readonly StreamPart[];
  readonly failure: ProviderError | null;
}

/** A unit that ends the stream and carries nothing (`data: [DONE]`). */
export const TERMINAL: UnitParts = { parts: [], terminal: true };
/** The body ended cleanly without anything left to parse. */
export const ENDED: StreamEnding = { parts: [], failure: null };

/**
 * One exchange in a wire format: what to send, how the body splits into units and what they mean, and how an
 * ending without a terminator is judged. The read loop itself (readParts) is the same for every adapter.
 */
export interface WireReading<U> {
  request: StreamingHttpRequest;
  /** Thrown (`invalid_request`) for a 2xx `application/json` response: the server ignored `stream: true`. */
  notStreaming?: string;
  /** The units one read completes. */
  push(bytes: Buffer): U[];
  /** The body ended: the units that completes, and the unfinished one if any. */
  end(): { units: U[]; incomplete: U | null };
  /** One unit's parts, each stamped `atUs`. Throws a ProviderError for an in-band error. */
  parse(unit: U, atUs: number): UnitParts;
  /** The body ended without a terminal unit; `incomplete` is its unfinished unit, if any. */
  finish(incomplete: U | null, endUs: number): StreamEnding;
  /** Units completed only by the end of the body take the last read's time, not the time of the end. */
  endAtLastRead?: boolean;
  /** Parts still held back, yielded before a ProviderError ending the stream is rethrown. */
  flush?(): readonly StreamPart[];
}

const NOT_STREAMING = 'server answered without streaming (application/json)';

/**
 * The read loop every adapter shares: POSTs `open().request`, yields the `headers` part, then the parts of
 * each read's units, stamped with that read's arrival time, until a terminal unit (leaving the loop destroys
 * the request: nothing after the terminator counts) or the end of the body, judged by the wire format.
 * `open` runs on the first pull, so a request that cannot be built fails there, like the rest of the stream.
 */
export async function* readParts<U>(
  http: StreamingHttpClient,
  ctx: LlmStreamContext,
  open: () => WireReading<U>,
): AsyncGenerator<StreamPart, void, undefined> {
  const wire = open();
  try {
    let lastReadUs: number | null = null;
    for await (const read of http.post(wire.request, ctx)) {
      if (read.type === 'response') {
        assertStreaming(read.headers['content-type'], wire.notStreaming ?? NOT_STREAMING);
        yield { type: 'headers', atUs: read.atUs, status: read.status };
        continue;
      }
      lastReadUs = read.atUs;
      // Every part decoded from this read carries the read's arrival time.
      for (const unit of wire.push(read.bytes)) {
        const { parts, terminal } = wire.parse(unit, read.atUs);
        yield* parts;
        if (terminal) return;
      }
    }

    const { units, incomplete } = wire.end();
    const endUs = wire.endAtLastRead === true ? (lastReadUs ?? ctx.clock.nowUs()) : ctx.clock.nowUs();
    for (const unit of units) {
      const { parts, terminal } = wire.parse(unit, endUs);
      yield* parts;
      if (terminal) return;
    }
    const ending = wire.finish(incomplete, endUs);
    yield* ending.parts;
    if (ending.failure !== null) throw ending.failure;
  } catch (error) {
    if (error instanceof ProviderError && wire.flush !== undefined) yield* wire.flush();
    throw error;
  }
}

/** A body framed as server-sent events: its units are the events. */
export function sseFraming(): Pick<WireReading<SseEvent>, 'push' | 'end'> {
  const decoder = new SseDecoder();
  return {
    push: (bytes) => decoder.push(bytes),
    end: () => {
      const { events, incomplete } = decoder.end();
      return { units: events, incomplete };
    },
  };
}

/** A body framed as NDJSON: its units are the non-empty lines. */
export function ndjsonFraming(): Pick<WireReading<string>, 'push' | 'end'> {
  const decoder = new NdjsonDecoder();
  return {
    push: (bytes) => decoder.push(bytes),
    end: () => {
      const { lines, incomplete } = decoder.end();
      return { units: lines, incomplete };
    },
  };
}

/** Body ended without the terminator: `truncated`, retryable (a close there looks like a proxy cutting in). */
export function truncated(message: string): StreamEnding {
  return { parts: [], failure: new ProviderError('truncated', message, { retryable: true }) };
}

/** The value of complete JSON text, or undefined. */
export function tryJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** Parsed JSON of an event's data; malformed JSON is `stream_error` (not retryable). */
export function parseEventJson(data: string): unknown {
  try {
    return JSON.parse(data) as unknown;
  } catch (error) {
    throw new ProviderError('stream_error', 'malformed JSON in stream event', {
      retryable: false,
      cause: error,
    });
  }
}

/** `{base}/{path}` as a URL; a base that is not a URL is `invalid_request`. */
export function endpointUrl(baseUrl: string, path: string): URL {
  try {
    return new URL(`${baseUrl.replace(/\/+$/, '')}/${path}`);
  } catch {
    throw new ProviderError('invalid_request', 'base URL is not a valid URL', { retryable: false });
  }
}

function assertStreaming(contentType: string | undefined, message: string): void {
  // One JSON body means `stream: true` was ignored (e.g. a proxy): fail clearly, not "truncated".
  if (contentType !== undefined && contentType.toLowerCase().startsWith('application/json')) {
    throw new ProviderError('invalid_request', message, { retryable: false });
  }
}
