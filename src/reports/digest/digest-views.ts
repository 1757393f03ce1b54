// Views: report rows (percentiles, head-to-head pairs, top domains) read from a merged report digest.
import { histogramPercentile, negated } from './histogram';
import { type SectionDigest } from './report-digest';

/** At most this many domains per section, by citing runs. */
export const TOP_DOMAINS = 100;

export interface BrandPercentiles {
  brandId: string;
  ttfmP50Us: number | null;
  ttfmP90Us: number | null;
  visibleP50Us: number | null;
  visibleP90Us: number | null;
  tokenIndexP50: number | null;
  tokenIndexP90: number | null;
}

export function brandPercentiles(s: SectionDigest): BrandPercentiles[] {
  return [...s.brands].map(([brandId, b]) => ({
    brandId,
    ttfmP50Us: histogramPercentile(b.sinceFirstTokenUs, 0.5),
    ttfmP90Us: histogramPercentile(b.sinceFirstTokenUs, 0.9),
    visibleP50Us: histogramPercentile(b.firstVisibleAtUs, 0.5),
    visibleP90Us: histogramPercentile(b.firstVisibleAtUs, 0.9),
    tokenIndexP50: histogramPercentile(b.firstTokenIndex, 0.5),
    tokenIndexP90: histogramPercentile(b.firstTokenIndex, 0.9),
  }));
}

export interface PairRow {
  brandA: string;
  brandB: string;
  runs: number;
  both: number;
  onlyA: number;
  onlyB: number;
  aFirst: number;
  /** Median of B's first arrival − A's (µs) over runs naming both; null when none. */
  medianLeadUs: number | null;
  medianLeadTokens: number | null;
}

/** Every ordered pair (A, B) with A ≠ B, both directions, in brand id order. */
export function pairRows(s: SectionDigest): PairRow[] {
  const rows: PairRow[] = [];
  for (const [key, p] of s.pairs) {
    const [a, b] = key.split('|') as [string, string];
    rows.push({
      brandA: a,
      brandB: b,
      runs: p.runs,
      both: p.both,
      onlyA: p.onlyA,
      onlyB: p.onlyB,
      aFirst: p.aFirst,
      medianLeadUs: histogramPercentile(p.leadUs, 0.5),
      medianLeadTokens: histogramPercentile(p.leadTokens, 0.5),
    });
    rows.push({
      brandA: b,
      brandB: a,
      runs: p.runs,
      both: p.both,
      onlyA: p.onlyB,
      onlyB: p.onlyA,
      aFirst: p.bFirst,
      medianLeadUs: histogramPercentile(negated(p.leadUs), 0.5),
      medianLeadTokens: histogramPercentile(negated(p.leadTokens), 0.5),
    });
  }
  return rows.sort((x, y) =>
    x.brandA === y.brandA ? (x.brandB < y.brandB ? -1 : 1) : x.brandA < y.brandA ? -1 : 1,
  );
}

export interface DomainRow {
  domain: string;
  citingRuns: number;
  citations: number;
  brandId: string | null;
}

/** The top TOP_DOMAINS domains by citing runs, then citations, then domain. */
export function topDomains(s: SectionDigest): DomainRow[] {
  return [...s.domains]
    .map(([domain, d]) => ({ domain, citingRuns: d.citingRuns, citations: d.citations, brandId: d.brandId }))
    .sort((x, y) =>
      y.citingRuns !== x.citingRuns
        ? y.citingRuns - x.citingRuns
        : y.citations !== x.citations
          ? y.citations - x.citations
          : x.domain < y.domain
            ? -1
            : x.domain > y.domain
              ? 1
              : 0,
    )
    .slice(0, TOP_DOMAINS);
}
