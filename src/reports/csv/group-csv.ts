// CSV of breakdowns (`groupBy`): the report's own CSV columns, one row per section × group × row of the group,
// then the group columns appended (names are a public contract: docs/csv.md "Breakdowns").
import { CITATIONS_CSV, type CitationDomainCsvRow } from './citation-csv';
import { type CsvColumn, CsvWriter } from '../../infra/http/csv/csv-writer';
import { HEAD_TO_HEAD_CSV, MENTIONS_CSV, type HeadToHeadCsvRow, type MentionCsvRow } from './report-csv';
import { type GroupLabel } from '../group-digests.service';
import { type GroupedReportsService } from '../grouped-reports.service';

type Section = 'measured' | 'synthetic';
const SECTIONS: readonly Section[] = ['measured', 'synthetic'];

interface GroupCells {
  group: GroupLabel;
  groupN: number;
}

type MentionsReport = Awaited<ReturnType<GroupedReportsService['mentions']>>;
type HeadToHeadReport = Awaited<ReturnType<GroupedReportsService['headToHead']>>;
type CitationsReport = Awaited<ReturnType<GroupedReportsService['citations']>>;

export const GROUP_COLUMNS: CsvColumn<GroupCells>[] = [
  { name: 'group_engine_id', value: (r) => r.group.engineId },
  { name: 'group_engine_name', value: (r) => r.group.engineName },
  { name: 'group_prompt_id', value: (r) => r.group.promptId },
  { name: 'group_prompt_text', value: (r) => r.group.promptText },
  { name: 'group_tag', value: (r) => r.group.tag },
  { name: 'group_brand_id', value: (r) => r.group.brandId },
  { name: 'group_brand_name', value: (r) => r.group.brandName },
  { name: 'group_day', value: (r) => r.group.day },
  { name: 'group_week', value: (r) => r.group.week },
  { name: 'group_n', value: (r) => r.groupN },
];

const grouped = <T>(writer: CsvWriter<T>) =>
  new CsvWriter<T & GroupCells>([...writer.columns, ...GROUP_COLUMNS]);

export const GROUPED_MENTIONS_CSV = grouped(MENTIONS_CSV);
export const GROUPED_HEAD_TO_HEAD_CSV = grouped(HEAD_TO_HEAD_CSV);
export const GROUPED_CITATIONS_CSV = grouped(CITATIONS_CSV);

/** Groups carry no period-over-period figures; the mentions CSV does not show them either. */
const NO_PERIOD: Pick<MentionCsvRow, 'previous' | 'change'> = {
  previous: null,
  change: {
    mentionRatePoints: null,
    meanStreamScore: null,
    shareOfVoicePoints: null,
    aboveFoldRatePoints: null,
    timeToFirstMentionP50Ms: null,
  },
};

export function groupedMentionCsvRows(report: MentionsReport): (MentionCsvRow & GroupCells)[] {
  if (!('groups' in report)) return [];
  return SECTIONS.flatMap((section) =>
    report.groups[section].flatMap((g) =>
      g.brands.map((b) => ({ ...b, ...NO_PERIOD, section, group: g.key, groupN: g.n })),
    ),
  );
}

export function groupedHeadToHeadCsvRows(report: HeadToHeadReport): (HeadToHeadCsvRow & GroupCells)[] {
  if (!('groups' in report)) return [];
  return SECTIONS.flatMap((section) =>
    report.groups[section].flatMap((g) => g.pairs.map((p) => ({ ...p, section, group: g.key, groupN: g.n }))),
  );
}

export function groupedCitationCsvRows(report: CitationsReport): (CitationDomainCsvRow & GroupCells)[] {
  if (!('groups' in report)) return [];
  return SECTIONS.flatMap((section) =>
    report.groups[section].flatMap((g) =>
      g.domains.map((d) => ({ ...d, section, group: g.key, groupN: g.n })),
    ),
  );
}
