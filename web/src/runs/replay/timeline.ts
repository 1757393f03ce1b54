// The recorded timeline of one streamed answer: which text and which mentions a reader had at recorded time t
// (milliseconds since t_req, the moment the request was sent). Pure: no DOM, no React.

/** A piece of answer text that arrived at once: its UTF-16 end offset and its arrival (ms since t_req). */
export interface ArrivalStep {
  /** UTF-16 offset (end exclusive) of the text visible once this step has arrived. */
  charEnd: number;
  arrivalMs: number;
}

export interface TimelineChunk {
  charStart: number;
  charEnd: number;
  arrivalMs: number;
}

export interface TimelineTokenInput {
  charEnd: number;
  arrivalMs: number;
}

export interface TimelineMentionInput {
  brandId: string;
  charStart: number;
  charEnd: number;
  visibleAtMs: number;
  /** o200k token holding the first character (absent for live mentions). */
  tokenIndex?: number;
  matched?: string;
}

export interface TimelineMention extends TimelineMentionInput {
  /** Position in text order (0-based), stable across the timeline's lists. */
  index: number;
  /** true when the mention's first token is above the fold (null when the fold is unknown). */
  aboveFold: boolean | null;
}

export interface TimelineInput {
  text: string;
  /** Chunks with their arrival (preferred: the exact arrival of every character). */
  chunks?: readonly TimelineChunk[];
  /** Tokens with their arrival: used when there are no chunks, and for the token curve and the fold. */
  tokens?: readonly TimelineTokenInput[];
  mentions: readonly TimelineMentionInput[];
  /** The project's fold in tokens (tokens with index < foldTokens are above the fold). */
  foldTokens?: number | null;
  ttftMs?: number | null;
}

export interface Timeline {
  text: string;
  /** Arrival steps in arrival order; `charEnd` never decreases (a prefix maximum). */
  steps: readonly ArrivalStep[];
  /** Mentions in text order. */
  mentions: readonly TimelineMention[];
  /** Mentions in the order they became visible (visibleAtMs, then text order). */
  byVisibleAt: readonly TimelineMention[];
  /** Token arrivals (cumulative count after each entry is index + 1); empty when unknown. */
  tokenArrivals: readonly number[];
  /** UTF-16 offset where the fold falls, null when the whole answer is above it or the fold is unknown. */
  foldChar: number | null;
  foldTokens: number | null;
  /** Arrival of the first text (the first step), null without text. */
  firstTextMs: number | null;
  ttftMs: number | null;
  /** Recorded end of the stream: the last arrival (text or mention). */
  durationMs: number;
}

function stepsFrom(items: readonly { charEnd: number; arrivalMs: number }[]): ArrivalStep[] {
  const sorted = items
    .map((c, i) => ({ charEnd: c.charEnd, arrivalMs: c.arrivalMs, i }))
    .filter((c) => Number.isFinite(c.arrivalMs) && Number.isFinite(c.charEnd))
    .sort((a, b) => a.arrivalMs - b.arrivalMs || a.charEnd - b.charEnd || a.i - b.i);
  const steps: ArrivalStep[] = [];
  let maxEnd = 0;
  for (const c of sorted) {
    maxEnd = Math.max(maxEnd, c.charEnd);
    const last = steps[steps.length - 1];
    // Same arrival: one step (the later end wins).
    if (last && last.arrivalMs === c.arrivalMs) last.charEnd = maxEnd;
    else steps.push({ charEnd: maxEnd, arrivalMs: c.arrivalMs });
  }
  return steps;
}

/** The fold's UTF-16 offset: the end of token foldTokens - 1, or null when the answer fits above it. */
export function foldCharOf(
  tokens: readonly TimelineTokenInput[] | undefined,
  foldTokens: number | null | undefined,
): number | null {
  if (!tokens || foldTokens === null || foldTokens === undefined || foldTokens <= 0) return null;
  if (tokens.length <= foldTokens) return null;
  return tokens[foldTokens - 1]?.charEnd ?? null;
}

export function buildTimeline(input: TimelineInput): Timeline {
  const text = input.text;
  const source = input.chunks && input.chunks.length > 0 ? input.chunks : (input.tokens ?? []);
  const steps = stepsFrom(source).map((s) => ({ ...s, charEnd: Math.min(s.charEnd, text.length) }));
  const foldTokens = input.foldTokens ?? null;
  const foldChar = foldCharOf(input.tokens, foldTokens);
  const mentions: TimelineMention[] = [...input.mentions]
    .sort((a, b) => a.charStart - b.charStart || a.charEnd - b.charEnd)
    .map((m, index) => ({
      ...m,
      index,
      aboveFold: foldTokens === null || m.tokenIndex === undefined ? null : m.tokenIndex < foldTokens,
    }));
  const byVisibleAt = [...mentions].sort((a, b) => a.visibleAtMs - b.visibleAtMs || a.index - b.index);
  const tokenArrivals = (input.tokens ?? []).map((t) => t.arrivalMs).sort((a, b) => a - b);
  const lastStep = steps[steps.length - 1]?.arrivalMs ?? 0;
  const lastMention = byVisibleAt[byVisibleAt.length - 1]?.visibleAtMs ?? 0;
  return {
    text,
    steps,
    mentions,
    byVisibleAt,
    tokenArrivals,
    foldChar,
    foldTokens,
    firstTextMs: steps[0]?.arrivalMs ?? null,
    ttftMs: input.ttftMs ?? steps[0]?.arrivalMs ?? null,
    durationMs: Math.max(lastStep, lastMention, 0),
  };
}

/** Index of the last entry of `sorted` that is <= t (-1 when none): binary search. */
export function lastAtOrBefore(sorted: readonly number[], t: number): number {
  let lo = 0;
  let hi = sorted.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if ((sorted[mid] as number) <= t) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

function lastStepAtOrBefore(steps: readonly ArrivalStep[], t: number): number {
  let lo = 0;
  let hi = steps.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if ((steps[mid] as ArrivalStep).arrivalMs <= t) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

/** How many UTF-16 code units of the answer a reader had at recorded time t. */
export function visibleCharsAt(tl: Timeline, tMs: number): number {
  const i = lastStepAtOrBefore(tl.steps, tMs);
  return i < 0 ? 0 : (tl.steps[i] as ArrivalStep).charEnd;
}

/** The answer text a reader had at recorded time t. */
export function textAt(tl: Timeline, tMs: number): string {
  return tl.text.slice(0, visibleCharsAt(tl, tMs));
}

/** Number of mentions visible at t (a prefix of `byVisibleAt`): visibleAtMs <= t. */
export function litCountAt(tl: Timeline, tMs: number): number {
  let lo = 0;
  let hi = tl.byVisibleAt.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((tl.byVisibleAt[mid] as TimelineMention).visibleAtMs <= tMs) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The mentions a reader had seen at recorded time t, in the order they arrived. */
export function mentionsVisibleAt(tl: Timeline, tMs: number): TimelineMention[] {
  return tl.byVisibleAt.slice(0, litCountAt(tl, tMs));
}

/** Tokens that had arrived at recorded time t (0 when the token timeline is unknown). */
export function tokensAt(tl: Timeline, tMs: number): number {
  return lastAtOrBefore(tl.tokenArrivals, tMs) + 1;
}

/** First visible time per brand (first arrival of any of its mentions), in arrival order. */
export function firstVisibleByBrand(tl: Timeline): { brandId: string; visibleAtMs: number; index: number }[] {
  const seen = new Map<string, { brandId: string; visibleAtMs: number; index: number }>();
  for (const m of tl.byVisibleAt) {
    if (!seen.has(m.brandId)) {
      seen.set(m.brandId, { brandId: m.brandId, visibleAtMs: m.visibleAtMs, index: m.index });
    }
  }
  return [...seen.values()];
}
