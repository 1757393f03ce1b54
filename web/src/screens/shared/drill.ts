// One click from a figure to the runs behind it: the query of GET /v1/runs as the runs screen's URL search.
// Uses the API's drill-down object (`runsQuery`) when the report row carries one, else builds the same parameters.
import type { ReportQuery } from '../../filters/range';
import type { DataKind, RunsSearch } from '../../filters/search';

export interface DrillConditions {
  brandId?: string;
  mentioned?: boolean;
  fold?: 'above' | 'below';
  firstBrandId?: string;
  alsoMentionedBrandId?: string;
  reachedWithinMs?: number;
  citedDomain?: string;
  /** a narrower time range (a trend bucket) */
  observedFrom?: string;
  observedTo?: string;
}

function apiRuns(row: unknown): RunsSearch | undefined {
  if (typeof row !== 'object' || row === null) return undefined;
  const runs: unknown = 'runs' in row ? row.runs : 'runsQuery' in row ? row.runsQuery : undefined;
  if (typeof runs !== 'object' || runs === null) return undefined;
  const out: RunsSearch = {};
  for (const [k, v] of Object.entries(runs)) if (typeof v === 'string' && k !== 'projectId') out[k] = v;
  return out;
}

/** The runs behind a figure: the row's API drill-down (`runsQuery`) when it has one, narrowed by `c`. */
export function runsSearchFor(
  q: ReportQuery,
  kind: DataKind,
  c: DrillConditions = {},
  row?: unknown,
): RunsSearch {
  const base: RunsSearch = (row === undefined ? undefined : apiRuns(row)) ?? {
    synthetic: kind === 'synthetic' ? 'true' : 'false',
    observedFrom: q.from,
    observedTo: q.to,
    engineIds: q.engineIds,
    promptIds: q.promptIds,
    tags: q.tags,
  };
  const s: RunsSearch = {
    ...base,
    observedFrom: c.observedFrom ?? base.observedFrom,
    observedTo: c.observedTo ?? base.observedTo,
    brandId: c.brandId ?? base.brandId,
    mentioned: c.mentioned === undefined ? base.mentioned : String(c.mentioned),
    fold: c.fold ?? base.fold,
    firstBrandId: c.firstBrandId ?? base.firstBrandId,
    alsoMentionedBrandId: c.alsoMentionedBrandId ?? base.alsoMentionedBrandId,
    reachedWithinMs: c.reachedWithinMs === undefined ? base.reachedWithinMs : String(c.reachedWithinMs),
    citedDomain: c.citedDomain ?? base.citedDomain,
  };
  return Object.fromEntries(Object.entries(s).filter(([, v]) => v !== undefined));
}
