// Column lists of the mention, head-to-head and trend report CSVs. Documented in docs/csv.md: keep both in step
// (names are a public contract).
import { type MentionReportService } from '../mention-report.service';
import { CsvWriter } from '../../infra/http/csv/csv-writer';

type Section = 'measured' | 'synthetic';
const SECTIONS: readonly Section[] = ['measured', 'synthetic'];

type MentionsReport = Awaited<ReturnType<MentionReportService['mentions']>>;
type BrandView = MentionsReport['measured']['brands'][number];
type HeadToHeadReport = Awaited<ReturnType<MentionReportService['headToHead']>>;
type PairView = HeadToHeadReport['measured'][number];
type TrendReport = Awaited<ReturnType<MentionReportService['trend']>>;
type TrendView = TrendReport['measured'][number];

export type MentionCsvRow = BrandView & { section: Section };
export type HeadToHeadCsvRow = PairView & { section: Section };
export type TrendCsvRow = TrendView & { section: Section; brandName: string | null };

export const MENTIONS_CSV = new CsvWriter<MentionCsvRow>([
  { name: 'section', value: (r) => r.section },
  { name: 'brand_id', value: (r) => r.brandId },
  { name: 'brand_name', value: (r) => r.name },
  { name: 'kind', value: (r) => r.kind },
  { name: 'n', value: (r) => r.n },
  { name: 'mentioned_runs', value: (r) => r.mentionedRuns },
  { name: 'mention_count', value: (r) => r.mentionCount },
  { name: 'mention_rate', value: (r) => r.mentionRate.rate },
  { name: 'mention_rate_low', value: (r) => r.mentionRate.low },
  { name: 'mention_rate_high', value: (r) => r.mentionRate.high },
  { name: 'time_to_first_mention_ms_p50', value: (r) => r.timeToFirstMentionMs.p50 },
  { name: 'time_to_first_mention_ms_p90', value: (r) => r.timeToFirstMentionMs.p90 },
  { name: 'first_visible_at_ms_p50', value: (r) => r.firstVisibleAtMs.p50 },
  { name: 'first_visible_at_ms_p90', value: (r) => r.firstVisibleAtMs.p90 },
  { name: 'first_token_index_p50', value: (r) => r.firstTokenIndex.p50 },
  { name: 'first_token_index_p90', value: (r) => r.firstTokenIndex.p90 },
  { name: 'mean_order', value: (r) => r.meanOrder },
  { name: 'above_fold_rate', value: (r) => r.aboveFoldRate.rate },
  { name: 'above_fold_rate_low', value: (r) => r.aboveFoldRate.low },
  { name: 'above_fold_rate_high', value: (r) => r.aboveFoldRate.high },
  { name: 'mean_stream_score', value: (r) => r.meanStreamScore },
  { name: 'share_of_voice', value: (r) => r.shareOfVoice },
  { name: 'attention_share_of_voice', value: (r) => r.attentionShareOfVoice },
  { name: 'average_position', value: (r) => r.compatibility.averagePosition },
  { name: 'band_top', value: (r) => r.compatibility.positionBands?.top },
  { name: 'band_middle', value: (r) => r.compatibility.positionBands?.middle },
  { name: 'band_bottom', value: (r) => r.compatibility.positionBands?.bottom },
  { name: 'mean_trakkr_points', value: (r) => r.compatibility.meanTrakkrPoints },
  { name: 'geo_n', value: (r) => r.compatibility.geo.n },
  { name: 'geo_mean_weighted_words', value: (r) => r.compatibility.geo.meanWeightedWords },
  { name: 'geo_mean_share_of_answer', value: (r) => r.compatibility.geo.meanShareOfAnswer },
  { name: 'geo_share_of_brands', value: (r) => r.compatibility.geo.shareOfBrands },
]);

export const HEAD_TO_HEAD_CSV = new CsvWriter<HeadToHeadCsvRow>([
  { name: 'section', value: (r) => r.section },
  { name: 'brand_a_id', value: (r) => r.brandA.id },
  { name: 'brand_a_name', value: (r) => r.brandA.name },
  { name: 'brand_b_id', value: (r) => r.brandB.id },
  { name: 'brand_b_name', value: (r) => r.brandB.name },
  { name: 'runs', value: (r) => r.runs },
  { name: 'both_mentioned', value: (r) => r.bothMentioned },
  { name: 'only_a', value: (r) => r.onlyA },
  { name: 'only_b', value: (r) => r.onlyB },
  { name: 'a_first_rate', value: (r) => r.aFirstRate.rate },
  { name: 'a_first_rate_low', value: (r) => r.aFirstRate.low },
  { name: 'a_first_rate_high', value: (r) => r.aFirstRate.high },
  { name: 'a_first_n', value: (r) => r.aFirstRate.n },
  { name: 'median_lead_ms', value: (r) => r.medianLeadMs },
  { name: 'median_lead_tokens', value: (r) => r.medianLeadTokens },
]);

export const TREND_CSV = new CsvWriter<TrendCsvRow>([
  { name: 'section', value: (r) => r.section },
  { name: 'bucket', value: (r) => r.bucket },
  { name: 'brand_id', value: (r) => r.brandId },
  { name: 'brand_name', value: (r) => r.brandName },
  { name: 'n', value: (r) => r.n },
  { name: 'mention_count', value: (r) => r.mentionCount },
  { name: 'mention_rate', value: (r) => r.mentionRate.rate },
  { name: 'mention_rate_low', value: (r) => r.mentionRate.low },
  { name: 'mention_rate_high', value: (r) => r.mentionRate.high },
  { name: 'mean_stream_score', value: (r) => r.meanStreamScore },
]);

/** Measured rows first, then synthetic; each section in the JSON report's order. */
export function mentionCsvRows(report: MentionsReport): MentionCsvRow[] {
  return SECTIONS.flatMap((section) => report[section].brands.map((b) => ({ ...b, section })));
}

export function headToHeadCsvRows(report: HeadToHeadReport): HeadToHeadCsvRow[] {
  return SECTIONS.flatMap((section) => report[section].map((p) => ({ ...p, section })));
}

export function trendCsvRows(report: TrendReport, names: ReadonlyMap<string, string>): TrendCsvRow[] {
  return SECTIONS.flatMap((section) =>
    report[section].map((r) => ({ ...r, section, brandName: names.get(r.brandId) ?? null })),
  );
}
