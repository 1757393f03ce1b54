// The gaps report (prompts x engines where competitors are named and the own brand is not, and the domains
// those answers cite) over runs landed through the ledger's write path, checked against a computation over the
// scripted answers; and citation ownership: a citation goes to the brand a mention of its host would go to.
import {
  createReportFixture,
  landScoredRun,
  type ReportFixture,
  ACME_GLOBEX_INITECH,
} from '../support/scored-runs';
import { until } from '../support/wait';
import { createWorkspace, startTestApp, type TestApp, type TestWorkspace } from '../support/test-app';

type Json = Record<string, unknown>;
type Citation = { url: string; domain: string };

const COMPETITORS = ['Globex', 'Initech'] as const;
const ANSWERS: { chunks: string[]; citations: Citation[] }[] = [
  { chunks: ['Acme and ', 'Globex.'], citations: [{ url: 'https://review.io/1', domain: 'review.io' }] },
  {
    chunks: ['Globex and ', 'Initech.'],
    citations: [
      { url: 'https://review.io/2', domain: 'review.io' },
      { url: 'https://g2.com/a', domain: 'g2.com' },
      { url: 'https://globex.com/', domain: 'globex.com' },
    ],
  },
  { chunks: ['Initech only.'], citations: [{ url: 'https://review.io/3', domain: 'review.io' }] },
  { chunks: ['Nothing to see.'], citations: [{ url: 'https://g2.com/b', domain: 'g2.com' }] },
  { chunks: ['Acme alone.'], citations: [{ url: 'https://acme.com/', domain: 'acme.com' }] },
  {
    chunks: ['Globex rules.'],
    citations: [
      { url: 'https://g2.com/c', domain: 'g2.com' },
      { url: 'https://g2.com/d', domain: 'g2.com' },
    ],
  },
];

interface Scripted {
  prompt: number;
  engine: number;
  answer: number;
  synthetic: boolean;
}

const RUNS: Scripted[] = [];
for (let i = 0; i < 30; i++) {
  RUNS.push({
    prompt: i % 3,
    engine: Math.floor(i / 3) % 2,
    answer: (i * 7 + Math.floor(i / 6)) % 6,
    synthetic: false,
  });
}
RUNS.push({ prompt: 0, engine: 0, answer: 1, synthetic: true });

const named = (r: Scripted, brand: string) => ANSWERS[r.answer]!.chunks.join('').includes(brand);
const round6 = (v: number) => Number(v.toFixed(6));

describe('gaps report', () => {
  let t: TestApp;
  let ws: TestWorkspace;
  let fx: ReportFixture;

  const get = async (path: string, query: Record<string, string>) =>
    (await t.http().get(path).query(query).set(ws.auth('read')).expect(200)).body as Json;

  beforeAll(async () => {
    t = await startTestApp({ EGRESS_ALLOW_PRIVATE: 'true' });
    ws = await createWorkspace(t);
    fx = await createReportFixture(t, ws.auth(), {
      brands: ACME_GLOBEX_INITECH,
      engines: 2,
      prompts: [0, 1, 2].map((i) => ({ text: `prompt ${i}`, tags: i === 2 ? ['crm'] : [] })),
    });
    const start = Date.now() - 3 * 3600_000;
    for (const [i, r] of RUNS.entries()) {
      await landScoredRun(t, ws.workspaceId, fx.projectId, {
        promptId: fx.prompts[r.prompt]!,
        engineId: fx.engines[r.engine]!,
        synthetic: r.synthetic,
        at: new Date(start + i * 60_000),
        chunks: ANSWERS[r.answer]!.chunks,
        citations: ANSWERS[r.answer]!.citations,
      });
    }
  }, 120_000);
  afterAll(async () => {
    await t.close();
  });

  /** The report computed from the scripted answers, for the selected competitors and engines. */
  function expected(synthetic: boolean, competitors: readonly string[], engines: readonly number[]) {
    const runs = RUNS.filter((r) => r.synthetic === synthetic && engines.includes(r.engine));
    const isGap = (r: Scripted) => !named(r, 'Acme') && competitors.some((c) => named(r, c));
    const cells = new Map<string, { prompt: number; engine: number; runs: Scripted[] }>();
    for (const r of runs) {
      const key = `${r.prompt}|${r.engine}`;
      if (!cells.has(key)) cells.set(key, { prompt: r.prompt, engine: r.engine, runs: [] });
      cells.get(key)!.runs.push(r);
    }
    const gaps = [...cells.values()]
      .map((c) => ({ ...c, gap: c.runs.filter(isGap) }))
      .filter((c) => c.gap.length > 0)
      .map((c) => ({
        promptId: fx.prompts[c.prompt]!,
        engineId: fx.engines[c.engine]!,
        n: c.runs.length,
        gapRuns: c.gap.length,
        rate: round6(c.gap.length / c.runs.length),
        competitors: competitors
          .map((name) => ({
            brandId: fx.brands[name]!,
            name,
            runs: c.gap.filter((r) => named(r, name)).length,
          }))
          .filter((x) => x.runs > 0)
          .sort((a, b) => b.runs - a.runs || a.brandId.localeCompare(b.brandId)),
      }))
      .sort(
        (a, b) =>
          b.gapRuns - a.gapRuns ||
          b.gapRuns / b.n - a.gapRuns / a.n ||
          a.promptId.localeCompare(b.promptId) ||
          a.engineId.localeCompare(b.engineId),
      );
    const domains = new Map<string, { citingRuns: number; citationCount: number }>();
    for (const r of runs.filter(isGap)) {
      const cited = ANSWERS[r.answer]!.citations;
      for (const d of new Set(cited.map((c) => c.domain))) {
        const row = domains.get(d) ?? { citingRuns: 0, citationCount: 0 };
        row.citingRuns++;
        row.citationCount += cited.filter((c) => c.domain === d).length;
        domains.set(d, row);
      }
    }
    const ranked = [...domains]
      .map(([domain, d]) => ({ domain, ...d, brandName: domain === 'globex.com' ? 'Globex' : null }))
      .sort(
        (a, b) =>
          b.citingRuns - a.citingRuns ||
          b.citationCount - a.citationCount ||
          a.domain.localeCompare(b.domain),
      );
    return { gaps, domains: ranked };
  }

  const shape = (report: Json, section: string) => {
    const s = report[section] as { gaps: Json[]; domains: Json[] };
    return {
      gaps: s.gaps.map((g) => ({
        promptId: g.promptId,
        engineId: g.engineId,
        n: g.n,
        gapRuns: g.gapRuns,
        rate: (g.gapRate as Json).rate,
        competitors: (g.competitors as Json[]).map((c) => ({
          brandId: c.brandId,
          name: c.name,
          runs: c.runs,
        })),
      })),
      domains: s.domains.map((d) => ({
        domain: d.domain,
        citingRuns: d.citingRuns,
        citationCount: d.citationCount,
        brandName: d.brandName,
      })),
    };
  };

  it('ranks the prompt x engine cells where competitors are named and the own brand is not', async () => {
    // A fixed range, so the two calls' drill-down queries agree to the millisecond.
    const q = {
      projectId: fx.projectId,
      from: new Date(Date.now() - 86_400_000).toISOString(),
      to: new Date().toISOString(),
    };
    const report = await get('/v1/reports/gaps', q);
    const all = expected(false, COMPETITORS, [0, 1]);
    expect(all.gaps.length).toBeGreaterThan(2);
    expect(shape(report, 'measured')).toEqual(all);
    expect(shape(report, 'synthetic')).toEqual(expected(true, COMPETITORS, [0, 1]));
    const first = (report.measured as { gaps: Json[] }).gaps[0]!;
    expect(first).toMatchObject({
      ownBrand: { id: fx.brands.Acme, name: 'Acme' },
      promptText: expect.any(String),
    });
    expect((first.gapRate as Json).n).toBe(first.n);
    // The domains report is the same list.
    const domains = await get('/v1/reports/gaps/domains', q);
    expect((domains.measured as Json).domains).toEqual((report.measured as Json).domains);
  });

  it('takes the report filters: competitors by brandIds, engines by engineIds', async () => {
    const onlyInitech = await get('/v1/reports/gaps', {
      projectId: fx.projectId,
      brandIds: fx.brands.Initech!,
    });
    expect(shape(onlyInitech, 'measured')).toEqual(expected(false, ['Initech'], [0, 1]));
    const oneEngine = await get('/v1/reports/gaps', { projectId: fx.projectId, engineIds: fx.engines[1]! });
    expect(shape(oneEngine, 'measured')).toEqual(expected(false, COMPETITORS, [1]));
  });

  it('drills down: each competitor lists exactly the runs counted', async () => {
    const report = await get('/v1/reports/gaps', { projectId: fx.projectId });
    for (const g of (report.measured as { gaps: Json[] }).gaps) {
      for (const c of g.competitors as Json[]) {
        const listed = await get('/v1/runs', { ...(c.runsQuery as Record<string, string>), limit: '100' });
        expect((listed.data as Json[]).length).toBe(c.runs);
      }
      // The cell's runs not naming the own brand: the gap runs and those naming nobody.
      const listed = await get('/v1/runs', { ...(g.runsQuery as Record<string, string>), limit: '100' });
      expect((listed.data as Json[]).length).toBeGreaterThanOrEqual(g.gapRuns as number);
    }
  });

  it('exports CSV: one row per gap and competitor, and the domains as their own table', async () => {
    const report = await get('/v1/reports/gaps', { projectId: fx.projectId });
    const csv = await t
      .http()
      .get('/v1/reports/gaps')
      .query({ projectId: fx.projectId, format: 'csv' })
      .set(ws.auth('read'))
      .expect(200);
    const lines = csv.text.trimEnd().split('\r\n');
    expect(lines[0]).toBe(
      'section,own_brand_id,own_brand_name,prompt_id,prompt_text,engine_id,engine_name,n,gap_runs,gap_rate,' +
        'gap_rate_low,gap_rate_high,competitor_id,competitor_name,competitor_runs',
    );
    const rows = ['measured', 'synthetic'].flatMap((s) =>
      (report[s] as { gaps: Json[] }).gaps.flatMap((g) => (g.competitors as Json[]).map((c) => ({ g, c }))),
    );
    expect(lines).toHaveLength(1 + rows.length);
    const first = lines[1]!.split(',');
    expect(first.slice(7, 9).map(Number)).toEqual([rows[0]!.g.n, rows[0]!.g.gapRuns]);
    expect(first[13]).toBe(rows[0]!.c.name);
    const domains = await t
      .http()
      .get('/v1/reports/gaps/domains')
      .query({ projectId: fx.projectId, format: 'csv' })
      .set(ws.auth('read'))
      .expect(200);
    const dl = domains.text.trimEnd().split('\r\n');
    expect(dl[0]).toBe(
      'section,own_brand_id,own_brand_name,domain,brand_id,brand_name,citing_runs,citation_count',
    );
    const measured = expected(false, COMPETITORS, [0, 1]).domains;
    expect(dl[1]!.split(',').slice(3)).toEqual([
      measured[0]!.domain,
      '',
      '',
      String(measured[0]!.citingRuns),
      String(measured[0]!.citationCount),
    ]);
  });
});

describe('citation ownership', () => {
  let t: TestApp;
  let ws: TestWorkspace;

  beforeAll(async () => {
    // A worker too: brand changes are applied to history by a backfill job.
    t = await startTestApp({ EGRESS_ALLOW_PRIVATE: 'true', ROLE: 'all' });
    ws = await createWorkspace(t);
  });
  afterAll(async () => {
    await t.close();
  });

  const detail = async (runId: string) =>
    (await t.http().get(`/v1/runs/${runId}`).set(ws.auth('read')).expect(200)).body as {
      mentions: { brandId: string; charStart: number }[];
      citations: { domain: string; brandId: string | null }[];
    };
  const mentionOwners = (run: Awaited<ReturnType<typeof detail>>) =>
    [...run.mentions].sort((a, b) => a.charStart - b.charStart).map((m) => m.brandId);

  it('gives a cloud.google.com citation and mention to the same, most specific brand', async () => {
    // The broad brand first: a first-match rule would hand cloud.google.com to Google.
    const fx = await createReportFixture(t, ws.auth(), {
      brands: [
        { name: 'Google', kind: 'competitor', domains: ['google.com'] },
        { name: 'Google Cloud', kind: 'own', domains: ['cloud.google.com'] },
      ],
      engines: 1,
      prompts: [{ text: 'where to host?', tags: [] }],
    });
    const runId = await landScoredRun(t, ws.workspaceId, fx.projectId, {
      promptId: fx.prompts[0]!,
      engineId: fx.engines[0]!,
      at: new Date(Date.now() - 60_000),
      chunks: ['Try https://cloud.google.com/run ', 'or https://maps.google.com/.'],
      citations: [
        { url: 'https://cloud.google.com/run', domain: 'cloud.google.com' },
        { url: 'https://maps.google.com/', domain: 'maps.google.com' },
      ],
    });
    const run = await detail(runId);
    expect(mentionOwners(run)).toEqual([fx.brands['Google Cloud'], fx.brands.Google]);
    expect(run.citations.map((c) => c.brandId)).toEqual(mentionOwners(run));
    const report = await t
      .http()
      .get('/v1/reports/citations')
      .query({ projectId: fx.projectId })
      .set(ws.auth('read'))
      .expect(200);
    const byDomain = Object.fromEntries(
      (report.body.measured.domains as { domain: string; brandName: string }[]).map((d) => [
        d.domain,
        d.brandName,
      ]),
    );
    expect(byDomain).toEqual({ 'cloud.google.com': 'Google Cloud', 'maps.google.com': 'Google' });
  });

  it('moves past citations with their mentions when a more specific brand is added (backfill)', async () => {
    const fx = await createReportFixture(t, ws.auth(), {
      brands: [{ name: 'Google', kind: 'competitor', domains: ['google.com'] }],
      engines: 1,
      prompts: [{ text: 'where to host?', tags: [] }],
    });
    const runId = await landScoredRun(t, ws.workspaceId, fx.projectId, {
      promptId: fx.prompts[0]!,
      engineId: fx.engines[0]!,
      at: new Date(Date.now() - 60_000),
      chunks: ['Try https://cloud.google.com/run today.'],
      citations: [{ url: 'https://cloud.google.com/run', domain: 'cloud.google.com' }],
    });
    expect((await detail(runId)).citations[0]!.brandId).toBe(fx.brands.Google);
    const cloud = (
      await t
        .http()
        .post(`/v1/projects/${fx.projectId}/brands`)
        .set(ws.auth())
        .send({ name: 'Google Cloud', kind: 'own', domains: ['cloud.google.com'] })
        .expect(201)
    ).body.id as string;
    const after = await until('the backfill to reassign the mention', async () => {
      const run = await detail(runId);
      return mentionOwners(run)[0] === cloud ? run : null;
    });
    expect(after.citations.map((c) => c.brandId)).toEqual([cloud]);
  });
});
