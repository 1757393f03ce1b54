// The API's own CSV of a report (format=csv; both sections, labelled by a `section` column; docs/csv.md).
import {
  reportsControllerCitations,
  reportsControllerHeadToHead,
  reportsControllerMentions,
  reportsControllerTrend,
} from './client';
import type { ReportQuery } from '../filters/range';

async function asText(p: Promise<{ data: unknown }>): Promise<string> {
  const { data } = await p;
  return typeof data === 'string' ? data : JSON.stringify(data);
}

export const reportCsv = {
  mentions: (q: ReportQuery) =>
    asText(
      reportsControllerMentions({ query: { ...q, format: 'csv' }, parseAs: 'text', throwOnError: true }),
    ),
  trend: (q: ReportQuery, bucket: 'day' | 'week') =>
    asText(
      reportsControllerTrend({ query: { ...q, bucket, format: 'csv' }, parseAs: 'text', throwOnError: true }),
    ),
  headToHead: (q: ReportQuery) =>
    asText(
      reportsControllerHeadToHead({ query: { ...q, format: 'csv' }, parseAs: 'text', throwOnError: true }),
    ),
  citations: (q: ReportQuery) =>
    asText(
      reportsControllerCitations({ query: { ...q, format: 'csv' }, parseAs: 'text', throwOnError: true }),
    ),
};
