// The storage form of a report digest (JSON, version DIGEST_FORMAT), as written to and read from stored blocks.
import { decodeHistogram, encodeHistogram } from './histogram';
import { emptySection, type ReportDigest, type SectionDigest } from './report-digest';

type EncodedBrand = [number, number, number, number, number[], number[], number[]];
type EncodedPair = [number, number, number, number, number, number, number[], number[]];
type EncodedDomain = [number, number, string | null, number | null];
interface EncodedSection {
  r: number;
  b: Record<string, EncodedBrand>;
  p: Record<string, EncodedPair>;
  d: Record<string, EncodedDomain>;
}

function encodeSection(s: SectionDigest): EncodedSection {
  const b: Record<string, EncodedBrand> = {};
  for (const [id, x] of s.brands) {
    b[id] = [
      x.n,
      x.mentioned,
      x.ownCited,
      x.citedNearMention,
      encodeHistogram(x.sinceFirstTokenUs),
      encodeHistogram(x.firstVisibleAtUs),
      encodeHistogram(x.firstTokenIndex),
    ];
  }
  const p: Record<string, EncodedPair> = {};
  for (const [key, x] of s.pairs) {
    p[key] = [
      x.runs,
      x.both,
      x.onlyA,
      x.onlyB,
      x.aFirst,
      x.bFirst,
      encodeHistogram(x.leadUs),
      encodeHistogram(x.leadTokens),
    ];
  }
  const d: Record<string, EncodedDomain> = {};
  for (const [domain, x] of s.domains) {
    d[domain] = [x.citingRuns, x.citations, x.brandId, x.brandId === null ? null : x.brandAtMs];
  }
  return { r: s.runs, b, p, d };
}

function decodeSection(e: EncodedSection): SectionDigest {
  const s = emptySection();
  s.runs = e.r;
  for (const [id, x] of Object.entries(e.b)) {
    s.brands.set(id, {
      n: x[0],
      mentioned: x[1],
      ownCited: x[2],
      citedNearMention: x[3],
      sinceFirstTokenUs: decodeHistogram(x[4]),
      firstVisibleAtUs: decodeHistogram(x[5]),
      firstTokenIndex: decodeHistogram(x[6]),
    });
  }
  for (const [key, x] of Object.entries(e.p)) {
    s.pairs.set(key, {
      runs: x[0],
      both: x[1],
      onlyA: x[2],
      onlyB: x[3],
      aFirst: x[4],
      bFirst: x[5],
      leadUs: decodeHistogram(x[6]),
      leadTokens: decodeHistogram(x[7]),
    });
  }
  for (const [domain, x] of Object.entries(e.d)) {
    s.domains.set(domain, {
      citingRuns: x[0],
      citations: x[1],
      brandId: x[2],
      brandAtMs: x[3] ?? -Infinity,
    });
  }
  return s;
}

export const DIGEST_FORMAT = 1;

export function encodeDigest(d: ReportDigest): string {
  return JSON.stringify({ v: DIGEST_FORMAT, m: encodeSection(d.measured), s: encodeSection(d.synthetic) });
}

export function decodeDigest(text: string): ReportDigest {
  const e = JSON.parse(text) as { v: number; m: EncodedSection; s: EncodedSection };
  if (e.v !== DIGEST_FORMAT) throw new Error(`unknown report digest format ${String(e.v)}`);
  return { measured: decodeSection(e.m), synthetic: decodeSection(e.s) };
}
