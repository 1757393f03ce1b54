// Redis names and wire format shared by the publisher (worker) and the SSE controller (API).

export type RunEventType = 'chunk' | 'mention' | 'status' | 'scores';

/** One event as delivered to SSE clients; `id` is the Redis stream id of the run's event log. */
export interface RunEvent {
  id: string;
  type: RunEventType;
  /** JSON text of the event data. */
  data: string;
}

/** Pub/sub channel of one run's events. */
export const runChannel = (prefix: string, runId: string): string => `${prefix}:run-events:${runId}`;

/** Pub/sub channel of a project's feed (status and mention events of all its runs). */
export const projectChannel = (prefix: string, projectId: string): string =>
  `${prefix}:project-events:${projectId}`;

/** Capped Redis stream holding one run's events, for replay and Last-Event-ID resumption. */
export const runLogKey = (prefix: string, runId: string): string => `${prefix}:run-event-log:${runId}`;

export const RUN_LOG_MAXLEN = 2000;
export const RUN_LOG_TTL_SECONDS = 3600;

/** Pub/sub messages are `<stream id>|<type>|<json>`: ids and types never contain `|`. */
export function decodeMessage(message: string): RunEvent | null {
  const first = message.indexOf('|');
  const second = first === -1 ? -1 : message.indexOf('|', first + 1);
  if (second === -1) return null;
  return {
    id: message.slice(0, first),
    type: message.slice(first + 1, second) as RunEventType,
    data: message.slice(second + 1),
  };
}

/** An event id: the Redis stream id of its log entry (`<ms>-<seq>`), plus `.<k>` for the k-th chunk of an entry. */
const EVENT_ID = /^(\d{1,20})-(\d{1,20})(?:\.(\d{1,9}))?$/;

export function isStreamId(id: string | undefined): id is string {
  return id !== undefined && EVENT_ID.test(id);
}

/** Orders two event ids (`<ms>-<seq>[.<k>]`; no `.<k>` is k = 0). */
export function compareStreamIds(a: string, b: string): number {
  const [am = '0', as = '0', ak = '0'] = a.split(/[-.]/);
  const [bm = '0', bs = '0', bk = '0'] = b.split(/[-.]/);
  for (const d of [BigInt(am) - BigInt(bm), BigInt(as) - BigInt(bs), BigInt(ak) - BigInt(bk)]) {
    if (d !== 0n) return d < 0n ? -1 : 1;
  }
  return 0;
}

/**
 * A `chunk` log entry holds consecutive answer chunks (a JSON array; an entry written by an older worker holds
 * one object). Each becomes its own `chunk` event: the first keeps the entry's id, the k-th gets `<id>.<k>`,
 * so Last-Event-ID can resume in the middle of an entry.
 */
export function expandEvent(event: RunEvent): RunEvent[] {
  if (event.type !== 'chunk' || !event.data.startsWith('[')) return [event];
  const chunks = JSON.parse(event.data) as unknown[];
  return chunks.map((chunk, k) => ({
    id: k === 0 ? event.id : `${event.id}.${k}`,
    type: 'chunk',
    data: JSON.stringify(chunk),
  }));
}

/** Whether an event ends a run's stream. `status: succeeded` is followed by `scores`, which ends it. */
export function isTerminal(event: { type: string; data: string }): boolean {
  if (event.type === 'scores') return true;
  if (event.type !== 'status') return false;
  const status = (JSON.parse(event.data) as { status?: string }).status;
  return status === 'failed' || status === 'skipped';
}
