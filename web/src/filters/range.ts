// Turns the URL filters into the API's query (ISO from/to, comma-separated ids). Preset ranges end at the
// start of tomorrow (UTC) so the query key stays stable all day and caching works.
import type { ReportSearch } from './search';

const DAY = 86_400_000;

export interface ResolvedRange {
  from: string;
  to: string;
  /** inclusive calendar days, for labels and inputs */
  fromDay: string;
  toDay: string;
  days: number;
  custom: boolean;
}

function startOfUtcDay(t: number): number {
  return Math.floor(t / DAY) * DAY;
}

function day(t: number): string {
  return new Date(t).toISOString().slice(0, 10);
}

export function resolveRange(s: ReportSearch, now = Date.now()): ResolvedRange {
  if (s.from && s.to && s.from <= s.to) {
    const f = Date.parse(`${s.from}T00:00:00Z`);
    const t = Date.parse(`${s.to}T00:00:00Z`) + DAY;
    return {
      from: new Date(f).toISOString(),
      to: new Date(t).toISOString(),
      fromDay: s.from,
      toDay: s.to,
      days: Math.round((t - f) / DAY),
      custom: true,
    };
  }
  const days = s.range === '7d' ? 7 : s.range === '90d' ? 90 : 30;
  const to = startOfUtcDay(now) + DAY;
  const from = to - days * DAY;
  return {
    from: new Date(from).toISOString(),
    to: new Date(to).toISOString(),
    fromDay: day(from),
    toDay: day(to - DAY),
    days,
    custom: false,
  };
}

export interface ReportQuery {
  projectId: string;
  from: string;
  to: string;
  engineIds?: string;
  promptIds?: string;
  tags?: string;
}

export function reportQuery(projectId: string, s: ReportSearch, now?: number): ReportQuery {
  const r = resolveRange(s, now);
  const q: ReportQuery = { projectId, from: r.from, to: r.to };
  if (s.engines) q.engineIds = s.engines;
  if (s.prompts) q.promptIds = s.prompts;
  if (s.tags) q.tags = s.tags;
  return q;
}
