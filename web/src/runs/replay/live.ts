// Live run events (GET /v1/runs/:id/events) folded into the text and mentions seen so far. Pure.
import { z } from 'zod';
import type { RunMention, RunScore, RunStatus, RunToken } from '../api-types';

// The SSE payloads are documented in openapi.json (`x-sse-events`) but not typed by the generated client;
// these schemas check them at runtime and are tied to the generated types below.
const statusSchema = z.enum(['queued', 'running', 'succeeded', 'failed', 'skipped']);
const chunkSchema = z.object({ index: z.number().int(), text: z.string(), arrivalMs: z.number() });
const mentionSchema = z.object({
  brandId: z.string(),
  matched: z.string(),
  charStart: z.number().int(),
  charEnd: z.number().int(),
  visibleAtMs: z.number(),
});
const statusEventSchema = z.object({
  status: statusSchema,
  attempt: z.number().int(),
  reason: z.string().nullable().optional(),
  message: z.string().nullable().optional(),
});
const scoresSchema = z.object({ scores: z.array(z.looseObject({ brandId: z.string() })) });

export type LiveChunk = Pick<RunToken, 'index' | 'text' | 'arrivalMs'>;
export type LiveMention = Pick<RunMention, 'brandId' | 'matched' | 'charStart' | 'charEnd' | 'visibleAtMs'>;
export interface LiveStatus {
  status: RunStatus;
  attempt: number;
  reason?: string | null;
  message?: string | null;
}

// Compile-time ties: the runtime schemas produce the generated shapes.
type Assert<T extends true> = T;
export type _ChunkMatches = Assert<z.infer<typeof chunkSchema> extends LiveChunk ? true : false>;
export type _MentionMatches = Assert<z.infer<typeof mentionSchema> extends LiveMention ? true : false>;
export type _StatusMatches = Assert<z.infer<typeof statusEventSchema> extends LiveStatus ? true : false>;

export type LiveEvent =
  | { type: 'chunk'; data: LiveChunk }
  | { type: 'mention'; data: LiveMention }
  | { type: 'status'; data: LiveStatus }
  | { type: 'scores'; data: { scores: Pick<RunScore, 'brandId'>[] } };

export const LIVE_EVENT_TYPES = ['chunk', 'mention', 'status', 'scores'] as const;

/** Parses one SSE message; null when the payload is not what the API documents. */
export function parseLiveEvent(type: string, data: string): LiveEvent | null {
  let json: unknown;
  try {
    json = JSON.parse(data);
  } catch {
    return null;
  }
  switch (type) {
    case 'chunk': {
      const r = chunkSchema.safeParse(json);
      return r.success ? { type, data: r.data } : null;
    }
    case 'mention': {
      const r = mentionSchema.safeParse(json);
      return r.success ? { type, data: r.data } : null;
    }
    case 'status': {
      const r = statusEventSchema.safeParse(json);
      return r.success ? { type, data: r.data } : null;
    }
    case 'scores': {
      const r = scoresSchema.safeParse(json);
      return r.success ? { type, data: r.data } : null;
    }
    default:
      return null;
  }
}

export interface LiveState {
  status: RunStatus | null;
  attempt: number;
  reason: string | null;
  message: string | null;
  /** Chunks by index (out-of-order arrivals wait for the gap to fill). */
  chunks: ReadonlyMap<number, LiveChunk>;
  /** Text of the contiguous chunks 0..n-1 (mention offsets index into it). */
  text: string;
  /** charStart/charEnd/arrival of each contiguous chunk. */
  spans: readonly { charStart: number; charEnd: number; arrivalMs: number }[];
  mentions: readonly LiveMention[];
  /** A terminal event arrived (`status` succeeded/failed/skipped, or `scores`); the stream is over. */
  done: boolean;
  /** Events applied (for tests and the live indicator). */
  events: number;
}

export const initialLiveState: LiveState = {
  status: null,
  attempt: 0,
  reason: null,
  message: null,
  chunks: new Map(),
  text: '',
  spans: [],
  mentions: [],
  done: false,
  events: 0,
};

// `succeeded` ends the answer too (the `scores` that follow are in the run detail we refetch).
const TERMINAL: ReadonlySet<RunStatus> = new Set<RunStatus>(['succeeded', 'failed', 'skipped']);

function withChunks(state: LiveState, chunks: Map<number, LiveChunk>): LiveState {
  let text = state.text;
  const spans = [...state.spans];
  for (let i = spans.length; chunks.has(i); i++) {
    const c = chunks.get(i) as LiveChunk;
    spans.push({ charStart: text.length, charEnd: text.length + c.text.length, arrivalMs: c.arrivalMs });
    text += c.text;
  }
  return { ...state, chunks, text, spans };
}

/** A new attempt restarts the answer: what the previous attempt streamed is dropped. */
function restarted(state: LiveState, attempt: number): LiveState {
  return { ...state, attempt, chunks: new Map(), text: '', spans: [], mentions: [] };
}

export function applyLiveEvent(state: LiveState, event: LiveEvent): LiveState {
  const s = { ...state, events: state.events + 1 };
  switch (event.type) {
    case 'status': {
      const { status, attempt } = event.data;
      const base = attempt > s.attempt && s.attempt > 0 && status === 'running' ? restarted(s, attempt) : s;
      return {
        ...base,
        attempt: Math.max(base.attempt, attempt),
        status,
        reason: event.data.reason ?? null,
        message: event.data.message ?? null,
        done: base.done || TERMINAL.has(status),
      };
    }
    case 'chunk': {
      const c = event.data;
      const existing = s.chunks.get(c.index);
      if (existing) {
        if (existing.text === c.text) return s; // a repeat (reconnection)
        if (c.index !== 0) return s;
        // Chunk 0 again with other text: the answer restarted (a retry whose status we missed).
        return withChunks(restarted(s, s.attempt + 1), new Map([[0, c]]));
      }
      const chunks = new Map(s.chunks);
      chunks.set(c.index, c);
      return withChunks(s, chunks);
    }
    case 'mention': {
      const m = event.data;
      if (s.mentions.some((x) => x.charStart === m.charStart && x.charEnd === m.charEnd)) return s;
      return { ...s, mentions: [...s.mentions, m] };
    }
    case 'scores':
      return { ...s, done: true };
  }
}
