// CSV exports of every report and of the run list, over a small, fully known dataset landed by the scored-run
// factory (the figures are those of reports.e2e-spec.ts), plus a run list longer than one page streamed in full.
import { randomUUID } from 'node:crypto';
import { PrismaService } from '../../src/infra/prisma/prisma.service';
import { createReportFixture, landScoredRun } from '../support/scored-runs';
import { createWorkspace, startTestApp, type TestApp, type TestWorkspace } from '../support/test-app';

/** `n` filler words of one o200k token each (" the"; "the" at the very start of an answer). */
const the = (n: number, start = false) => (start && n > 0 ? `the${' the'.repeat(n - 1)}` : ' the'.repeat(n));

// The answers of reports.e2e-spec.ts, naming A by its alias "Acme" (two o200k tokens, " Ac" "me") and B by
// "Evil" (one): measured (A, B) = (1st at token 10, 2nd at 40), (2nd at 60, 1st at 20), (1st at 0, absent),
// (absent, absent), each 100 tokens; a synthetic run naming A five times. The first chunk's arrival is the TTFT.
const RUNS: { chunks: string[]; arrivalsMs: number[]; synthetic: boolean }[] = [
  {
    chunks: [the(10, true), ` Acme${the(28)}`, ` Evil${the(58)}.`],
    arrivalsMs: [500, 1500, 3500],
    synthetic: false,
  },
  {
    chunks: [the(20, true), ` Evil${the(39)}`, ` Acme${the(37)}.`],
    arrivalsMs: [400, 2400, 5400],
    synthetic: false,
  },
  { chunks: [`Acme${the(48)}`, ` Acme${the(47)}.`], arrivalsMs: [300, 600], synthetic: false },
  { chunks: [`${the(99, true)}.`], arrivalsMs: [500], synthetic: false },
  { chunks: ['the', `${' Acme'.repeat(5)}${the(1)}.`], arrivalsMs: [50, 100], synthetic: true },
];

/** RFC 4180 reader (quoted fields, doubled quotes, CRLF records); fails on a bare LF outside quotes. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c !== '"') field += c;
      else if (text[i + 1] === '"') {
        field += '"';
        i++;
      } else quoted = false;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else if (c === '\n') throw new Error(`bare LF at ${i}`);
    else field += c;
  }
  if (field !== '' || row.length > 0) throw new Error('missing final CRLF');
  return rows;
}

/** Rows as objects keyed by the header. */
function records(text: string): Record<string, string>[] {
  const [header, ...rows] = parseCsv(text);
  return rows.map((r) => Object.fromEntries(header!.map((h, i) => [h, r[i]!])));
}

const ACME = 'Acme, "Best" Co';
const EVIL = '=HYPERLINK("http://evil.example","click")';

const MENTION_COLUMNS = [
  'section',
  'brand_id',
  'brand_name',
  'kind',
  'n',
  'mentioned_runs',
  'mention_count',
  'mention_rate',
  'mention_rate_low',
  'mention_rate_high',
  'time_to_first_mention_ms_p50',
  'time_to_first_mention_ms_p90',
  'first_visible_at_ms_p50',
  'first_visible_at_ms_p90',
  'first_token_index_p50',
  'first_token_index_p90',
  'mean_order',
  'above_fold_rate',
  'above_fold_rate_low',
  'above_fold_rate_high',
  'mean_stream_score',
  'share_of_voice',
  'attention_share_of_voice',
  'average_position',
  'band_top',
  'band_middle',
  'band_bottom',
  'mean_trakkr_points',
  'geo_n',
  'geo_mean_weighted_words',
  'geo_mean_share_of_answer',
  'geo_share_of_brands',
];

describe('CSV exports', () => {
  let t: TestApp;
  let ws: TestWorkspace;
  let projectId: string;
  let bulkProjectId: string;
  let a: string;
  let b: string;
  const bulkRunIds: string[] = [];

  beforeAll(async () => {
    t = await startTestApp({ EGRESS_ALLOW_PRIVATE: 'true' });
    ws = await createWorkspace(t);
    const fx = await createReportFixture(t, ws.auth(), {
      brands: [
        { name: ACME, kind: 'own', aliases: ['Acme'] },
        { name: EVIL, kind: 'competitor', aliases: ['Evil'] },
      ],
      engines: 1,
      prompts: [{ text: 'csv prompt', tags: [] }],
    });
    projectId = fx.projectId;
    a = fx.brands[ACME]!;
    b = fx.brands[EVIL]!;
    bulkProjectId = (
      await t.http().post('/v1/projects').set(ws.auth()).send({ name: 'csv-bulk' }).expect(201)
    ).body.id as string;
    const observedAt = new Date(Date.now() - 3600_000);
    for (const r of RUNS) {
      await landScoredRun(t, ws.workspaceId, projectId, {
        promptId: fx.prompts[0]!,
        engineId: fx.engines[0]!,
        synthetic: r.synthetic,
        at: observedAt,
        chunks: r.chunks,
        arrivalsMs: r.arrivalsMs,
      });
    }

    // The run list's paging fixture (no scores): 450 bare run rows inserted by hand, on purpose, since the
    // factory cannot produce createdAt ties.
    const prisma = t.app.get(PrismaService);
    // 450 runs in another project: more than two pages of 200, with createdAt ties across page boundaries.
    const base = Date.now() - 7200_000;
    const bulk = Array.from({ length: 450 }, (_, i) => {
      const id = randomUUID();
      bulkRunIds.push(id);
      return runData(id, bulkProjectId, false, new Date(base), new Date(base - (i % 40) * 1000));
    });
    await prisma.run.createMany({ data: bulk });
  }, 120_000);
  afterAll(() => t.close());

  function runData(id: string, project: string, synthetic: boolean, slotAt: Date, createdAt: Date) {
    return {
      id,
      workspaceId: ws.workspaceId,
      projectId: project,
      promptId: randomUUID(),
      engineId: randomUUID(),
      slotKey: `test:${id}`,
      slotAt,
      sample: 0,
      trigger: 'manual' as const,
      status: 'succeeded' as const,
      synthetic,
      createdAt,
    };
  }

  const get = (path: string, query: Record<string, string>) =>
    t.http().get(path).query(query).set(ws.auth('read'));

  it('exports the mentions report with documented columns, known values and safe text', async () => {
    const res = await get('/v1/reports/mentions', { projectId, format: 'csv' }).expect(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toBe(`attachment; filename="mentions-${projectId}.csv"`);
    expect(res.headers['vary']).toMatch(/Accept/);
    expect(res.text.split('\r\n')[0]).toBe(MENTION_COLUMNS.join(','));

    const rows = records(res.text);
    expect(rows.map((r) => [r.section, r.brand_id])).toEqual([
      ['measured', a],
      ['measured', b],
      ['synthetic', a],
      ['synthetic', b],
    ]);
    expect(rows[0]).toMatchObject({
      brand_name: ACME,
      kind: 'own',
      n: '4',
      mentioned_runs: '3',
      mention_count: '4',
      mention_rate: '0.75',
      mention_rate_low: '0.300642',
      mention_rate_high: '0.954413',
      time_to_first_mention_ms_p50: '1000',
      time_to_first_mention_ms_p90: '4200',
      first_token_index_p50: '10',
      first_token_index_p90: '50',
      mean_order: '1.3333',
      above_fold_rate: '0.75',
      share_of_voice: '0.666667',
      average_position: '1.3333',
      band_top: '0.666667',
      band_middle: '0.333333',
      band_bottom: '0',
      mean_trakkr_points: '5.25',
    });
    // The formula-like name reads back with a leading quote, so a spreadsheet shows it as text.
    expect(rows[1]!.brand_name).toBe(`'${EVIL}`);
    expect(rows[1]!.mention_rate).toBe('0.5');
    // Raw RFC 4180 quoting of both names.
    expect(res.text).toContain(`,"Acme, ""Best"" Co",own,`);
    expect(res.text).toContain(`,"'=HYPERLINK(""http://evil.example"",""click"")",competitor,`);
    // A brand never mentioned has empty percentile and band cells, not "null".
    expect(rows[3]).toMatchObject({ section: 'synthetic', mention_count: '0', band_top: '', mean_order: '' });
    expect(res.text).not.toContain('null');

    // The same figures as the JSON report.
    const json = (await get('/v1/reports/mentions', { projectId }).expect(200)).body;
    expect(Number(rows[0]!.mean_stream_score)).toBe(json.measured.brands[0].meanStreamScore);
    expect(Number(rows[0]!.attention_share_of_voice)).toBe(json.measured.brands[0].attentionShareOfVoice);
  });

  it('exports head to head, one row per pair, negative leads as plain numbers', async () => {
    const res = await get('/v1/reports/head-to-head', { projectId, format: 'csv' }).expect(200);
    expect(res.headers['content-disposition']).toBe(`attachment; filename="head-to-head-${projectId}.csv"`);
    expect(parseCsv(res.text)[0]).toEqual([
      'section',
      'brand_a_id',
      'brand_a_name',
      'brand_b_id',
      'brand_b_name',
      'runs',
      'both_mentioned',
      'only_a',
      'only_b',
      'a_first_rate',
      'a_first_rate_low',
      'a_first_rate_high',
      'a_first_n',
      'median_lead_ms',
      'median_lead_tokens',
    ]);
    const rows = records(res.text);
    const ab = rows.find((r) => r.section === 'measured' && r.brand_a_id === a && r.brand_b_id === b);
    expect(ab).toMatchObject({
      brand_a_name: ACME,
      brand_b_name: `'${EVIL}`,
      runs: '4',
      both_mentioned: '2',
      only_a: '1',
      only_b: '0',
      a_first_rate: '0.5',
      a_first_rate_low: '0.094531',
      a_first_rate_high: '0.905469',
      a_first_n: '2',
      median_lead_ms: '-500',
      median_lead_tokens: '-5',
    });
    const ba = rows.find((r) => r.section === 'measured' && r.brand_a_id === b);
    expect(ba?.median_lead_ms).toBe('500');
  });

  it('exports the trend, one row per bucket and brand, selected by Accept', async () => {
    const res = await get('/v1/reports/trend', { projectId, bucket: 'day' })
      .set('Accept', 'text/csv')
      .expect(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toBe(`attachment; filename="trend-${projectId}.csv"`);
    const [header] = parseCsv(res.text);
    expect(header).toEqual([
      'section',
      'bucket',
      'brand_id',
      'brand_name',
      'n',
      'mention_count',
      'mention_rate',
      'mention_rate_low',
      'mention_rate_high',
      'mean_stream_score',
    ]);
    const aDays = records(res.text).filter((r) => r.section === 'measured' && r.brand_id === a);
    expect(aDays).toHaveLength(1);
    expect(aDays[0]).toMatchObject({
      brand_name: ACME,
      n: '4',
      mention_count: '4',
      mention_rate: '0.75',
      mention_rate_low: '0.300642',
      mention_rate_high: '0.954413',
    });
    expect(new Date(aDays[0]!.bucket!).getUTCHours()).toBe(0);
  });

  it('negotiates: format wins over Accept, JSON by default, bad values and unknown parameters rejected', async () => {
    const viaAccept = await get('/v1/reports/mentions', { projectId }).set('Accept', 'text/csv').expect(200);
    const viaQuery = await get('/v1/reports/mentions', { projectId, format: 'csv' }).expect(200);
    expect(viaAccept.text).toBe(viaQuery.text);

    const json = await get('/v1/reports/mentions', { projectId, format: 'json' })
      .set('Accept', 'text/csv')
      .expect(200);
    expect(json.headers['content-type']).toMatch(/^application\/json/);
    expect(json.body.measured.brands).toHaveLength(2);
    const csvOverJson = await get('/v1/reports/mentions', { projectId, format: 'csv' })
      .set('Accept', 'application/json')
      .expect(200);
    expect(csvOverJson.headers['content-type']).toBe('text/csv; charset=utf-8');
    const plain = await get('/v1/reports/mentions', { projectId }).set('Accept', '*/*').expect(200);
    expect(plain.headers['content-type']).toMatch(/^application\/json/);

    const bad = await get('/v1/reports/mentions', { projectId, format: 'xml' }).expect(400);
    expect(bad.body.error.details).toEqual([expect.objectContaining({ path: 'query.format' })]);
    await get('/v1/reports/mentions', { projectId, format: 'csv', nope: '1' }).expect(400);
    await get('/v1/runs', { format: 'csv', nope: '1' }).expect(400);
    // Errors stay JSON even when CSV was asked for.
    const invalid = await get('/v1/reports/trend', { projectId, bucket: 'year' })
      .set('Accept', 'text/csv')
      .expect(400);
    expect(invalid.headers['content-type']).toMatch(/^application\/json/);
    await get('/v1/runs', { format: 'csv', cursor: 'garbage' }).expect(400);
  });

  it('streams every run of a list longer than one page, in list order', async () => {
    const res = await get('/v1/runs', { projectId: bulkProjectId, format: 'csv', limit: '10' }).expect(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toBe(`attachment; filename="runs-${bulkProjectId}.csv"`);
    // Written as pages arrive: chunked, no precomputed length.
    expect(res.headers['transfer-encoding']).toBe('chunked');
    expect(res.headers['content-length']).toBeUndefined();
    expect(res.text.split('\r\n')[0]).toBe(
      'id,project_id,prompt_id,engine_id,slot_at,sample,trigger,status,synthetic,attempts,failure_reason,' +
        'skip_reason,created_at,started_at,finished_at',
    );
    const rows = records(res.text);
    expect(rows).toHaveLength(450);
    expect(new Set(rows.map((r) => r.id))).toEqual(new Set(bulkRunIds));
    expect(rows[0]).toMatchObject({
      project_id: bulkProjectId,
      sample: '0',
      trigger: 'manual',
      status: 'succeeded',
      synthetic: 'false',
      failure_reason: '',
      finished_at: '',
    });
    // Same order as paging through the JSON list (createdAt desc, id desc).
    const jsonIds: string[] = [];
    let cursor: string | null = null;
    do {
      const query: Record<string, string> = { projectId: bulkProjectId, limit: '200' };
      if (cursor) query.cursor = cursor;
      const page = (await get('/v1/runs', query).expect(200)).body;
      jsonIds.push(...page.data.map((r: { id: string }) => r.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(rows.map((r) => r.id)).toEqual(jsonIds);

    // Accept works on the run list too; other workspaces see only a header.
    const viaAccept = await get('/v1/runs', { projectId: bulkProjectId })
      .set('Accept', 'text/csv')
      .expect(200);
    expect(viaAccept.text).toBe(res.text);
    const other = await createWorkspace(t);
    const foreign = await t
      .http()
      .get('/v1/runs')
      .query({ projectId: bulkProjectId, format: 'csv' })
      .set(other.auth('read'))
      .expect(200);
    expect(parseCsv(foreign.text)).toHaveLength(1);
  });
});
