// Splits the answer into render segments once, so playback only ever appends to the segment at the visible
// boundary (no per-frame re-render of the whole text). Pure.

export interface Segment {
  start: number;
  end: number;
  /** Index of the mention (text order) this segment renders, or null for plain text. */
  mention: number | null;
  /** The fold line is drawn just before this segment. */
  foldBefore: boolean;
  /** This segment starts a new paragraph block (after a blank line): layout work stays per paragraph. */
  blockStart: boolean;
}

export interface SegmentSpan {
  charStart: number;
  charEnd: number;
}

/**
 * Plain and mention segments covering [0, text length). Overlapping or out-of-range spans are skipped (the
 * API never returns overlaps: a span is counted once). A fold falling inside a mention is drawn after it
 * (the mention's first token is above the fold, so the mention counts as above the fold).
 */
export function buildSegments(
  text: string,
  mentions: readonly SegmentSpan[],
  foldChar: number | null,
): Segment[] {
  const segments: Segment[] = [];
  let pos = 0;
  const push = (start: number, end: number, mention: number | null): void => {
    if (end > start) segments.push({ start, end, mention, foldBefore: false, blockStart: false });
  };
  const order = mentions
    .map((m, i) => ({ m, i }))
    .sort((a, b) => a.m.charStart - b.m.charStart || a.m.charEnd - b.m.charEnd);
  const textLength = text.length;
  let fold = foldChar !== null && foldChar > 0 && foldChar < textLength ? foldChar : null;
  for (const { m, i } of order) {
    if (m.charStart < pos || m.charEnd <= m.charStart || m.charEnd > textLength) continue;
    if (fold !== null && fold > m.charStart && fold < m.charEnd) fold = m.charEnd;
    push(pos, m.charStart, null);
    push(m.charStart, m.charEnd, i);
    pos = m.charEnd;
  }
  push(pos, textLength, null);
  const split = (at: number): Segment | null => {
    const i = segments.findIndex((x) => x.start <= at && at < x.end);
    const x = segments[i];
    if (!x) return null;
    if (x.start === at) return x;
    if (x.mention !== null) return null; // never split a mention
    const tail: Segment = { start: at, end: x.end, mention: null, foldBefore: false, blockStart: false };
    segments.splice(i, 1, { ...x, end: at }, tail);
    return tail;
  };
  for (const at of paragraphStarts(text)) {
    const seg = split(at);
    if (seg) seg.blockStart = true;
  }
  if (fold !== null) {
    const seg = split(fold);
    if (seg) seg.foldBefore = true;
  }
  return segments;
}

/**
 * Where paragraph blocks start: just after the first newline of each blank line ("\n\n" or more), so a
 * block ends with one newline (not rendered at a block's end) and the next starts with the blank line: the
 * text looks exactly as in one block.
 */
export function paragraphStarts(text: string): number[] {
  const starts: number[] = [];
  const re = /\n[ \t]*\n\s*/g;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    const at = m.index + 1;
    if (m.index + m[0].length < text.length) starts.push(at);
  }
  return starts;
}

/** Index of the segment holding offset `pos` (the first segment whose end is after it), or -1 past the end. */
export function segmentAt(segments: readonly Segment[], pos: number): number {
  let lo = 0;
  let hi = segments.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const s = segments[mid] as Segment;
    if (pos < s.start) hi = mid - 1;
    else if (pos >= s.end) lo = mid + 1;
    else return mid;
  }
  return -1;
}
