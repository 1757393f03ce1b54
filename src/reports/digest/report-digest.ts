// Report digests: what the mention-position, head-to-head and citation reports need from a set of runs, in a
// form that merges. Built from runs' facts (digestRuns) and merged across time blocks (mergeDigests); stored as
// JSON by ./digest-codec.ts and read into report rows by ./digest-views.ts. Counts are exact; distributions
// are log-bucketed histograms (./histogram.ts), so their percentiles carry a bounded error.
// Pure: the same code digests an hour for storage and the raw rows a report reads around stored blocks.
import { addValue, emptyHistogram, mergeInto, type Histogram } from './histogram';

/** How far after a mention's end (UTF-16 characters) a citation's span may start and still count as "next to" it. */
export const NEAR_MENTION_CHARS = 200;

export interface ScoreFacts {
  brandId: string;
  mentioned: boolean;
  order: number | null;
  firstVisibleAtUs: number | null;
  sinceFirstTokenUs: number | null;
  firstTokenIndex: number | null;
}

export interface CitationFacts {
  domain: string;
  brandId: string | null;
  createdAtMs: number;
  charStart: number | null;
  charEnd: number | null;
}

export interface MentionSpan {
  brandId: string;
  charStart: number;
  charEnd: number;
}

/** One successful run: its score rows (one per brand), citations, and the spans of its mentions. */
export interface RunFacts {
  runId: string;
  synthetic: boolean;
  observedAtMs: number;
  scores: ScoreFacts[];
  citations: CitationFacts[];
  mentions: MentionSpan[];
}

export interface BrandDigest {
  n: number;
  mentioned: number;
  /** Runs citing one of the brand's domains. */
  ownCited: number;
  /** Runs mentioning the brand with a citation next to one of its mentions. */
  citedNearMention: number;
  sinceFirstTokenUs: Histogram;
  firstVisibleAtUs: Histogram;
  firstTokenIndex: Histogram;
}

/** One unordered pair, stored as (a, b) with a < b; leads are B − A. */
export interface PairDigest {
  runs: number;
  both: number;
  onlyA: number;
  onlyB: number;
  aFirst: number;
  bFirst: number;
  leadUs: Histogram;
  leadTokens: Histogram;
}

export interface DomainDigest {
  citingRuns: number;
  citations: number;
  /** The tracked brand the domain matched most recently (by citation creation time), if any. */
  brandId: string | null;
  brandAtMs: number;
}

export interface SectionDigest {
  runs: number;
  brands: Map<string, BrandDigest>;
  pairs: Map<string, PairDigest>;
  domains: Map<string, DomainDigest>;
}

/** Measured runs and synthetic (demo engine) runs, never mixed. */
export interface ReportDigest {
  measured: SectionDigest;
  synthetic: SectionDigest;
}

export const emptySection = (): SectionDigest => ({
  runs: 0,
  brands: new Map(),
  pairs: new Map(),
  domains: new Map(),
});

export const emptyDigest = (): ReportDigest => ({
  measured: emptySection(),
  synthetic: emptySection(),
});

export const digestRuns = (digest: ReportDigest, runs: Iterable<RunFacts>): number => {
  let added = 0;
  for (const run of runs) {
    addRun(digest, run);
    added++;
  }
  return added;
};

const emptyBrand = (): BrandDigest => ({
  n: 0,
  mentioned: 0,
  ownCited: 0,
  citedNearMention: 0,
  sinceFirstTokenUs: emptyHistogram(),
  firstVisibleAtUs: emptyHistogram(),
  firstTokenIndex: emptyHistogram(),
});

const emptyPair = (): PairDigest => ({
  runs: 0,
  both: 0,
  onlyA: 0,
  onlyB: 0,
  aFirst: 0,
  bFirst: 0,
  leadUs: emptyHistogram(),
  leadTokens: emptyHistogram(),
});

function getOr<K, V>(map: Map<K, V>, key: K, make: () => V): V {
  let v = map.get(key);
  if (v === undefined) {
    v = make();
    map.set(key, v);
  }
  return v;
}

/** A citation [s, e) lies next to a mention [ms, me) when max(e, s + 1) > ms and s <= me + NEAR_MENTION_CHARS. */
function citedNear(citations: CitationFacts[], mentions: MentionSpan[], brandId: string): boolean {
  for (const m of mentions) {
    if (m.brandId !== brandId) continue;
    for (const c of citations) {
      if (c.charStart === null || c.charEnd === null) continue;
      if (
        Math.max(c.charEnd, c.charStart + 1) > m.charStart &&
        c.charStart <= m.charEnd + NEAR_MENTION_CHARS
      ) {
        return true;
      }
    }
  }
  return false;
}

export function addRun(digest: ReportDigest, run: RunFacts): void {
  const section = run.synthetic ? digest.synthetic : digest.measured;
  section.runs++;
  const citedBrands = new Set<string>();
  const domainsSeen = new Set<string>();
  for (const c of run.citations) {
    if (c.brandId !== null) citedBrands.add(c.brandId);
    const d = getOr(section.domains, c.domain, () => ({
      citingRuns: 0,
      citations: 0,
      brandId: null,
      brandAtMs: -Infinity,
    }));
    d.citations++;
    if (!domainsSeen.has(c.domain)) {
      domainsSeen.add(c.domain);
      d.citingRuns++;
    }
    if (c.brandId !== null) takeNewerBrand(d, c.brandId, c.createdAtMs);
  }
  const scores = [...run.scores].sort((x, y) => (x.brandId < y.brandId ? -1 : x.brandId > y.brandId ? 1 : 0));
  for (const s of scores) {
    const b = getOr(section.brands, s.brandId, emptyBrand);
    b.n++;
    if (citedBrands.has(s.brandId)) b.ownCited++;
    if (!s.mentioned) continue;
    b.mentioned++;
    if (citedNear(run.citations, run.mentions, s.brandId)) b.citedNearMention++;
    if (s.sinceFirstTokenUs !== null) addValue(b.sinceFirstTokenUs, s.sinceFirstTokenUs);
    if (s.firstVisibleAtUs !== null) addValue(b.firstVisibleAtUs, s.firstVisibleAtUs);
    if (s.firstTokenIndex !== null) addValue(b.firstTokenIndex, s.firstTokenIndex);
  }
  for (let i = 0; i < scores.length; i++) {
    const a = scores[i]!;
    for (let j = i + 1; j < scores.length; j++) {
      const b = scores[j]!;
      if (a.brandId === b.brandId) continue;
      const p = getOr(section.pairs, `${a.brandId}|${b.brandId}`, emptyPair);
      p.runs++;
      if (a.mentioned && b.mentioned) {
        p.both++;
        if (a.order !== null && b.order !== null) {
          if (a.order < b.order) p.aFirst++;
          else if (b.order < a.order) p.bFirst++;
        }
        if (a.firstVisibleAtUs !== null && b.firstVisibleAtUs !== null) {
          addValue(p.leadUs, b.firstVisibleAtUs - a.firstVisibleAtUs);
        }
        if (a.firstTokenIndex !== null && b.firstTokenIndex !== null) {
          addValue(p.leadTokens, b.firstTokenIndex - a.firstTokenIndex);
        }
      } else if (a.mentioned) p.onlyA++;
      else if (b.mentioned) p.onlyB++;
    }
  }
}

function takeNewerBrand(d: DomainDigest, brandId: string, atMs: number): void {
  if (atMs > d.brandAtMs || (atMs === d.brandAtMs && d.brandId !== null && brandId > d.brandId)) {
    d.brandId = brandId;
    d.brandAtMs = atMs;
  }
}

function mergeSection(into: SectionDigest, from: SectionDigest): void {
  into.runs += from.runs;
  for (const [id, b] of from.brands) {
    const t = getOr(into.brands, id, emptyBrand);
    t.n += b.n;
    t.mentioned += b.mentioned;
    t.ownCited += b.ownCited;
    t.citedNearMention += b.citedNearMention;
    mergeInto(t.sinceFirstTokenUs, b.sinceFirstTokenUs);
    mergeInto(t.firstVisibleAtUs, b.firstVisibleAtUs);
    mergeInto(t.firstTokenIndex, b.firstTokenIndex);
  }
  for (const [key, p] of from.pairs) {
    const t = getOr(into.pairs, key, emptyPair);
    t.runs += p.runs;
    t.both += p.both;
    t.onlyA += p.onlyA;
    t.onlyB += p.onlyB;
    t.aFirst += p.aFirst;
    t.bFirst += p.bFirst;
    mergeInto(t.leadUs, p.leadUs);
    mergeInto(t.leadTokens, p.leadTokens);
  }
  for (const [domain, d] of from.domains) {
    const t = getOr(into.domains, domain, () => ({
      citingRuns: 0,
      citations: 0,
      brandId: null,
      brandAtMs: -Infinity,
    }));
    t.citingRuns += d.citingRuns;
    t.citations += d.citations;
    if (d.brandId !== null) takeNewerBrand(t, d.brandId, d.brandAtMs);
  }
}

/** Adds `from` into `into` (counts add, histograms add, the newest domain match wins). */
export function mergeDigests(into: ReportDigest, from: ReportDigest): ReportDigest {
  mergeSection(into.measured, from.measured);
  mergeSection(into.synthetic, from.synthetic);
  return into;
}

export const digestRunCount = (d: ReportDigest): number => d.measured.runs + d.synthetic.runs;
