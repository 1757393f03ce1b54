// Citations report checked against hand computations over a small, fully known set of runs, mentions and
// citations, landed by the scored-run factory from answers with each mention at its scripted span.
import { PrismaService } from '../../src/infra/prisma/prisma.service';
import { createReportFixture, landFailedRun, landScoredRun } from '../support/scored-runs';
import { createWorkspace, startTestApp, type TestApp, type TestWorkspace } from '../support/test-app';

interface SeedMention {
  brand: 'A' | 'B';
  start: number;
  end: number;
}

interface SeedCitation {
  domain: string;
  brand?: 'A' | 'B';
  span?: [number, number];
}

interface SeedRun {
  status: 'succeeded' | 'failed';
  synthetic: boolean;
  engine: 'E1' | 'E2';
  prompt: 'P1' | 'P2' | 'P3';
  mentions: SeedMention[];
  citations: SeedCitation[];
}

const CITATION_COLUMNS = [
  'section',
  'domain',
  'brand_id',
  'brand_name',
  'citing_runs',
  'citation_count',
  'citing_rate',
  'citing_rate_low',
  'citing_rate_high',
  'n',
];

/** The alias that spells a mention of each length, so a scripted mention spans exactly its seeded chars. */
const MENTION_TEXT: Record<'A' | 'B', Record<number, string>> = {
  A: { 4: 'Acme', 5: 'Alpha' },
  B: { 4: 'Beta' },
};

/** An answer with each mention at its seeded span, spaces between. */
function answerWith(mentions: SeedMention[]): string {
  let text = '';
  for (const m of [...mentions].sort((x, y) => x.start - y.start)) {
    const word = MENTION_TEXT[m.brand][m.end - m.start];
    if (word === undefined || m.start < text.length) {
      throw new Error(`no text for mention ${JSON.stringify(m)}`);
    }
    text = text.padEnd(m.start, ' ') + word;
  }
  return `${text} That is all.`;
}

/** Domain rows without their drill-down query (checked on its own). */
const withoutRunsQuery = (rows: Record<string, unknown>[]) =>
  rows.map((row) => Object.fromEntries(Object.entries(row).filter(([key]) => key !== 'runsQuery')));

describe('citations report', () => {
  let t: TestApp;
  let ws: TestWorkspace;
  let projectId: string;
  const brand: Record<'A' | 'B', string> = { A: '', B: '' };
  const engine = { E1: '', E2: '' };
  const prompt = { P1: '', P2: '', P3: '' };

  // Measured, successful: R1..R4. The failed run and the synthetic run must not leak into the measured figures.
  // Near-mention rule: citation [s, e), mention [ms, me): max(e, s + 1) > ms and s <= me + 200.
  const runs: SeedRun[] = [
    {
      // R1: A at [0, 4); a.com at [10, 20) is near A.
      status: 'succeeded',
      synthetic: false,
      engine: 'E1',
      prompt: 'P1',
      mentions: [{ brand: 'A', start: 0, end: 4 }],
      citations: [{ domain: 'a.com', brand: 'A', span: [10, 20] }, { domain: 'docs.x.org' }],
    },
    {
      // R2: B at [0, 4), A at [500, 504); b.io at [100, 110) is near B; a.com at 800 is > 504 + 200: not near A.
      status: 'succeeded',
      synthetic: false,
      engine: 'E1',
      prompt: 'P2',
      mentions: [
        { brand: 'B', start: 0, end: 4 },
        { brand: 'A', start: 500, end: 504 },
      ],
      citations: [
        { domain: 'a.com', brand: 'A', span: [800, 810] },
        { domain: 'b.io', brand: 'B', span: [100, 110] },
        { domain: 'docs.x.org' },
      ],
    },
    {
      // R3: nobody mentioned; docs.x.org twice, a.com without a span.
      status: 'succeeded',
      synthetic: false,
      engine: 'E2',
      prompt: 'P3',
      mentions: [],
      citations: [{ domain: 'docs.x.org' }, { domain: 'docs.x.org' }, { domain: 'a.com', brand: 'A' }],
    },
    {
      // R4: A at [300, 305), B at [1000, 1004). [505, 510) starts exactly 200 after A's end: near A.
      // [990, 1000) ends where B starts: neither overlapping nor after it, so not near B.
      status: 'succeeded',
      synthetic: false,
      engine: 'E2',
      prompt: 'P2',
      mentions: [
        { brand: 'A', start: 300, end: 305 },
        { brand: 'B', start: 1000, end: 1004 },
      ],
      citations: [
        { domain: 'c.news.com', span: [505, 510] },
        { domain: 'c.news.com', span: [990, 1000] },
      ],
    },
    {
      status: 'failed',
      synthetic: false,
      engine: 'E1',
      prompt: 'P1',
      mentions: [],
      citations: [{ domain: 'failed.example' }],
    },
    {
      status: 'succeeded',
      synthetic: true,
      engine: 'E1',
      prompt: 'P1',
      mentions: [{ brand: 'A', start: 0, end: 4 }],
      citations: [{ domain: 'a.com', brand: 'A', span: [5, 9] }],
    },
  ];

  beforeAll(async () => {
    t = await startTestApp({ EGRESS_ALLOW_PRIVATE: 'true' });
    ws = await createWorkspace(t);
    const fx = await createReportFixture(t, ws.auth(), {
      brands: [
        { name: 'A', kind: 'own', domains: ['a.com'], aliases: Object.values(MENTION_TEXT.A) },
        { name: 'B', kind: 'competitor', domains: ['b.io'], aliases: Object.values(MENTION_TEXT.B) },
      ],
      engines: 2,
      prompts: [{ text: 'P1' }, { text: 'P2' }, { text: 'P3' }].map((p) => ({ ...p, tags: [] })),
    });
    projectId = fx.projectId;
    Object.assign(brand, fx.brands);
    Object.assign(engine, { E1: fx.engines[0]!, E2: fx.engines[1]! });
    Object.assign(prompt, { P1: fx.prompts[0]!, P2: fx.prompts[1]!, P3: fx.prompts[2]! });
    const at = new Date(Date.now() - 3600_000);
    for (const r of runs) {
      const scripted = { promptId: prompt[r.prompt], engineId: engine[r.engine], synthetic: r.synthetic, at };
      if (r.status === 'failed') {
        const failedId = await landFailedRun(t, ws.workspaceId, projectId, scripted);
        // The pipeline stores no citation for a failed run; this row (by hand, on purpose) proves the reports
        // would not count one if it existed.
        for (const [position, c] of r.citations.entries()) {
          await t.app.get(PrismaService).citation.create({
            data: {
              runId: failedId,
              projectId,
              position,
              url: `https://${c.domain}/`,
              domain: c.domain,
              arrivedAtUs: 0,
            },
          });
        }
        continue;
      }
      await landScoredRun(t, ws.workspaceId, projectId, {
        ...scripted,
        chunks: [answerWith(r.mentions)],
        // Each citation is owned by the brand owning its domain, as the seeded brand says.
        citations: r.citations.map((c, position) => ({
          url: `https://${c.domain}/${position}`,
          domain: c.domain,
          ...(c.span ? { charStart: c.span[0], charEnd: c.span[1] } : {}),
        })),
      });
    }
  });
  afterAll(() => t.close());

  const get = (query: Record<string, string>) =>
    t
      .http()
      .get('/v1/reports/citations')
      .query({ projectId, ...query })
      .set(ws.auth('read'));

  it('ranks cited domains as computed by hand', async () => {
    const res = await get({}).expect(200);
    const m = res.body.measured;
    expect(m.successfulRuns).toBe(4);
    // docs.x.org and a.com are both cited in 3 of 4 runs; docs.x.org has more citations (4 vs 3).
    expect(m.domains[0].runsQuery).toMatchObject({ citedDomain: 'docs.x.org', synthetic: 'false' });
    expect(withoutRunsQuery(m.domains)).toEqual([
      {
        domain: 'docs.x.org',
        brandId: null,
        brandName: null,
        citingRuns: 3,
        citationCount: 4,
        citingRate: { rate: 0.75, low: 0.300642, high: 0.954413, n: 4 },
      },
      {
        domain: 'a.com',
        brandId: brand.A,
        brandName: 'A',
        citingRuns: 3,
        citationCount: 3,
        citingRate: { rate: 0.75, low: 0.300642, high: 0.954413, n: 4 },
      },
      {
        domain: 'c.news.com',
        brandId: null,
        brandName: null,
        citingRuns: 1,
        citationCount: 2,
        citingRate: { rate: 0.25, low: 0.045587, high: 0.699358, n: 4 },
      },
      {
        domain: 'b.io',
        brandId: brand.B,
        brandName: 'B',
        citingRuns: 1,
        citationCount: 1,
        citingRate: { rate: 0.25, low: 0.045587, high: 0.699358, n: 4 },
      },
    ]);
  });

  it('computes own-domain and near-mention rates per brand as computed by hand', async () => {
    const res = await get({}).expect(200);
    const m = res.body.measured;
    const byId = (id: string) => m.brands.find((x: { brandId: string }) => x.brandId === id);
    expect(byId(brand.A)).toEqual({
      brandId: brand.A,
      name: 'A',
      kind: 'own',
      n: 4,
      // R1, R2, R3 cite a.com.
      ownDomainCitedRuns: 3,
      ownDomainCitationRate: { rate: 0.75, low: 0.300642, high: 0.954413, n: 4 },
      // Mentioned in R1, R2, R4; a citation next to a mention in R1 and R4 (the 200-character boundary).
      mentionedRuns: 3,
      citedNearMentionRuns: 2,
      citedNearMentionRate: { rate: 0.666667, low: 0.20766, high: 0.938508, n: 3 },
    });
    expect(byId(brand.B)).toMatchObject({
      n: 4,
      ownDomainCitedRuns: 1,
      ownDomainCitationRate: { rate: 0.25, low: 0.045587, high: 0.699358, n: 4 },
      // Mentioned in R2 (b.io right after it) and R4 (a citation ending where B starts does not count).
      mentionedRuns: 2,
      citedNearMentionRuns: 1,
      citedNearMentionRate: { rate: 0.5, low: 0.094531, high: 0.905469, n: 2 },
    });
    // The synthetic run is reported apart; the failed run counts nowhere.
    const s = res.body.synthetic;
    expect(s.successfulRuns).toBe(1);
    expect(withoutRunsQuery(s.domains)).toEqual([
      {
        domain: 'a.com',
        brandId: brand.A,
        brandName: 'A',
        citingRuns: 1,
        citationCount: 1,
        citingRate: { rate: 1, low: 0.206549, high: 1, n: 1 },
      },
    ]);
    expect(s.brands.find((x: { brandId: string }) => x.brandId === brand.A)).toMatchObject({
      ownDomainCitationRate: { rate: 1, n: 1 },
      citedNearMentionRate: { rate: 1, n: 1 },
    });
    expect(JSON.stringify(res.body)).not.toContain('failed.example');
    expect(res.body.settings).toEqual({ nearMentionChars: 200 });
  });

  it('applies engine, prompt and brand filters', async () => {
    const e1 = (await get({ engineIds: engine.E1 }).expect(200)).body.measured;
    expect(e1.successfulRuns).toBe(2);
    expect(e1.domains.map((d: { domain: string; citingRuns: number }) => [d.domain, d.citingRuns])).toEqual([
      ['a.com', 2],
      ['docs.x.org', 2],
      ['b.io', 1],
    ]);
    const a = e1.brands.find((x: { brandId: string }) => x.brandId === brand.A);
    expect(a).toMatchObject({
      n: 2,
      ownDomainCitedRuns: 2,
      mentionedRuns: 2,
      citedNearMentionRate: { rate: 0.5, n: 2 },
    });

    const p3 = (await get({ promptIds: prompt.P3 }).expect(200)).body.measured;
    expect(p3.successfulRuns).toBe(1);
    expect(
      p3.domains.map((d: { domain: string; citationCount: number }) => [d.domain, d.citationCount]),
    ).toEqual([
      ['docs.x.org', 2],
      ['a.com', 1],
    ]);

    // The brand filter selects brand rows only; domain shares stay over all successful runs.
    const onlyB = (await get({ brandIds: brand.B }).expect(200)).body.measured;
    expect(onlyB.brands.map((x: { brandId: string }) => x.brandId)).toEqual([brand.B]);
    expect(onlyB.successfulRuns).toBe(4);
    expect(onlyB.domains).toHaveLength(4);
  });

  it('reports empty figures honestly and applies the range rules', async () => {
    const res = await get({ from: '2020-01-01T00:00:00Z', to: '2020-02-01T00:00:00Z' }).expect(200);
    expect(res.body.measured).toEqual({ synthetic: false, successfulRuns: 0, domains: [], brands: [] });
    await get({ from: '2020-02-01T00:00:00Z', to: '2020-01-01T00:00:00Z' }).expect(400);
    await get({ from: '2020-01-01T00:00:00Z', to: '2021-06-01T00:00:00Z' }).expect(400);
    await get({ unknown: 'x' }).expect(400);
  });

  it('exports domain rows as CSV', async () => {
    const res = await get({ format: 'csv' }).expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    expect(res.headers['content-disposition']).toBe(`attachment; filename="citations-${projectId}.csv"`);
    const lines = res.text.split('\r\n');
    expect(lines[0]).toBe(CITATION_COLUMNS.join(','));
    expect(lines[1]).toBe('measured,docs.x.org,,,3,4,0.75,0.300642,0.954413,4');
    expect(lines[2]).toBe(`measured,a.com,${brand.A},A,3,3,0.75,0.300642,0.954413,4`);
    expect(lines[5]).toBe(`synthetic,a.com,${brand.A},A,1,1,1,0.206549,1,1`);
    expect(lines).toHaveLength(7); // header, 4 measured, 1 synthetic, final CRLF
  });

  it('is 404 for another workspace’s project', async () => {
    const other = await createWorkspace(t);
    const res = await t.http().get('/v1/reports/citations').query({ projectId }).set(other.auth('read'));
    expect(res.status).toBe(404);
  });
});
