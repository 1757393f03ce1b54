// Number formatting for people. Every helper takes null/undefined and returns an en dash.

const DASH = '–';
const intFormat = new Intl.NumberFormat('en-US');

export function formatN(n: number | null | undefined): string {
  return n === null || n === undefined || !Number.isFinite(n) ? DASH : intFormat.format(Math.round(n));
}

/** Milliseconds: "840 ms" under a second, "1.8 s" above (and "12 s" from ten seconds). */
export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return DASH;
  const abs = Math.abs(ms);
  if (abs < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  return Math.abs(s) < 10 ? `${s.toFixed(1)} s` : `${intFormat.format(Math.round(s))} s`;
}

/** A 0..1 fraction as a percentage: 0.4213 → "42%"; `digits` adds decimals. */
export function formatPercent(rate: number | null | undefined, digits = 0): string {
  if (rate === null || rate === undefined || !Number.isFinite(rate)) return DASH;
  return `${(rate * 100).toFixed(digits)}%`;
}

/** A rate with its Wilson interval: "42% (35-49%)". */
export function formatRate(
  rate: number | null | undefined,
  lower: number | null | undefined,
  upper: number | null | undefined,
): string {
  if (rate === null || rate === undefined) return DASH;
  if (lower === null || lower === undefined || upper === null || upper === undefined) {
    return formatPercent(rate);
  }
  return `${formatPercent(rate)} (${Math.round(lower * 100)}-${Math.round(upper * 100)}%)`;
}

/** A change in percentage points: +3.2 pts, -1 pt. Input is a 0..1 difference unless `alreadyPoints`. */
export function formatPoints(delta: number | null | undefined, alreadyPoints = false): string {
  if (delta === null || delta === undefined || !Number.isFinite(delta)) return DASH;
  const pts = alreadyPoints ? delta : delta * 100;
  const rounded = Math.round(pts * 10) / 10;
  const sign = rounded > 0 ? '+' : rounded < 0 ? '−' : '±';
  return `${sign}${Math.abs(rounded).toFixed(1)} pts`;
}

/** A plain decimal score, e.g. the Stream Visibility Score. */
export function formatScore(v: number | null | undefined, digits = 1): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return DASH;
  return v.toFixed(digits);
}

export function formatSigned(v: number | null | undefined, digits = 1): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return DASH;
  const r = Number(v.toFixed(digits));
  return `${r > 0 ? '+' : r < 0 ? '−' : '±'}${Math.abs(r).toFixed(digits)}`;
}

const dateFormat = new Intl.DateTimeFormat('en-US', { month: 'short', day: 'numeric', year: 'numeric' });
const dateTimeFormat = new Intl.DateTimeFormat('en-US', {
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
});

export function formatDate(iso: string | null | undefined): string {
  if (!iso) return DASH;
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? DASH : dateFormat.format(d);
}

export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return DASH;
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? DASH : dateTimeFormat.format(d);
}

/** Just the interval: "35-49%". */
export function formatInterval(lower: number | null | undefined, upper: number | null | undefined): string {
  if (lower === null || lower === undefined || upper === null || upper === undefined) return DASH;
  return `${Math.round(lower * 100)}-${Math.round(upper * 100)}%`;
}
