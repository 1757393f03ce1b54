// The timeline strip's curve: cumulative tokens over recorded time, as an SVG step path. Pure.

export interface CurvePoint {
  tMs: number;
  tokens: number;
}

/** Cumulative token count after each distinct arrival time (sorted input), at most `maxPoints` points. */
export function cumulativeTokens(sortedArrivals: readonly number[], maxPoints = 600): CurvePoint[] {
  const points: CurvePoint[] = [];
  for (let i = 0; i < sortedArrivals.length; i++) {
    const t = sortedArrivals[i] as number;
    const last = points[points.length - 1];
    if (last && last.tMs === t) last.tokens = i + 1;
    else points.push({ tMs: t, tokens: i + 1 });
  }
  if (points.length <= maxPoints) return points;
  // Keep every k-th step and the last one: the curve keeps its shape, the path stays small.
  const k = Math.ceil(points.length / maxPoints);
  const kept = points.filter((_, i) => i % k === k - 1);
  const end = points[points.length - 1] as CurvePoint;
  if (kept[kept.length - 1] !== end) kept.push(end);
  return kept;
}

export interface CurveScale {
  width: number;
  height: number;
  durationMs: number;
  maxTokens: number;
}

export const xOf = (s: CurveScale, tMs: number): number =>
  s.durationMs <= 0 ? 0 : Math.min(s.width, Math.max(0, (tMs / s.durationMs) * s.width));

export const yOf = (s: CurveScale, tokens: number): number =>
  s.maxTokens <= 0 ? s.height : s.height - (Math.min(tokens, s.maxTokens) / s.maxTokens) * s.height;

/** A step path (tokens arrive at once, then stay): starts at (0, 0 tokens). */
export function stepPath(points: readonly CurvePoint[], s: CurveScale): string {
  const r = (n: number): string => (Math.round(n * 10) / 10).toString();
  let d = `M0 ${r(s.height)}`;
  for (const p of points) d += `H${r(xOf(s, p.tMs))}V${r(yOf(s, p.tokens))}`;
  return `${d}H${r(s.width)}`;
}
