// Reports read counts and sums from brand_day_rollups (whole UTC days) plus raw score rows (partial edge days).
// This checks, on a seeded fixture of random score rows over three weeks (including inserts, updates and the
// delete-and-reinsert a backfill does), that the rollup path returns exactly what raw rows give, for ranges with
// arbitrary edges, every filter, and both trend buckets; and that the trigger-maintained rollup table equals a
// recomputation from scratch.
import { randomUUID } from 'node:crypto';
import { PrismaService } from '../../src/infra/prisma/prisma.service';
import { MentionReportRepository } from '../../src/reports/mention-report.repository';
import { type ReportFilter } from '../../src/reports/report-filter';
import { createWorkspace, startTestApp, type TestApp, type TestWorkspace } from '../support/test-app';
import { seededRandom } from '../support/random';

const DAY = 24 * 3600_000;

describe('report rollups', () => {
  let t: TestApp;
  let ws: TestWorkspace;
  let prisma: PrismaService;
  let repo: MentionReportRepository;
  let projectId: string;
  const brands = [randomUUID(), randomUUID(), randomUUID()];
  const engines = [randomUUID(), randomUUID()];
  let prompts: string[] = [];
  const start = Date.UTC(2026, 0, 1, 0, 0, 0);

  beforeAll(async () => {
    t = await startTestApp();
    ws = await createWorkspace(t);
    prisma = t.app.get(PrismaService);
    repo = t.app.get(MentionReportRepository);
    projectId = (await t.http().post('/v1/projects').set(ws.auth()).send({ name: 'rollups' }).expect(201))
      .body.id;
    const tagged = async (tags: string[]) =>
      (
        await prisma.trackedPrompt.create({
          data: {
            workspaceId: ws.workspaceId,
            projectId,
            text: 'q',
            tags,
            cron: '0 * * * *',
            timezone: 'UTC',
          },
        })
      ).id;
    prompts = [await tagged(['crm']), await tagged(['erp']), await tagged([])];

    const random = seededRandom(7);
    const pick = <T>(xs: T[]) => xs[Math.floor(random() * xs.length)]!;
    const runs: { id: string; at: Date; synthetic: boolean; engineId: string; promptId: string }[] = [];
    for (let i = 0; i < 300; i++) {
      runs.push({
        id: randomUUID(),
        // Spread over 21 days, at any millisecond (some exactly at midnight).
        at: new Date(i % 25 === 0 ? start + (i % 21) * DAY : start + Math.floor(random() * 21 * DAY)),
        synthetic: random() < 0.15,
        engineId: pick(engines),
        promptId: pick(prompts),
      });
    }
    await prisma.run.createMany({
      data: runs.map((r) => ({
        id: r.id,
        workspaceId: ws.workspaceId,
        projectId,
        promptId: r.promptId,
        engineId: r.engineId,
        slotKey: `rollup:${r.id}`,
        slotAt: r.at,
        sample: 0,
        trigger: 'manual' as const,
        status: 'succeeded' as const,
        synthetic: r.synthetic,
      })),
    });
    const scoreRows = runs.flatMap((r) => {
      const seen = brands.filter(() => random() < 0.6);
      return brands.map((brandId) => {
        const order = seen.indexOf(brandId) + 1 || null;
        const token = Math.floor(random() * 400);
        const attention = order ? random() : 0;
        return {
          runId: r.id,
          brandId,
          projectId,
          promptId: r.promptId,
          engineId: r.engineId,
          observedAt: r.at,
          synthetic: r.synthetic,
          mentioned: order !== null,
          mentionCount: order ? 1 + Math.floor(random() * 4) : 0,
          firstVisibleAtUs: order ? Math.floor(random() * 9e6) : null,
          sinceFirstTokenUs: order ? Math.floor(random() * 8e6) : null,
          firstTokenIndex: order ? token : null,
          relPosition: order
            ? pick(['0.00000000', '0.25000000', '0.74999999', '0.75000000', random().toFixed(8)])
            : null,
          order,
          aboveFold: order !== null && token < 150,
          attention: attention.toFixed(10),
          streamScore: (attention * 100).toFixed(8),
          trakkrPoints: order ? 1 + Math.floor(random() * 10) : 0,
          geoWeightedWords: random() < 0.1 ? null : (order ? random() * 40 : 0).toFixed(8),
          geoShareOfAnswer: random() < 0.1 ? null : (order ? random() : 0).toFixed(10),
        };
      });
    });
    // Several statements, as runs land in batches.
    for (let i = 0; i < scoreRows.length; i += 97) {
      await prisma.runBrandScore.createMany({ data: scoreRows.slice(i, i + 97) });
    }
    // A backfill deletes and re-inserts the scores of some runs (with other figures) in one transaction.
    const redo = runs.slice(0, 40).map((r) => r.id);
    await prisma.$transaction(async (tx) => {
      const old = await tx.runBrandScore.findMany({ where: { runId: { in: redo } } });
      await tx.runBrandScore.deleteMany({ where: { runId: { in: redo } } });
      await tx.runBrandScore.createMany({
        data: old.map((o) => ({
          ...o,
          mentionCount: o.mentionCount + 1,
          trakkrPoints: o.mentioned ? 10 : 0,
        })),
      });
    });
    // An update moves rows to another day and engine; a deleted run cascades to its scores.
    await prisma.runBrandScore.updateMany({
      where: { runId: { in: runs.slice(40, 60).map((r) => r.id) } },
      data: {
        observedAt: new Date(start + 3 * DAY + 1234),
        engineId: engines[0],
        streamScore: '42.00000000',
      },
    });
    await prisma.run.deleteMany({ where: { id: { in: runs.slice(60, 70).map((r) => r.id) } } });
  });
  afterAll(() => t.close());

  const filter = (over: Partial<ReportFilter>): ReportFilter => ({
    projectId,
    from: new Date(start),
    to: new Date(start + 21 * DAY),
    brandIds: [],
    engineIds: [],
    promptIds: [],
    tags: [],
    ...over,
  });

  it('keeps the rollup table equal to a recomputation from the score rows', async () => {
    const diff = await prisma.$queryRaw<{ k: string }[]>`
      WITH fresh AS (
        SELECT "projectId", ("observedAt" AT TIME ZONE 'UTC')::date AS day, "brandId", "engineId", "promptId", synthetic,
          count(*)::int AS n, count(*) FILTER (WHERE mentioned)::int AS mentioned, sum("mentionCount")::int AS mc,
          sum("trakkrPoints")::int AS tp, sum("streamScore") AS ss, count("geoWeightedWords")::int AS gn,
          coalesce(sum("geoWeightedWords"), 0) AS gw
        FROM run_brand_scores WHERE "projectId" = ${projectId}::uuid GROUP BY 1, 2, 3, 4, 5, 6
      ),
      rolled AS (
        SELECT "projectId", day, "brandId", "engineId", "promptId", synthetic, n, mentioned, "mentionCount" AS mc,
          "trakkrSum" AS tp, "streamScoreSum" AS ss, "geoN" AS gn, "geoWeightedSum" AS gw
        FROM brand_day_rollups WHERE "projectId" = ${projectId}::uuid AND n <> 0
      )
      SELECT 'missing' AS k FROM (SELECT * FROM fresh EXCEPT SELECT * FROM rolled) a
      UNION ALL SELECT 'extra' FROM (SELECT * FROM rolled EXCEPT SELECT * FROM fresh) b`;
    expect(diff).toEqual([]);
    const rows = await prisma.brandDayRollup.count({ where: { projectId } });
    expect(rows).toBeGreaterThan(50);
  });

  it('returns identical totals and trends from rollups and from raw rows', async () => {
    const random = seededRandom(11);
    const cases: Partial<ReportFilter>[] = [
      {},
      // Whole days only, and a range inside one day (raw only).
      { from: new Date(start + 2 * DAY), to: new Date(start + 9 * DAY) },
      { from: new Date(start + 5 * DAY + 1000), to: new Date(start + 5 * DAY + 20 * 3600_000) },
      { engineIds: [engines[1]!] },
      { promptIds: [prompts[0]!, prompts[2]!] },
      { tags: ['erp'] },
      { brandIds: [brands[1]!] },
    ];
    for (let i = 0; i < 8; i++) {
      const a = start - DAY + Math.floor(random() * 23 * DAY);
      const b = start - DAY + Math.floor(random() * 23 * DAY);
      if (a !== b) cases.push({ from: new Date(Math.min(a, b)), to: new Date(Math.max(a, b)) });
    }
    const sort = <T extends { brandId: string; synthetic: boolean }>(rows: T[]) =>
      [...rows].sort((x, y) => `${x.brandId}${x.synthetic}`.localeCompare(`${y.brandId}${y.synthetic}`));
    let nonEmpty = 0;
    for (const c of cases) {
      const f = filter(c);
      const raw = sort(await repo.brandTotals(f, 'raw'));
      const rolled = sort(await repo.brandTotals(f, 'rollup'));
      expect({ case: c, rows: rolled }).toEqual({ case: c, rows: raw });
      if (raw.length > 0) nonEmpty++;
      for (const bucket of ['day', 'week'] as const) {
        expect({ case: c, bucket, rows: await repo.trend(f, bucket, 'rollup') }).toEqual({
          case: c,
          bucket,
          rows: await repo.trend(f, bucket, 'raw'),
        });
      }
    }
    // The comparison is not vacuous: most cases have rows, with non-zero sums.
    expect(nonEmpty).toBeGreaterThan(10);
    const all = await repo.brandTotals(filter({}), 'raw');
    expect(all.reduce((s, r) => s + r.n, 0)).toBe((300 - 10) * 3);
    expect(all.every((r) => r.streamScoreSum > 0 && r.trakkrSum > 0 && r.geoN > 0)).toBe(true);
  });
});
