// The golden pipeline test: scripted answers with known chunk timings go through the real pipeline (fake
// providers over HTTP, the worker and its capture threads, Postgres), then every field of every report, in
// JSON and CSV, for several filters, is compared with an independent computation from the scripts
// (test/support/report-oracle*.ts, written from docs/metrics.md and docs/csv.md). A column the write path
// forgets, or a figure computed differently from its definition, fails here.
//
// Times: the script sends chunk k at a fixed offset, and the oracle takes the times the fake actually wrote
// them (a late timer on a busy machine delays every later chunk of its stream). First mentions arrive about
// 0, 750, 1 750 or 2 750 ms after the first token, each about 250 ms from the nearest arrival-grid point, and
// times are compared within 200 ms (400 ms for times since the request and for leads): the reading error stays
// inside it, a part stamped with the wrong read (>= 750 ms off) does not.
import { type FakeExchange } from '../fakes/fake-openai-server';
import { openAiChunkEvents } from '../fakes/openai-sse-script';
import { perplexityEvents } from '../fakes/perplexity-sse-script';
import { E1_ANSWERS, E2_ANSWERS, SETTINGS, timed } from '../support/golden-script';
import { startPipelineHarness, waitForRun, type PipelineHarness } from '../support/pipeline';
import { byKey, compareCsv, compareReport } from '../support/report-compare';
import { type OracleBrand, type ScriptedRun } from '../support/report-oracle';
import { ReportOracle, type OracleFilter } from '../support/report-oracle-reports';
import {
  CITATION_COLUMNS,
  MENTION_COLUMNS,
  PAIR_COLUMNS,
  TREND_COLUMNS,
} from '../support/report-csv-columns';

describe('golden pipeline: every report field equals the oracle over scripted answers', () => {
  let h: PipelineHarness;
  let projectId: string;
  let engines: { e1: string; e2: string };
  let prompts: { p1: string; p2: string };
  let brands: OracleBrand[];
  let oracle: ReportOracle;
  let range: { from: Date; to: Date };

  beforeAll(async () => {
    h = await startPipelineHarness('golden');
    const http = () => h.t.http();
    const auth = h.ws.auth();
    const origin = h.baseUrl.replace(/\/v1$/, '');
    projectId = (
      await http()
        .post('/v1/projects')
        .set(auth)
        .send({ name: 'golden', ...SETTINGS })
        .expect(201)
    ).body.id;
    brands = [];
    for (const b of [
      { name: 'Acme', kind: 'own' as const, domains: ['acme.com'] },
      { name: 'Globex', kind: 'competitor' as const, domains: ['globex.com'] },
      { name: 'Initech', kind: 'competitor' as const, domains: [] },
      { name: 'Umbrella', kind: 'competitor' as const, domains: ['umbrella.example'] },
    ]) {
      const res = await http().post(`/v1/projects/${projectId}/brands`).set(auth).send(b).expect(201);
      brands.push({ id: res.body.id as string, ...b });
    }
    const engine = async (body: object) =>
      (await http().post('/v1/engines').set(auth).send(body).expect(201)).body.id as string;
    engines = {
      e1: await engine({
        name: 'golden e1',
        provider: 'openai-compatible',
        model: 'gpt-fake',
        baseUrl: `${origin}/e1/v1`,
        credential: 'sk-golden-0123456789',
      }),
      e2: await engine({
        name: 'golden e2',
        provider: 'perplexity',
        model: 'sonar',
        baseUrl: `${origin}/e2`,
        credential: 'pplx-golden-0123456789',
      }),
    };
    const prompt = async (text: string, tags: string[]) =>
      (
        await http()
          .post(`/v1/projects/${projectId}/prompts`)
          .set(auth)
          .send({ text, tags, engineIds: [engines.e1, engines.e2], cron: '0 0 1 1 *' })
          .expect(201)
      ).body.id as string;
    prompts = {
      p1: await prompt('Which CRM should a small team buy?', ['crm']),
      p2: await prompt('Which ERP suits a growing company?', ['erp']),
    };
    const tagsOf = (promptText: string) => (promptText.includes('CRM') ? ['crm'] : ['erp']);
    const promptOf = (promptText: string) => (promptText.includes('CRM') ? prompts.p1 : prompts.p2);

    // Scripts are consumed per path in request order; each exchange tells which prompt got which answer.
    const served: Promise<ScriptedRun>[] = [];
    for (const chunks of E1_ANSWERS) {
      const { finished } = h.fake.enqueue(
        { writes: timed(openAiChunkEvents(chunks), 1, 4) },
        '/e1/v1/chat/completions',
      );
      served.push(finished.then((x) => scripted(x, 1, engines.e1, chunks, [])));
    }
    for (const a of E2_ANSWERS) {
      const events = perplexityEvents(a.chunks, {
        sourcesAt: () => a.urls.map((url) => ({ url, title: url })),
      });
      const { finished } = h.fake.enqueue({ writes: timed(events, 0, 4) }, '/e2/chat/completions');
      served.push(finished.then((x) => scripted(x, 0, engines.e2, a.chunks, a.urls)));
    }
    /**
     * A run as the fake served it. Chunk times are when the fake actually wrote them (since the request reached
     * it), not the script's offsets: on a busy machine a late timer delays every later chunk of its stream, and
     * the oracle must hold the pipeline to the wire, not to the plan.
     */
    function scripted(
      x: FakeExchange,
      contentFrom: number,
      engineId: string,
      chunks: string[],
      urls: string[],
    ): ScriptedRun {
      const text = (JSON.parse(x.request.body) as { messages: { content: string }[] }).messages.at(
        -1,
      )!.content;
      return {
        engineId,
        promptId: promptOf(text),
        tags: tagsOf(text),
        requestAt: new Date(x.requestReceivedAtMs),
        chunks: chunks.map((c, i) => ({
          text: c,
          atMs: x.writeTimesMs[contentFrom + i]! - x.requestReceivedAtMs,
        })),
        citedUrls: urls,
      };
    }

    const started = Date.now();
    const runIds: string[] = [];
    for (const p of [prompts.p1, prompts.p2]) {
      const res = await http().post(`/v1/prompts/${p}/run`).set(auth).send({ samples: 2 }).expect(202);
      runIds.push(...(res.body.runIds as string[]));
    }
    expect(runIds).toHaveLength(8);
    for (const id of runIds) expect((await waitForRun(h.t, h.ws, id, 45_000)).status).toBe('succeeded');
    const runs = await Promise.all(served);
    oracle = new ReportOracle(runs, brands, SETTINGS);
    range = { from: new Date(started - 3600_000), to: new Date(Date.now() + 3600_000) };
  }, 90_000);
  afterAll(() => h.stop());

  const filters = (): [string, OracleFilter][] => [
    ['unfiltered', { projectId, ...range }],
    ['one engine', { projectId, ...range, engineIds: [engines.e2] }],
    ['one tag', { projectId, ...range, tags: ['erp'] }],
    ['one prompt', { projectId, ...range, promptIds: [prompts.p1] }],
  ];

  function query(f: OracleFilter, csv = false): Record<string, string> {
    return {
      projectId: f.projectId,
      from: f.from.toISOString(),
      to: f.to.toISOString(),
      ...(f.engineIds ? { engineIds: f.engineIds.join(',') } : {}),
      ...(f.promptIds ? { promptIds: f.promptIds.join(',') } : {}),
      ...(f.tags ? { tags: f.tags.join(',') } : {}),
      ...(csv ? { format: 'csv' } : {}),
    };
  }

  async function get(path: string, q: Record<string, string>): Promise<{ body: unknown; text: string }> {
    const res = await h.t.http().get(path).query(q).set(h.ws.auth('read')).expect(200);
    return { body: res.body as unknown, text: res.text };
  }

  const id = (b: { brandId?: string }) => b.brandId ?? '';
  const pairKey = (p: { brandA: { id: string }; brandB: { id: string } }) => `${p.brandA.id}|${p.brandB.id}`;
  type Row = Record<string, unknown>;
  const at = (r: Row, path: string): unknown =>
    path.split('.').reduce<unknown>((v, k) => (v === null || v === undefined ? null : (v as Row)[k]), r);
  const cols = (spec: [string, string][]): [string, (r: Row) => unknown][] =>
    spec.map(([name, path]) => [name, path === 'section' ? () => 'measured' : (r) => at(r, path)]);

  it.each([0, 1, 2, 3])('mentions report, JSON and CSV (filter %i)', async (i) => {
    const [, f] = filters()[i]!;
    const expected = oracle.mentionBrands(f);
    const { body } = await get('/v1/reports/mentions', query(f));
    const report = body as { measured: { brands: Row[] } } & Row;
    const problems = compareReport(
      { ...report, measured: { ...report.measured, brands: byKey(report.measured.brands, id) } },
      {
        projectId,
        from: f.from.toISOString(),
        to: f.to.toISOString(),
        settings: SETTINGS,
        previousPeriod: {
          from: new Date(2 * f.from.getTime() - f.to.getTime()).toISOString(),
          to: f.from.toISOString(),
        },
        measured: {
          synthetic: false,
          successfulRuns: oracle.successfulRuns(f),
          failedRuns: 0,
          brands: byKey(expected, id),
        },
        synthetic: { synthetic: true, successfulRuns: 0, failedRuns: 0, brands: [] },
      },
    );
    const { text } = await get('/v1/reports/mentions', query(f, true));
    problems.push(
      ...compareCsv(
        text,
        expected,
        cols(MENTION_COLUMNS),
        (r) => r.brand_id!,
        (r) => r.brandId as string,
      ),
    );
    expect(problems).toEqual([]);
  });

  it.each([0, 1, 2, 3])('head-to-head report, JSON and CSV (filter %i)', async (i) => {
    const [, f] = filters()[i]!;
    const expected = oracle.pairs(f);
    const report = (await get('/v1/reports/head-to-head', query(f))).body as { measured: Row[] } & Row;
    const problems = compareReport(
      { ...report, measured: byKey(report.measured as never, pairKey) },
      {
        projectId,
        from: f.from.toISOString(),
        to: f.to.toISOString(),
        measured: byKey(expected, pairKey),
        synthetic: [],
      },
    );
    const { text } = await get('/v1/reports/head-to-head', query(f, true));
    problems.push(
      ...compareCsv(
        text,
        expected,
        cols(PAIR_COLUMNS),
        (r) => `${r.brand_a_id}|${r.brand_b_id}`,
        (r) => pairKey(r as never),
      ),
    );
    expect(problems).toEqual([]);
  });

  it.each([0, 1, 2, 3])('trend report by day, JSON and CSV (filter %i)', async (i) => {
    const [, f] = filters()[i]!;
    const key = (r: Row) => `${r.bucket as string}|${r.brandId as string}`;
    const expected = oracle.trend(f);
    const report = (await get('/v1/reports/trend', { ...query(f), bucket: 'day' })).body as {
      measured: Row[];
    } & Row;
    const problems = compareReport(
      { ...report, measured: byKey(report.measured, key) },
      {
        projectId,
        bucket: 'day',
        from: f.from.toISOString(),
        to: f.to.toISOString(),
        measured: byKey(expected, key),
        synthetic: [],
      },
    );
    const { text } = await get('/v1/reports/trend', { ...query(f, true), bucket: 'day' });
    problems.push(
      ...compareCsv(text, expected, cols(TREND_COLUMNS), (r) => `${r.bucket}|${r.brand_id}`, key),
    );
    expect(problems).toEqual([]);
  });

  it.each([0, 1, 2, 3])('citations report, JSON and CSV (filter %i)', async (i) => {
    const [, f] = filters()[i]!;
    const expected = oracle.citations(f);
    const domain = (r: Row) => r.domain as string;
    const report = (await get('/v1/reports/citations', query(f))).body as {
      measured: { domains: Row[]; brands: Row[] };
    } & Row;
    const problems = compareReport(
      {
        ...report,
        measured: {
          ...report.measured,
          domains: byKey(report.measured.domains, domain),
          brands: byKey(report.measured.brands, id),
        },
      },
      {
        projectId,
        from: f.from.toISOString(),
        to: f.to.toISOString(),
        settings: { nearMentionChars: 200 },
        measured: {
          synthetic: false,
          ...expected,
          domains: byKey(expected.domains, domain),
          brands: byKey(expected.brands, id),
        },
        synthetic: { synthetic: true, successfulRuns: 0, domains: [], brands: [] },
      },
    );
    const { text } = await get('/v1/reports/citations', query(f, true));
    problems.push(...compareCsv(text, expected.domains, cols(CITATION_COLUMNS), (r) => r.domain!, domain));
    expect(problems).toEqual([]);
  });

  it.each([0, 1, 2, 3])('arrival report (filter %i)', async (i) => {
    const [, f] = filters()[i]!;
    const report = (await get('/v1/reports/arrival', query(f))).body as { measured: { brands: Row[] } } & Row;
    const expected = oracle.arrival(f);
    const problems = compareReport(
      { ...report, measured: { ...report.measured, brands: byKey(report.measured.brands, id) } },
      {
        projectId,
        from: f.from.toISOString(),
        to: f.to.toISOString(),
        settings: {
          foldTokens: SETTINGS.foldTokens,
          timeGridMs: Array.from({ length: 61 }, (_, k) => k * 500),
          tokenGrid: Array.from({ length: 51 }, (_, k) => k * 10),
        },
        measured: { synthetic: false, successfulRuns: oracle.successfulRuns(f), brands: byKey(expected, id) },
        synthetic: { synthetic: true, successfulRuns: 0, brands: [] },
      },
    );
    expect(problems).toEqual([]);
  });
});
