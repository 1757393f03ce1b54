// The drill-down of a report figure: the query parameters of GET /v1/runs that list exactly the runs behind it
// (the report's project, section, time range on observedAt and run filters, plus the group's own conditions).
// Every value is a string (lists comma-joined), so a client passes the object to URLSearchParams as is. Pure.
import { type z } from 'zod';
import { type runsLinkSchema } from './dto/report.dto';
import { type ReportFilter } from './report-filter';

export type RunsLink = z.infer<typeof runsLinkSchema>;

export interface RunsLinkConditions {
  brandId?: string;
  mentioned?: boolean;
  fold?: 'above' | 'below';
  firstBrandId?: string;
  alsoMentionedBrandId?: string;
  citedDomain?: string;
}

const mentioned = (v: boolean | undefined): Pick<RunsLink, 'mentioned'> =>
  v === undefined ? {} : { mentioned: v ? 'true' : 'false' };

/** `range` narrows the report's range (a trend bucket); it defaults to the report's own. */
export function runsLink(
  f: ReportFilter,
  synthetic: boolean,
  c: RunsLinkConditions = {},
  range: { from: Date; to: Date } = f,
): RunsLink {
  return {
    projectId: f.projectId,
    synthetic: synthetic ? 'true' : 'false',
    observedFrom: range.from.toISOString(),
    observedTo: range.to.toISOString(),
    ...(f.engineIds.length > 0 ? { engineIds: f.engineIds.join(',') } : {}),
    ...(f.promptIds.length > 0 ? { promptIds: f.promptIds.join(',') } : {}),
    ...(f.tags.length > 0 ? { tags: f.tags.join(',') } : {}),
    ...(f.promptRevision === undefined ? {} : { promptRevision: String(f.promptRevision) }),
    ...(c.brandId === undefined ? {} : { brandId: c.brandId }),
    ...mentioned(c.mentioned),
    ...(c.fold === undefined ? {} : { fold: c.fold }),
    ...(c.firstBrandId === undefined ? {} : { firstBrandId: c.firstBrandId }),
    ...(c.alsoMentionedBrandId === undefined ? {} : { alsoMentionedBrandId: c.alsoMentionedBrandId }),
    ...(c.citedDomain === undefined ? {} : { citedDomain: c.citedDomain }),
  };
}
