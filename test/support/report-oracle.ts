// An independent computation of the reports from scripted answers, written from docs/metrics.md and
// docs/csv.md, never from the production code (nothing under src/ is imported): the golden pipeline test
// (test/e2e/golden-pipeline.e2e-spec.ts) compares every field of every report with it.
//
// It handles the answers that test scripts: plain ASCII text, one sentence per line (no blank lines, no
// Markdown, no URLs, no lists), brands named by their name only. Token positions use the o200k_base
// encoding from the tokenizer library directly. Times are the script's (ms since the request); the test
// compares them with a tolerance (`approx`).
import { decode, encode } from 'gpt-tokenizer/cjs/encoding/o200k_base';

export interface OracleBrand {
  id: string;
  name: string;
  kind: 'own' | 'competitor';
  domains: string[];
}

/** One scripted answer as the fake provider sent it: chunk texts with their send times (ms since request). */
export interface ScriptedRun {
  engineId: string;
  promptId: string;
  tags: string[];
  requestAt: Date;
  chunks: { text: string; atMs: number }[];
  citedUrls: string[];
}

export interface OracleSettings {
  foldTokens: number;
  halfLifeMs: number;
}

/** A time-derived expectation: equal within `tolerance` (anything else is compared exactly). */
export class Approx {
  constructor(
    readonly value: number,
    readonly tolerance: number,
  ) {}
}

/** Per run and brand, as docs/metrics.md "Per run and brand" defines it. */
export interface BrandFacts {
  mentioned: boolean;
  mentionCount: number;
  sinceFirstTokenMs: number | null;
  firstVisibleAtMs: number | null;
  firstTokenIndex: number | null;
  relPosition: number | null;
  order: number | null;
  aboveFold: boolean;
  attention: number;
  trakkrPoints: number;
  geoWeightedWords: number;
  geoShareOfAnswer: number;
}

const Z = 1.959963984540054;

/** docs/metrics.md "Wilson interval". */
export function wilson(k: number, n: number): { rate: number; low: number; high: number } | null {
  if (n === 0) return null;
  const p = k / n;
  const z2 = Z * Z;
  const denom = 1 + z2 / n;
  const center = (p + z2 / (2 * n)) / denom;
  const half = (Z / denom) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return {
    rate: p,
    low: k === 0 ? 0 : Math.max(0, center - half),
    high: k === n ? 1 : Math.min(1, center + half),
  };
}

/** docs/metrics.md "percentile_cont". */
export function percentileCont(values: number[], p: number): number | null {
  if (values.length === 0) return null;
  const v = [...values].sort((a, b) => a - b);
  const h = p * (v.length - 1);
  const lo = v[Math.floor(h)]!;
  return lo + (v[Math.ceil(h)]! - lo) * (h - Math.floor(h));
}

export const round = (v: number | null, digits: number): number | null =>
  v === null ? null : Number(v.toFixed(digits));

/** A rate as the reports present it: Wilson interval rounded to 6 decimals, with its n. */
export function rateOf(k: number, n: number) {
  const w = wilson(k, n);
  return {
    rate: round(w?.rate ?? null, 6),
    low: round(w?.low ?? null, 6),
    high: round(w?.high ?? null, 6),
    n,
  };
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Token end offsets of the answer (ASCII: one UTF-16 unit per byte). */
function tokenEnds(text: string): number[] {
  let end = 0;
  return encode(text).map((token) => (end += decode([token]).length));
}

/** The per-brand facts of one scripted run (docs/metrics.md "Per mention", "Per run and brand", GEO). */
export function runFacts(
  run: ScriptedRun,
  brands: OracleBrand[],
  s: OracleSettings,
): Map<string, BrandFacts> {
  const text = run.chunks.map((c) => c.text).join('');
  const chunkEnds: number[] = [];
  run.chunks.reduce((end, c) => (chunkEnds.push(end + c.text.length), end + c.text.length), 0);
  const arrivalAt = (offset: number) => run.chunks[chunkEnds.findIndex((end) => end > offset)]!.atMs;
  const ttftMs = run.chunks.find((c) => c.text.length > 0)!.atMs;
  const ends = tokenEnds(text);
  const lines = text.split('\n');
  const lineStarts: number[] = [];
  lines.reduce((start, line) => (lineStarts.push(start), start + line.length + 1), 0);
  const words = lines.map(
    (line) =>
      [...new Intl.Segmenter('en', { granularity: 'word' }).segment(line)].filter((w) => w.isWordLike).length,
  );
  const totalWords = words.reduce((a, b) => a + b, 0);
  const lineOf = (offset: number) => lineStarts.findLastIndex((start) => start <= offset);
  const mentions = brands.map((b) =>
    [...text.matchAll(new RegExp(`\\b${escapeRe(b.name)}\\b`, 'gi'))].map((m) => m.index),
  );
  const brandsByLine = new Map<number, Set<string>>();
  brands.forEach((b, i) =>
    mentions[i]!.forEach((at) =>
      brandsByLine.set(lineOf(at), (brandsByLine.get(lineOf(at)) ?? new Set()).add(b.id)),
    ),
  );
  const named = brands
    .map((b, i) => ({ id: b.id, first: mentions[i]![0] }))
    .filter((b): b is { id: string; first: number } => b.first !== undefined)
    .sort((a, b) => a.first - b.first);
  const out = new Map<string, BrandFacts>();
  brands.forEach((b, i) => {
    const found = mentions[i]!;
    const first = found[0];
    let weighted = 0;
    for (const [line, ids] of brandsByLine) {
      if (ids.has(b.id)) weighted += (words[line]! / ids.size) * Math.exp(-line / lines.length);
    }
    if (first === undefined) {
      out.set(b.id, {
        mentioned: false,
        mentionCount: 0,
        sinceFirstTokenMs: null,
        firstVisibleAtMs: null,
        firstTokenIndex: null,
        relPosition: null,
        order: null,
        aboveFold: false,
        attention: 0,
        trakkrPoints: 0,
        geoWeightedWords: 0,
        geoShareOfAnswer: 0,
      });
      return;
    }
    const visible = arrivalAt(first + b.name.length - 1);
    const since = Math.max(0, visible - ttftMs);
    const tokenIndex = ends.findIndex((end) => end > first);
    const order = named.findIndex((x) => x.id === b.id) + 1;
    const trakkr =
      named.length === 1
        ? 10
        : Math.max(1, Math.floor(10 - 9 * Math.sqrt((order - 1) / (named.length - 1)) + 0.5));
    out.set(b.id, {
      mentioned: true,
      mentionCount: found.length,
      sinceFirstTokenMs: since,
      firstVisibleAtMs: visible,
      firstTokenIndex: tokenIndex,
      relPosition: tokenIndex / ends.length,
      order,
      aboveFold: tokenIndex < s.foldTokens,
      attention: 2 ** (-since / s.halfLifeMs),
      trakkrPoints: trakkr,
      geoWeightedWords: weighted,
      geoShareOfAnswer: totalWords > 0 ? weighted / totalWords : 0,
    });
  });
  return out;
}

/** The host of a cited URL and the tracked brand owning it (the most specific tracked domain). */
export function citedDomain(url: string, brands: OracleBrand[]): { domain: string; brandId: string | null } {
  const domain = new URL(url).hostname.toLowerCase();
  let best: { brandId: string; length: number } | null = null;
  for (const b of brands) {
    for (const d of b.domains) {
      if ((domain === d || domain.endsWith(`.${d}`)) && (best === null || d.length > best.length)) {
        best = { brandId: b.id, length: d.length };
      }
    }
  }
  return { domain, brandId: best?.brandId ?? null };
}
