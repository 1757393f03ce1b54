// Cuts the tested text into segments, each marked with the strongest span covering it: a counted mention
// over an excluded phrase over a near miss. Pure; the spans come from the explain endpoint (never matched here).

export type SpanKind = 'mention' | 'excluded' | 'near-miss';

export interface Span {
  kind: SpanKind;
  start: number;
  end: number;
  /** Index into the list the caller keeps (to show the legend entry of the span). */
  index: number;
  brandName: string;
}

export interface Segment {
  text: string;
  start: number;
  span: Span | null;
}

const RANK: Record<SpanKind, number> = { mention: 3, excluded: 2, 'near-miss': 1 };

export function segmentsOf(text: string, spans: readonly Span[]): Segment[] {
  const cuts = new Set<number>([0, text.length]);
  for (const s of spans) {
    cuts.add(Math.max(0, Math.min(text.length, s.start)));
    cuts.add(Math.max(0, Math.min(text.length, s.end)));
  }
  const points = [...cuts].sort((a, b) => a - b);
  const out: Segment[] = [];
  for (let i = 0; i + 1 < points.length; i++) {
    const start = points[i]!;
    const end = points[i + 1]!;
    if (end <= start) continue;
    let best: Span | null = null;
    for (const s of spans) {
      if (s.start <= start && s.end >= end && (!best || RANK[s.kind] > RANK[best.kind])) best = s;
    }
    const prev = out[out.length - 1];
    if (prev && prev.span === best) prev.text += text.slice(start, end);
    else out.push({ text: text.slice(start, end), start, span: best });
  }
  return out;
}
