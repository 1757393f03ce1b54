// The report query an export link runs at each read: its stored filters over a rolling window that ends at the
// request. Pure.
import { type GroupedReportQuery } from '../reports/grouped-reports.service';
import { type ExportFilters } from './dto/export-link.dto';

const DAY_MS = 24 * 3600_000;

export interface ExportReportQuery extends GroupedReportQuery {
  from: string;
  to: string;
  bucket: 'day' | 'week';
}

/** `to` is the request time and `from` windowDays × 24 h before it, as GET /v1/reports/* defaults do. */
export function exportReportQuery(
  link: { projectId: string; windowDays: number },
  filters: ExportFilters,
  now: Date,
): ExportReportQuery {
  const { bucket, groupBy, brandIds, engineIds, promptIds, tags, promptRevision } = filters;
  return {
    projectId: link.projectId,
    from: new Date(now.getTime() - link.windowDays * DAY_MS).toISOString(),
    to: now.toISOString(),
    bucket: bucket ?? 'day',
    ...(brandIds?.length ? { brandIds } : {}),
    ...(engineIds?.length ? { engineIds } : {}),
    ...(promptIds?.length ? { promptIds } : {}),
    ...(tags?.length ? { tags } : {}),
    ...(promptRevision === undefined ? {} : { promptRevision }),
    ...(groupBy?.length ? { groupBy } : {}),
  };
}
