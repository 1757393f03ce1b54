// The floors of bench:reports: per report, one hand-written SQL statement computing the same aggregate straight
// from the raw tables, optionally narrowed to an engine, prompt, tag or brand or split by engine or prompt; and
// the filtered and grouped cases the bench measures against them (docs/benchmarks.md "bench:reports").

/**
 * What a floor query is narrowed to: run-level conditions on a score-row alias (engine, prompt, tag), a brand
 * condition on a brand column, and an extra grouping column (a breakdown), all as SQL text.
 */
export interface FloorScope {
  runs: (alias: string) => string;
  brand: (column: string) => string;
  /** The grouping column on a score-row alias, or null. */
  group: ((alias: string) => string) | null;
}

export const UNSCOPED: FloorScope = { runs: () => '', brand: () => '', group: null };
const groupCol = (s: FloorScope, alias: string) => (s.group ? `, ${s.group(alias)}` : '');

/** Hand-written single-statement SQL per report: the same aggregate straight from the raw tables. */
export const FLOORS: Record<string, (s: FloorScope) => string> = {
  mentions: (s) => `
    SELECT "brandId", synthetic${groupCol(s, 'run_brand_scores')}, count(*), count(*) FILTER (WHERE mentioned), count(*) FILTER (WHERE "aboveFold"),
      sum("mentionCount"), avg("order"), avg("streamScore"), sum(attention), avg("trakkrPoints"),
      count(*) FILTER (WHERE "relPosition" < 0.25), count(*) FILTER (WHERE "relPosition" >= 0.75),
      avg("geoShareOfAnswer"), sum("geoWeightedWords"),
      percentile_cont(0.5) WITHIN GROUP (ORDER BY "sinceFirstTokenUs"), percentile_cont(0.9) WITHIN GROUP (ORDER BY "sinceFirstTokenUs"),
      percentile_cont(0.5) WITHIN GROUP (ORDER BY "firstVisibleAtUs"), percentile_cont(0.9) WITHIN GROUP (ORDER BY "firstVisibleAtUs"),
      percentile_cont(0.5) WITHIN GROUP (ORDER BY "firstTokenIndex"), percentile_cont(0.9) WITHIN GROUP (ORDER BY "firstTokenIndex")
    FROM run_brand_scores WHERE "projectId" = $1 AND "observedAt" >= $2 AND "observedAt" < $3
      ${s.runs('run_brand_scores')} ${s.brand('"brandId"')}
    GROUP BY 1, 2${groupCol(s, 'run_brand_scores')}`,
  'head-to-head': (s) => `
    SELECT a."brandId", b."brandId", a.synthetic${groupCol(s, 'a')}, count(*),
      count(*) FILTER (WHERE a.mentioned AND b.mentioned), count(*) FILTER (WHERE a.mentioned AND NOT b.mentioned),
      count(*) FILTER (WHERE b.mentioned AND NOT a.mentioned),
      count(*) FILTER (WHERE a.mentioned AND b.mentioned AND a."order" < b."order"),
      percentile_cont(0.5) WITHIN GROUP (ORDER BY b."firstVisibleAtUs" - a."firstVisibleAtUs"),
      percentile_cont(0.5) WITHIN GROUP (ORDER BY b."firstTokenIndex" - a."firstTokenIndex")
    FROM run_brand_scores a JOIN run_brand_scores b ON b."runId" = a."runId" AND b."brandId" <> a."brandId"
    WHERE a."projectId" = $1 AND a."observedAt" >= $2 AND a."observedAt" < $3 ${s.runs('a')} ${s.brand('a."brandId"')}
    GROUP BY 1, 2, 3${groupCol(s, 'a')}`,
  trend: (s) => `
    SELECT date_trunc('day', "observedAt" AT TIME ZONE 'UTC'), "brandId", synthetic, count(*),
      count(*) FILTER (WHERE mentioned), sum("mentionCount"), avg("streamScore")
    FROM run_brand_scores WHERE "projectId" = $1 AND "observedAt" >= $2 AND "observedAt" < $3
      ${s.runs('run_brand_scores')} ${s.brand('"brandId"')}
    GROUP BY 1, 2, 3`,
  citations: (s) => `
    WITH r AS (SELECT DISTINCT "runId", synthetic${s.group ? `, ${s.group('run_brand_scores')} AS g` : ''} FROM run_brand_scores
               WHERE "projectId" = $1 AND "observedAt" >= $2 AND "observedAt" < $3 ${s.runs('run_brand_scores')})
    SELECT c.domain, r.synthetic${s.group ? ', r.g' : ''}, count(DISTINCT c."runId"), count(*)
    FROM citations c JOIN r ON r."runId" = c."runId" WHERE true ${s.brand('c."brandId"')}
    GROUP BY 1, 2${s.group ? ', 3' : ''} ORDER BY ${s.group ? 4 : 3} DESC LIMIT 100`,
};

export interface SliceCase {
  name: string;
  /** Query string added to the report URL. */
  query: string;
  scope: FloorScope;
  /** The reports the case applies to (breakdowns: the three reports with groupBy). */
  reports: string[];
}

export interface CaseIds {
  engineId: string;
  promptId: string;
  brandId: string;
  tag: string;
}

/** Filtered to one engine, prompt, tag or brand, and grouped by engine or by prompt. */
export function sliceCases(ids: CaseIds): SliceCase[] {
  const all = ['trend', 'mentions', 'citations', 'head-to-head'];
  const grouped = ['mentions', 'citations', 'head-to-head'];
  const runs = (cond: (alias: string) => string): FloorScope => ({
    ...UNSCOPED,
    runs: (a) => `AND ${cond(a)}`,
  });
  return [
    {
      name: 'engine',
      query: `engineIds=${ids.engineId}`,
      scope: runs((a) => `${a}."engineId" = '${ids.engineId}'`),
      reports: all,
    },
    {
      name: 'prompt',
      query: `promptIds=${ids.promptId}`,
      scope: runs((a) => `${a}."promptId" = '${ids.promptId}'`),
      reports: all,
    },
    {
      name: 'tag',
      query: `tags=${ids.tag}`,
      scope: runs(
        (a) => `${a}."promptId" IN (SELECT id FROM tracked_prompts WHERE tags && ARRAY['${ids.tag}'])`,
      ),
      reports: all,
    },
    {
      name: 'brand',
      query: `brandIds=${ids.brandId}`,
      scope: { ...UNSCOPED, brand: (col) => `AND ${col} = '${ids.brandId}'` },
      reports: all,
    },
    {
      name: 'groupBy=engine',
      query: 'groupBy=engine',
      scope: { ...UNSCOPED, group: (a) => `${a}."engineId"` },
      reports: grouped,
    },
    {
      name: 'groupBy=prompt',
      query: 'groupBy=prompt',
      scope: { ...UNSCOPED, group: (a) => `${a}."promptId"` },
      reports: grouped,
    },
  ];
}
