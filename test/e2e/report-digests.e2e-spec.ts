// Report digests (docs/reports.md "Digests"): the digest a report merges from stored blocks plus raw rows
// must equal the digest of every raw row, whatever the range, after any write, and however builders race.
// Runs landed by the scored-run factory across three days of hours, with mentions and citations.
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { PrismaService } from '../../src/infra/prisma/prisma.service';
import { type ReportDigest } from '../../src/reports/digest/report-digest';
import { ReportDigestService } from '../../src/reports/digest/report-digest.service';
import { type ReportFilter } from '../../src/reports/report-filter';
import { canonicalDigest } from '../support/canonical-digest';
import { createReportFixture, DIGEST_BRANDS, landScoredRun } from '../support/scored-runs';
import { createWorkspace, startTestApp, type TestApp, type TestWorkspace } from '../support/test-app';
import { seededRandom } from '../support/random';

const HOUR = 3600_000;
const BRAND_NAMES = ['A', 'B', 'C'] as const;

const canonical = canonicalDigest;

describe('report digests', () => {
  let t: TestApp;
  let ws: TestWorkspace;
  let prisma: PrismaService;
  let digests: ReportDigestService;
  let projectId: string;
  let brands: string[];
  let engineId: string;
  let promptId: string;
  // Three days of hours ending two hours ago, starting mid-hour so the range has partial edge hours.
  const end = Math.floor(Date.now() / HOUR) * HOUR - 2 * HOUR;
  const start = end - 72 * HOUR;
  const next = seededRandom(42);

  const filter = (from: number, to: number): ReportFilter => ({
    projectId,
    from: new Date(from),
    to: new Date(to),
    brandIds: [],
    engineIds: [],
    promptIds: [],
    tags: [],
  });

  async function expectRollupEqualsRaw(from: number, to: number): Promise<ReportDigest> {
    const [rollup, raw] = await Promise.all([
      digests.digestFor(filter(from, to), 'rollup'),
      digests.digestFor(filter(from, to), 'raw'),
    ]);
    expect(canonical(rollup)).toBe(canonical(raw));
    return rollup;
  }

  const dirtyHours = async () =>
    (
      await prisma.$queryRaw<{ hour: Date }[]>`
        SELECT DISTINCT hour FROM report_dirty_hours WHERE "projectId" = ${projectId}::uuid ORDER BY hour`
    ).map((r) => r.hour.getTime());

  /**
   * One succeeded run at `at`, landed by the scored-run factory: a random subset of the brands named in a
   * random order after random filler, with random arrival times, and up to three citations.
   */
  async function seedRun(at: number, synthetic = false): Promise<string> {
    const named = BRAND_NAMES.filter(() => next() < 0.6);
    const order = [...named].sort(() => next() - 0.5);
    const filler = () => 'Some more words here. '.repeat(Math.floor(next() * 30));
    const chunks =
      order.length === 0 ? [`${filler()}Nothing to name.`] : order.map((name) => `${filler()}${name} fits. `);
    const arrivalsMs: number[] = [];
    let ms = 0;
    for (const _ of chunks) arrivalsMs.push((ms += 1 + Math.round(next() * 5000)));
    const citations = Math.floor(next() * 4);
    const cited = [];
    for (let position = 0; position < citations; position++) {
      const domain = ['a.example', 'b.example', 'docs.c.example', 'd.example'][Math.floor(next() * 4)]!;
      const charStart = Math.round(next() * 3200);
      cited.push({
        url: `https://${domain}/${position}`,
        domain,
        ...(next() < 0.8 ? { charStart, charEnd: charStart + 20 } : {}),
      });
    }
    return landScoredRun(t, ws.workspaceId, projectId, {
      promptId,
      engineId,
      at: new Date(at),
      synthetic,
      chunks,
      arrivalsMs,
      citations: cited,
    });
  }

  beforeAll(async () => {
    t = await startTestApp({ EGRESS_ALLOW_PRIVATE: 'true' });
    ws = await createWorkspace(t);
    prisma = t.app.get(PrismaService);
    digests = t.app.get(ReportDigestService);
    const fx = await createReportFixture(t, ws.auth(), {
      brands: DIGEST_BRANDS,
      engines: 1,
      prompts: [{ text: 'digests', tags: [] }],
    });
    ({ projectId } = fx);
    brands = BRAND_NAMES.map((name) => fx.brands[name]!);
    [engineId] = fx.engines as [string];
    [promptId] = fx.prompts as [string];
    // About 120 runs, 1–3 in two of every three hours, a few synthetic.
    for (let hour = start; hour < end; hour += HOUR) {
      if (next() < 0.33) continue;
      const runs = 1 + Math.floor(next() * 3);
      for (let i = 0; i < runs; i++) await seedRun(hour + Math.floor(next() * HOUR), next() < 0.1);
    }
  }, 120_000);
  afterAll(() => t.close());

  it('marks written hours dirty and builds blocks that merge to the raw digest over any range', async () => {
    expect((await dirtyHours()).length).toBeGreaterThan(40);
    // Before any build every hour is read raw, so the two agree trivially; after it, blocks carry the range.
    await expectRollupEqualsRaw(start, end);
    await digests.drain();
    expect(await dirtyHours()).toEqual([]);
    const levels = await prisma.$queryRaw<{ level: number; blocks: number }[]>`
      SELECT level, count(*)::int AS blocks FROM report_digests WHERE "projectId" = ${projectId}::uuid
      GROUP BY level ORDER BY level`;
    expect(levels.map((l) => l.level)).toEqual(expect.arrayContaining([0, 1, 2]));
    const whole = await expectRollupEqualsRaw(start - 10 * 24 * HOUR, end + HOUR);
    expect(whole.measured.runs + whole.synthetic.runs).toBeGreaterThan(60);
    expect(whole.measured.pairs.size).toBe(3);
    for (const [from, to] of [
      [start + 17 * 60_000, end - 5 * 60_000], // partial edge hours
      [start + 7 * HOUR, start + 31 * HOUR], // hours across a day boundary
      [start + 24 * HOUR, start + 48 * HOUR],
      [start + 30 * HOUR + 1, start + 30 * HOUR + 2], // inside one hour
    ] as const) {
      await expectRollupEqualsRaw(from, to);
    }
  });

  it('reads the stored blocks: a tampered block shows, and marking its hours dirty repairs it', async () => {
    const [hour] = await prisma.$queryRaw<{ start: Date }[]>`
      SELECT start FROM report_digests WHERE "projectId" = ${projectId}::uuid AND level = 0 ORDER BY start LIMIT 1`;
    const from = hour!.start.getTime();
    const before = await digests.digestFor(filter(from, from + HOUR), 'rollup');
    await prisma.$executeRaw`
      UPDATE report_digests SET digest = ${'{"v":1,"m":{"r":0,"b":{},"p":{},"d":{}},"s":{"r":0,"b":{},"p":{},"d":{}}}'}
      WHERE "projectId" = ${projectId}::uuid AND level = 0 AND start = ${hour!.start}`;
    const tampered = await digests.digestFor(filter(from, from + HOUR), 'rollup');
    expect(tampered.measured.runs + tampered.synthetic.runs).toBe(0);
    expect(before.measured.runs + before.synthetic.runs).toBeGreaterThan(0);
    await prisma.$executeRaw`
      INSERT INTO report_dirty_hours ("projectId", hour) VALUES (${projectId}::uuid, ${hour!.start})`;
    await expectRollupEqualsRaw(from, from + HOUR);
    await digests.drain();
    expect(canonical(await digests.digestFor(filter(from, from + HOUR), 'rollup'))).toBe(canonical(before));
  });

  it('shows a new run in a built hour at once, and still after the next build', async () => {
    const at = start + 40 * HOUR + 600_000;
    const before = await expectRollupEqualsRaw(start, end);
    await seedRun(at);
    expect(await dirtyHours()).toEqual([start + 40 * HOUR]);
    const now = await expectRollupEqualsRaw(start, end);
    expect(now.measured.runs).toBe(before.measured.runs + 1);
    await digests.drain();
    expect(await dirtyHours()).toEqual([]);
    expect(canonical(await expectRollupEqualsRaw(start, end))).toBe(canonical(now));
  });

  it('keeps the blocks above a rebuilt hour stale until the ancestor delay, reading their children meanwhile', async () => {
    const hour = start + 26 * HOUR;
    const staleLevels = async () =>
      (
        await prisma.$queryRaw<{ level: number }[]>`
          SELECT level FROM report_stale_blocks WHERE "projectId" = ${projectId}::uuid ORDER BY level`
      ).map((r) => r.level);
    await seedRun(hour + 1000);
    // The hour is rebuilt at once; the day, 2-day ... 256-day blocks above it still hold the old digest.
    await digests.buildPending(3600_000);
    expect(await dirtyHours()).toEqual([]);
    expect(await staleLevels()).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    // Reports that would use those blocks use their children instead, so they still see the new run.
    await expectRollupEqualsRaw(start - 300 * 24 * HOUR, end + 300 * 24 * HOUR);
    await expectRollupEqualsRaw(start + 24 * HOUR, start + 48 * HOUR);
    // Once the oldest mark is older than the delay, they are rebuilt children first.
    await digests.buildPending(0);
    expect(await staleLevels()).toEqual([]);
    await expectRollupEqualsRaw(start - 300 * 24 * HOUR, end + 300 * 24 * HOUR);
    await expectRollupEqualsRaw(start + 24 * HOUR, start + 48 * HOUR);
  });

  it('marks the hour of a citation or mention that changes or goes', async () => {
    const [c] = await prisma.$queryRaw<{ id: string; runId: string }[]>`
      SELECT c.id, c."runId" FROM citations c WHERE c."projectId" = ${projectId}::uuid AND c."brandId" IS NULL
      ORDER BY c.id LIMIT 1`;
    const [cRow] = await prisma.$queryRaw<{ observedAt: Date }[]>`
      SELECT "observedAt" FROM run_brand_scores WHERE "runId" = ${c!.runId}::uuid LIMIT 1`;
    const hour = Math.floor(cRow!.observedAt.getTime() / HOUR) * HOUR;
    await prisma.$executeRaw`UPDATE citations SET "brandId" = ${brands[2]!}::uuid WHERE id = ${c!.id}::uuid`;
    expect(await dirtyHours()).toEqual([hour]);
    await expectRollupEqualsRaw(start, end);
    await digests.drain();
    await expectRollupEqualsRaw(start, end);

    const [m] = await prisma.$queryRaw<{ id: string; runId: string }[]>`
      SELECT id, "runId" FROM mentions WHERE "projectId" = ${projectId}::uuid ORDER BY id LIMIT 1`;
    const [mRow] = await prisma.$queryRaw<{ observedAt: Date }[]>`
      SELECT "observedAt" FROM run_brand_scores WHERE "runId" = ${m!.runId}::uuid LIMIT 1`;
    const mAt = mRow!.observedAt;
    await prisma.$executeRaw`DELETE FROM mentions WHERE id = ${m!.id}::uuid`;
    expect(await dirtyHours()).toEqual([Math.floor(mAt.getTime() / HOUR) * HOUR]);
    await digests.drain();
    await expectRollupEqualsRaw(start, end);
  });

  it('digests a run whose writer commits after a builder claimed its hour', async () => {
    // The hour already carries a committed mark (a run written in it) when a slower writer adds a run in its
    // own open transaction; a builder claims the hour meanwhile and cannot see that run.
    const hour = start + 50 * HOUR;
    await seedRun(hour + 60_000);
    const runId = randomUUID();
    const writer = new Client({ connectionString: process.env.DATABASE_URL });
    await writer.connect();
    try {
      await writer.query('BEGIN');
      await writer.query(
        `INSERT INTO runs (id, "workspaceId", "projectId", "promptId", "engineId", "slotKey", "slotAt", sample,
           trigger, status, synthetic, "updatedAt")
         VALUES ($1, $2, $3, $4, $5, $6, $7, 0, 'manual', 'succeeded', false, now())`,
        [runId, ws.workspaceId, projectId, promptId, engineId, `test:${runId}`, new Date(hour + 120_000)],
      );
      await writer.query(
        `INSERT INTO run_brand_scores ("runId", "brandId", "projectId", "promptId", "engineId", "observedAt",
           synthetic, mentioned, "mentionCount", "order", "sinceFirstTokenUs", "firstVisibleAtUs",
           "firstTokenIndex", "aboveFold", attention, "streamScore")
         VALUES ($1, $2, $3, $4, $5, $6, false, true, 1, 1, 777000, 977000, 7, true, 0, 0)`,
        [runId, brands[0], projectId, promptId, engineId, new Date(hour + 120_000)],
      );
      await digests.drain();
      await writer.query('COMMIT');
    } finally {
      await writer.end();
    }
    // The writer's own mark survived the claim: the hour is read raw until rebuilt, then the block has the run.
    expect(await dirtyHours()).toEqual([hour]);
    const raw = await expectRollupEqualsRaw(hour, hour + HOUR);
    await digests.drain();
    expect(canonical(await expectRollupEqualsRaw(hour, hour + HOUR))).toBe(canonical(raw));
    expect(raw.measured.runs).toBeGreaterThanOrEqual(2);
  });

  it('lets builders race: one builds each project, the others skip it, and the result is the same', async () => {
    const expected = canonical(await digests.digestFor(filter(start, end), 'raw'));
    for (let i = 0; i < 6; i++) await seedRun(start + (3 + 11 * i) * HOUR + 1000);
    await Promise.all([digests.drain(), digests.drain(), digests.drain()]);
    await digests.drain();
    expect(await dirtyHours()).toEqual([]);
    const after = await expectRollupEqualsRaw(start, end);
    expect(canonical(after)).not.toBe(expected);
  });
});
