// Export links (docs/export-links.md): an admin creates a read-only CSV link to one report of one project; the
// public link answers the report's CSV rows (no header unless asked) for its project, report and filters only,
// equal to the authenticated REST CSV of the same query minus its header; it dies when revoked or expired; the
// token is stored only as a hash; bad input is a 4xx that creates nothing; the public route is rate limited.
import { createHash } from 'node:crypto';
import { PrismaService } from '../../src/infra/prisma/prisma.service';
import { deleteQueueKeys, isolatedQueuePrefix } from '../support/pipeline';
import {
  ACME_GLOBEX_INITECH,
  createReportFixture,
  landScoredRun,
  type ReportFixture,
} from '../support/scored-runs';
import { createWorkspace, startTestApp, type TestApp, type TestWorkspace } from '../support/test-app';

const HOUR = 3600_000;
const DAY = 24 * HOUR;

interface CreatedLink {
  id: string;
  token: string;
  path: string;
  url: string | null;
  prefix: string;
  report: string;
  filters: Record<string, unknown>;
  windowDays: number;
  lastUsedAt: string | null;
  expiresAt: string | null;
  revokedAt: string | null;
}

/** Scripted answers: [prompt, engine, text, citations], landed `agoMs` before the suite starts. */
const ANSWERS: { prompt: number; engine: number; agoMs: number; text: string[]; cites?: string[] }[] = [
  { prompt: 0, engine: 0, agoMs: 2 * HOUR, text: ['Acme ', 'beats Globex.'], cites: ['acme.com'] },
  { prompt: 0, engine: 1, agoMs: 3 * HOUR, text: ['Globex ', 'then Acme.'], cites: ['globex.com'] },
  { prompt: 1, engine: 0, agoMs: 2 * DAY, text: ['Initech ', 'and Globex.'], cites: ['review.io'] },
  { prompt: 1, engine: 1, agoMs: 5 * DAY, text: ['Acme only.'] },
  { prompt: 0, engine: 0, agoMs: 9 * DAY, text: ['Globex, ', 'Initech, Acme.'], cites: ['globex.com'] },
  // Outside a 30-day window, inside a 60-day one.
  { prompt: 1, engine: 0, agoMs: 45 * DAY, text: ['Acme ', 'and Initech.'], cites: ['acme.com'] },
];

/** The CSV records after the first (the header row). */
const withoutHeader = (csv: string): string => csv.slice(csv.indexOf('\r\n') + 2);

describe('export links', () => {
  let t: TestApp;
  let ws: TestWorkspace;
  let other: TestWorkspace;
  let fx: ReportFixture;
  let sameWsProject: ReportFixture;
  let otherFx: ReportFixture;
  const now = Date.now();

  async function land(f: ReportFixture, workspaceId: string, brandWords = true) {
    for (const a of ANSWERS) {
      await landScoredRun(t, workspaceId, f.projectId, {
        promptId: f.prompts[a.prompt]!,
        engineId: f.engines[a.engine]!,
        at: new Date(now - a.agoMs),
        chunks: brandWords ? a.text : a.text.map((c) => c.replaceAll('Acme', 'Zeta')),
        citations: (a.cites ?? []).map((domain) => ({ url: `https://${domain}/page`, domain })),
      });
    }
  }

  beforeAll(async () => {
    t = await startTestApp({ EGRESS_ALLOW_PRIVATE: 'true' });
    ws = await createWorkspace(t);
    other = await createWorkspace(t);
    const spec = {
      brands: ACME_GLOBEX_INITECH,
      engines: 2,
      prompts: [
        { text: 'best crm', tags: ['crm'] },
        { text: 'best erp', tags: ['erp'] },
      ],
    };
    fx = await createReportFixture(t, ws.auth(), spec);
    sameWsProject = await createReportFixture(t, ws.auth(), {
      ...spec,
      brands: [{ name: 'Zeta', kind: 'own', domains: ['zeta.io'] }, ...ACME_GLOBEX_INITECH.slice(1)],
    });
    otherFx = await createReportFixture(t, other.auth(), spec);
    await land(fx, ws.workspaceId);
    await land(sameWsProject, ws.workspaceId, false);
    await land(otherFx, other.workspaceId);
  });
  afterAll(async () => {
    await t.close();
  });

  async function createLink(body: Record<string, unknown>, projectId = fx.projectId): Promise<CreatedLink> {
    const res = await t
      .http()
      .post(`/v1/projects/${projectId}/export-links`)
      .set(ws.auth())
      .send({ name: 'sheet', ...body });
    if (res.status !== 201) throw new Error(`create: HTTP ${res.status} ${JSON.stringify(res.body)}`);
    return res.body as CreatedLink;
  }

  /** The public link: no Authorization header. */
  const pull = (path: string) => t.http().get(path).buffer(true);

  async function listLinks(projectId = fx.projectId): Promise<CreatedLink[]> {
    const res = await t.http().get(`/v1/projects/${projectId}/export-links`).set(ws.auth('read')).expect(200);
    return res.body.data as CreatedLink[];
  }

  const REST_PATH: Record<string, string> = {
    mentions: 'mentions',
    'head-to-head': 'head-to-head',
    trend: 'trend',
    citations: 'citations',
    gaps: 'gaps',
    'gap-domains': 'gaps/domains',
  };

  /** GET /v1/reports/<report>?format=csv with the same filters, as a read key. */
  async function restCsv(report: string, query: Record<string, string>): Promise<string> {
    const res = await t
      .http()
      .get(`/v1/reports/${REST_PATH[report]}`)
      .query({ projectId: fx.projectId, format: 'csv', ...query })
      .set(ws.auth('read'))
      .buffer(true)
      .expect(200);
    return res.text;
  }

  const cases: { report: string; filters: Record<string, unknown>; query: Record<string, string> }[] = [
    { report: 'mentions', filters: {}, query: {} },
    { report: 'mentions', filters: { groupBy: ['engine'] }, query: { groupBy: 'engine' } },
    { report: 'head-to-head', filters: { tags: ['crm'] }, query: { tags: 'crm' } },
    { report: 'trend', filters: { bucket: 'week' }, query: { bucket: 'week' } },
    { report: 'citations', filters: {}, query: {} },
    { report: 'gaps', filters: {}, query: {} },
    { report: 'gap-domains', filters: {}, query: {} },
  ];

  it.each(cases)('$report $filters: the rows of the REST CSV, without its header', async (c) => {
    const link = await createLink({ report: c.report, filters: c.filters });
    expect(link.path).toBe(`/v1/export/${link.token}.csv`);
    const res = await pull(link.path).expect(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['cache-control']).toBe('no-store');
    const rest = await restCsv(c.report, c.query);
    expect(rest.split('\r\n').length).toBeGreaterThan(2); // a header and rows: the comparison means something
    expect(res.text).toBe(withoutHeader(rest));
    // header=1 adds exactly the REST header row.
    expect((await pull(`${link.path}?header=1`).expect(200)).text).toBe(rest);
  });

  it('applies its filters and its rolling window, and reads only its project', async () => {
    const all = await createLink({ report: 'mentions' });
    const acme = await createLink({
      report: 'mentions',
      filters: { brandIds: [fx.brands.Acme], engineIds: [fx.engines[0]] },
    });
    const sixty = await createLink({ report: 'mentions', windowDays: 60 });
    const allCsv = (await pull(all.path).expect(200)).text;
    const acmeCsv = (await pull(acme.path).expect(200)).text;
    expect(acmeCsv).toBe(
      withoutHeader(await restCsv('mentions', { brandIds: fx.brands.Acme!, engineIds: fx.engines[0]! })),
    );
    expect(acmeCsv).not.toBe(allCsv);
    const rows = acmeCsv.trimEnd().split('\r\n');
    expect(rows.filter((r) => r.startsWith('measured,'))).toHaveLength(1);
    expect(rows[0]).toContain(`,${fx.brands.Acme},Acme,own,3,`); // engine 0 within 30 days: 3 runs
    // The 45-day-old run counts in the 60-day window only.
    const n = (csv: string) =>
      csv
        .split('\r\n')
        .find((r) => r.includes(`,${fx.brands.Acme},`))!
        .split(',')[4];
    expect(n(allCsv)).toBe('5');
    expect(n((await pull(sixty.path).expect(200)).text)).toBe('6');
    const from = new Date(Date.now() - 60 * DAY).toISOString();
    expect((await pull(sixty.path).expect(200)).text).toBe(
      withoutHeader(await restCsv('mentions', { from })),
    );
    // Never another project's rows: neither the same workspace's other project nor another workspace's.
    for (const csv of [allCsv, acmeCsv]) {
      expect(csv).not.toContain('Zeta');
      for (const id of [...Object.values(sameWsProject.brands), ...Object.values(otherFx.brands)]) {
        expect(csv).not.toContain(id);
      }
    }
  });

  it('shows the token once, stores only its hash, and counts uses', async () => {
    const link = await createLink({ report: 'citations', expiresAt: new Date(now + DAY).toISOString() });
    expect(link.token).toMatch(/^sr_exp_[A-Za-z0-9_-]{43}$/);
    expect(link.token.startsWith(link.prefix)).toBe(true);
    expect(link.url).toBeNull(); // no PUBLIC_URL in this app
    const rows = await t.app.get(PrismaService).$queryRaw<
      Record<string, unknown>[]
    >`SELECT * FROM export_links WHERE id = ${link.id}::uuid`;
    expect(rows).toHaveLength(1);
    const row = rows[0]!;
    const secret = link.token.slice('sr_exp_'.length);
    for (const [column, value] of Object.entries(row)) {
      const text =
        value instanceof Uint8Array ? Buffer.from(value).toString('latin1') : JSON.stringify(value);
      expect({ column, hasToken: text.includes(link.token) || text.includes(secret) }).toEqual({
        column,
        hasToken: false,
      });
    }
    expect(Buffer.from(row.tokenHash as Uint8Array)).toEqual(
      createHash('sha256').update(link.token).digest(),
    );
    const listed = await listLinks();
    const mine = listed.find((l) => l.id === link.id)!;
    expect(JSON.stringify(listed)).not.toContain(secret);
    expect(mine).not.toHaveProperty('token');
    expect(mine).toMatchObject({
      prefix: link.prefix,
      report: 'citations',
      filters: {},
      windowDays: 30,
      lastUsedAt: null,
      expiresAt: link.expiresAt,
      revokedAt: null,
    });
    await pull(link.path).expect(200);
    const used = (await listLinks()).find((l) => l.id === link.id)!;
    expect(used.lastUsedAt).not.toBeNull();
  });

  it('dies when revoked: a 404 like an unknown token, for good', async () => {
    const link = await createLink({ report: 'mentions' });
    await pull(link.path).expect(200);
    await t
      .http()
      .delete(`/v1/projects/${fx.projectId}/export-links/${link.id}`)
      .set(ws.auth('read'))
      .expect(403);
    await t
      .http()
      .delete(`/v1/projects/${fx.projectId}/export-links/${link.id}`)
      .set(other.auth())
      .expect(404);
    await pull(link.path).expect(200);
    const revoked = await t
      .http()
      .delete(`/v1/projects/${fx.projectId}/export-links/${link.id}`)
      .set(ws.auth())
      .expect(200);
    expect(revoked.body.revokedAt).not.toBeNull();
    const gone = await pull(link.path).expect(404);
    const unknown = await pull(`/v1/export/sr_exp_${'A'.repeat(43)}.csv`).expect(404);
    const malformed = await pull('/v1/export/nonsense.csv').expect(404);
    expect(gone.body).toEqual(unknown.body);
    expect(gone.body).toEqual(malformed.body);
    expect(JSON.stringify(gone.body)).not.toMatch(/revoked|expired/i);
    // Revoking again changes nothing; the list keeps the link with its revocation time.
    const again = await t
      .http()
      .delete(`/v1/projects/${fx.projectId}/export-links/${link.id}`)
      .set(ws.auth())
      .expect(200);
    expect(again.body.revokedAt).toBe(revoked.body.revokedAt);
    expect((await listLinks()).find((l) => l.id === link.id)?.revokedAt).toBe(revoked.body.revokedAt);
    await pull(link.path).expect(404);
  });

  it('dies when it expires', async () => {
    const link = await createLink({
      report: 'mentions',
      expiresAt: new Date(Date.now() + 1500).toISOString(),
    });
    await pull(link.path).expect(200);
    await new Promise((resolve) => setTimeout(resolve, Date.parse(link.expiresAt!) - Date.now() + 50));
    await pull(link.path).expect(404);
  });

  it('only admins create and revoke; read keys list; other workspaces see nothing', async () => {
    const before = await listLinks();
    await t
      .http()
      .post(`/v1/projects/${fx.projectId}/export-links`)
      .set(ws.auth('read'))
      .send({ name: 'x', report: 'mentions' })
      .expect(403);
    await t
      .http()
      .post(`/v1/projects/${fx.projectId}/export-links`)
      .set(other.auth())
      .send({ name: 'x', report: 'mentions' })
      .expect(404);
    await t.http().get(`/v1/projects/${fx.projectId}/export-links`).set(other.auth()).expect(404);
    await t
      .http()
      .post(`/v1/projects/${fx.projectId}/export-links`)
      .send({ name: 'x', report: 'mentions' })
      .expect(401);
    expect(await listLinks()).toEqual(before);
  });

  it('refuses bad input with a 4xx and creates nothing', async () => {
    const before = await listLinks();
    const bad: Record<string, unknown>[] = [
      {},
      { name: 'x' },
      { name: '', report: 'mentions' },
      { name: 'x', report: 'arrival' },
      { name: 'x', report: 'mentions', windowDays: 0 },
      { name: 'x', report: 'mentions', windowDays: 401 },
      { name: 'x', report: 'mentions', windowDays: 1.5 },
      { name: 'x', report: 'mentions', extra: true },
      { name: 'x', report: 'mentions', filters: { from: '2026-01-01T00:00:00Z' } },
      { name: 'x', report: 'mentions', filters: { brandIds: ['not-a-uuid'] } },
      { name: 'x', report: 'mentions', filters: { groupBy: ['engine', 'prompt', 'tag'] } },
      { name: 'x', report: 'mentions', filters: { bucket: 'week' } },
      { name: 'x', report: 'trend', filters: { groupBy: ['engine'] } },
      { name: 'x', report: 'gaps', filters: { groupBy: ['engine'] } },
      { name: 'x', report: 'mentions', expiresAt: 'tomorrow' },
      { name: 'x', report: 'mentions', expiresAt: new Date(Date.now() - 1000).toISOString() },
      // Ids that are not the project's: another project's brand, another workspace's engine and prompt.
      { name: 'x', report: 'mentions', filters: { brandIds: [sameWsProject.brands.Zeta] } },
      { name: 'x', report: 'mentions', filters: { engineIds: [otherFx.engines[0]] } },
      { name: 'x', report: 'mentions', filters: { promptIds: [sameWsProject.prompts[0]] } },
    ];
    for (const body of bad) {
      const res = await t.http().post(`/v1/projects/${fx.projectId}/export-links`).set(ws.auth()).send(body);
      expect({ body, status: res.status, code: res.body.error?.code }).toEqual({
        body,
        status: 400,
        code: 'validation_failed',
      });
    }
    await t
      .http()
      .post('/v1/projects/00000000-0000-4000-8000-000000000000/export-links')
      .set(ws.auth())
      .send({ name: 'x', report: 'mentions' })
      .expect(404);
    expect(await listLinks()).toEqual(before);
    const link = await createLink({ report: 'mentions' });
    const res = await pull(`${link.path}?header=maybe`).expect(400);
    expect(res.body.error.code).toBe('validation_failed');
    // A cache buster (as sheets append to force a refresh) is ignored.
    await pull(`${link.path}?refresh=123`).expect(200);
  });

  it('rate limits the public route per client address', async () => {
    const prefix = isolatedQueuePrefix('export-rl');
    const limited = await startTestApp({ API_RATE_LIMIT_PER_MINUTE: '2', QUEUE_PREFIX: prefix });
    try {
      const link = await createLink({ report: 'mentions' });
      await limited.http().get(link.path).expect(200);
      await limited.http().get(link.path).expect(200);
      const res = await limited.http().get(link.path).expect(429);
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
      // Unknown tokens spend the same budget: guessing costs as much as reading.
      await limited
        .http()
        .get(`/v1/export/sr_exp_${'B'.repeat(43)}.csv`)
        .expect(429);
    } finally {
      await limited.close();
      await deleteQueueKeys(prefix);
    }
  });
});
