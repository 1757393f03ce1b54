// Columns of the citations report CSV. Documented in docs/csv.md: keep both in step (names are a public contract).
import { type CitationReportService } from '../citation-report.service';
import { CsvWriter } from '../../infra/http/csv/csv-writer';

type Section = 'measured' | 'synthetic';
const SECTIONS: readonly Section[] = ['measured', 'synthetic'];

type CitationsReport = Awaited<ReturnType<CitationReportService['citations']>>;
type DomainView = CitationsReport['measured']['domains'][number];

export type CitationDomainCsvRow = DomainView & { section: Section };

export const CITATIONS_CSV = new CsvWriter<CitationDomainCsvRow>([
  { name: 'section', value: (r) => r.section },
  { name: 'domain', value: (r) => r.domain },
  { name: 'brand_id', value: (r) => r.brandId },
  { name: 'brand_name', value: (r) => r.brandName },
  { name: 'citing_runs', value: (r) => r.citingRuns },
  { name: 'citation_count', value: (r) => r.citationCount },
  { name: 'citing_rate', value: (r) => r.citingRate.rate },
  { name: 'citing_rate_low', value: (r) => r.citingRate.low },
  { name: 'citing_rate_high', value: (r) => r.citingRate.high },
  { name: 'n', value: (r) => r.citingRate.n },
]);

/** One row per section × cited domain: measured rows first, each section in the JSON order. */
export function citationCsvRows(report: CitationsReport): CitationDomainCsvRow[] {
  return SECTIONS.flatMap((section) => report[section].domains.map((d) => ({ ...d, section })));
}
