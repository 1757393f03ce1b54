import { type z } from 'zod';
import {
  type arrivalReportResponseSchema,
  type citationReportResponseSchema,
  type gapDomainsReportResponseSchema,
  type gapReportResponseSchema,
  type headToHeadReportResponseSchema,
  type mentionReportResponseSchema,
  type trendReportResponseSchema,
} from '../reports/dto/report.dto';

// One-line summaries of tool results. The structured content carries every figure; the line names the
// headline ones, each with its n and 95% interval, and says when synthetic (demo engine) runs are present,
// so an assistant quoting only the line still quotes a figure with its sample size.

type Mentions = z.infer<typeof mentionReportResponseSchema>;
type HeadToHead = z.infer<typeof headToHeadReportResponseSchema>;
type Trend = z.infer<typeof trendReportResponseSchema>;
type Citations = z.infer<typeof citationReportResponseSchema>;
type Gaps = z.infer<typeof gapReportResponseSchema>;
type GapDomains = z.infer<typeof gapDomainsReportResponseSchema>;
type Arrival = z.infer<typeof arrivalReportResponseSchema>;

interface Interval {
  rate: number | null;
  low: number | null;
  high: number | null;
}

const MAX_ITEMS = 5;

const pct = (v: number) => `${Math.round(v * 1000) / 10}%`;

/** `42% (95% CI 30%–55%, n=40)`, or `n=0` when there is nothing to rate. */
export function formatRate(r: Interval, n: number): string {
  if (r.rate === null || n === 0) return `no data (n=${n})`;
  const ci = r.low !== null && r.high !== null ? `95% CI ${pct(r.low)}–${pct(r.high)}, ` : '';
  return `${pct(r.rate)} (${ci}n=${n})`;
}

/** The first few items joined, with a count of the rest. */
export function listed(items: string[], max = MAX_ITEMS): string {
  if (items.length === 0) return 'none';
  const head = items.slice(0, max).join('; ');
  return items.length > max ? `${head}; +${items.length - max} more` : head;
}

const range = (r: { from: string; to: string }) => `${r.from.slice(0, 10)}..${r.to.slice(0, 10)}`;

/** The synthetic section is only worth a word when it holds runs; then it is always labelled. */
const syntheticNote = (runs: number) =>
  runs > 0 ? ` Synthetic (demo engine) runs, reported apart: ${runs}.` : '';

export function mentionsSummary(r: Mentions): string {
  const brands = r.measured.brands.map((b) => `${b.name ?? b.brandId} ${formatRate(b.mentionRate, b.n)}`);
  const groups = r.groups ? ` ${r.groups.measured.length} measured groups by ${r.groupBy?.join('+')}.` : '';
  return (
    `Mention rate ${range(r)}, ${r.measured.successfulRuns} measured runs: ${listed(brands)}.` +
    groups +
    syntheticNote(r.synthetic.successfulRuns)
  );
}

export function headToHeadSummary(r: HeadToHead): string {
  const pairs = r.measured.map(
    (p) =>
      `${p.brandA.name ?? p.brandA.id} before ${p.brandB.name ?? p.brandB.id} ${formatRate(p.aFirstRate, p.aFirstRate.n)}`,
  );
  const synthetic = r.synthetic.reduce((max, p) => Math.max(max, p.runs), 0);
  return `Head to head ${range(r)}, measured: ${listed(pairs)}.${syntheticNote(synthetic)}`;
}

export function trendSummary(r: Trend): string {
  const buckets = new Set(r.measured.map((row) => row.bucket)).size;
  const latest = r.measured.at(-1)?.bucket;
  const last = r.measured
    .filter((row) => row.bucket === latest)
    .map((row) => `${row.name ?? row.brandId} ${formatRate(row.mentionRate, row.n)}`);
  const synthetic = r.synthetic.reduce((sum, row) => Math.max(sum, row.n), 0);
  return (
    `Trend by ${r.bucket} ${range(r)}: ${buckets} measured buckets` +
    (latest ? `; latest (${latest.slice(0, 10)}): ${listed(last)}.` : '.') +
    syntheticNote(synthetic)
  );
}

export function citationsSummary(r: Citations): string {
  const domains = r.measured.domains.map((d) => `${d.domain} ${formatRate(d.citingRate, d.citingRate.n)}`);
  return (
    `Citations ${range(r)}, ${r.measured.successfulRuns} measured runs; most cited: ${listed(domains)}.` +
    syntheticNote(r.synthetic.successfulRuns)
  );
}

export function gapsSummary(r: Gaps): string {
  const gaps = r.measured.gaps.map(
    (g) =>
      `${g.promptText ?? g.promptId} on ${g.engineName ?? g.engineId}: ${formatRate(g.gapRate, g.n)} without ${g.ownBrand.name ?? g.ownBrand.id}`,
  );
  const synthetic = r.synthetic.gaps.reduce((sum, g) => sum + g.n, 0);
  return `Gaps ${range(r)} (answers naming a competitor, not the own brand): ${listed(gaps, 3)}.${syntheticNote(synthetic)}`;
}

export function gapDomainsSummary(r: GapDomains): string {
  const domains = r.measured.domains.map((d) => `${d.domain} (${d.citingRuns} gap runs)`);
  const synthetic = r.synthetic.domains.reduce((sum, d) => sum + d.citingRuns, 0);
  return `Domains cited in gap answers ${range(r)}: ${listed(domains)}.${syntheticNote(synthetic)}`;
}

export function arrivalSummary(r: Arrival): string {
  const brands = r.measured.brands.map((b) => {
    const last = b.byTime.at(-1);
    if (!last) return `${b.name ?? b.brandId} (n=${b.n})`;
    const rate = { rate: last.share, low: last.lower, high: last.upper };
    return `${b.name ?? b.brandId} by ${last.tMs} ms ${formatRate(rate, b.n)}`;
  });
  return (
    `Arrival ${range(r)}, ${r.measured.successfulRuns} measured answers: ${listed(brands)}.` +
    syntheticNote(r.synthetic.successfulRuns)
  );
}
