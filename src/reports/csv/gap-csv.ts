// Columns of the gaps report CSVs. Documented in docs/csv.md: keep both in step (names are a public contract).
import { CsvWriter } from '../../infra/http/csv/csv-writer';
import { type GapReportService } from '../gap-report.service';

type Section = 'measured' | 'synthetic';
const SECTIONS: readonly Section[] = ['measured', 'synthetic'];

type GapReport = Awaited<ReturnType<GapReportService['gapReport']>>;
type GapView = GapReport['measured']['gaps'][number];
type CompetitorView = GapView['competitors'][number];
type GapDomainsReport = Awaited<ReturnType<GapReportService['domainsReport']>>;
type GapDomainView = GapDomainsReport['measured']['domains'][number];

export type GapCsvRow = GapView & { section: Section; competitor: CompetitorView };
export type GapDomainCsvRow = GapDomainView & { section: Section };

export const GAPS_CSV = new CsvWriter<GapCsvRow>([
  { name: 'section', value: (r) => r.section },
  { name: 'own_brand_id', value: (r) => r.ownBrand.id },
  { name: 'own_brand_name', value: (r) => r.ownBrand.name },
  { name: 'prompt_id', value: (r) => r.promptId },
  { name: 'prompt_text', value: (r) => r.promptText },
  { name: 'engine_id', value: (r) => r.engineId },
  { name: 'engine_name', value: (r) => r.engineName },
  { name: 'n', value: (r) => r.n },
  { name: 'gap_runs', value: (r) => r.gapRuns },
  { name: 'gap_rate', value: (r) => r.gapRate.rate },
  { name: 'gap_rate_low', value: (r) => r.gapRate.low },
  { name: 'gap_rate_high', value: (r) => r.gapRate.high },
  { name: 'competitor_id', value: (r) => r.competitor.brandId },
  { name: 'competitor_name', value: (r) => r.competitor.name },
  { name: 'competitor_runs', value: (r) => r.competitor.runs },
]);

export const GAP_DOMAINS_CSV = new CsvWriter<GapDomainCsvRow>([
  { name: 'section', value: (r) => r.section },
  { name: 'own_brand_id', value: (r) => r.ownBrand.id },
  { name: 'own_brand_name', value: (r) => r.ownBrand.name },
  { name: 'domain', value: (r) => r.domain },
  { name: 'brand_id', value: (r) => r.brandId },
  { name: 'brand_name', value: (r) => r.brandName },
  { name: 'citing_runs', value: (r) => r.citingRuns },
  { name: 'citation_count', value: (r) => r.citationCount },
]);

/** One row per section × gap × competitor named (the gap's figures repeat), in the JSON order. */
export function gapCsvRows(report: GapReport): GapCsvRow[] {
  return SECTIONS.flatMap((section) =>
    report[section].gaps.flatMap((g) => g.competitors.map((competitor) => ({ ...g, section, competitor }))),
  );
}

export function gapDomainCsvRows(report: GapDomainsReport): GapDomainCsvRow[] {
  return SECTIONS.flatMap((section) => report[section].domains.map((d) => ({ ...d, section })));
}
