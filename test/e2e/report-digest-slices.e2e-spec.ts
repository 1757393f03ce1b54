// Report digest slices (docs/reports.md "Slices"): a report filtered or grouped by engine, prompt or tag merges
// the (engine, prompt) slices of the stored blocks, and must equal the digest of every raw row it selects, over
// any range, after any write, while blocks are stale, after an upgrade that found no slices, and after a
// prompt's tags change. Runs landed by the scored-run factory over four days, on two engines and three prompts.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PrismaService } from '../../src/infra/prisma/prisma.service';
import { type ReportDigest } from '../../src/reports/digest/report-digest';
import { ReportDigestService } from '../../src/reports/digest/report-digest.service';
import { type ReportFilter } from '../../src/reports/report-filter';
import { canonicalDigest as canonical } from '../support/canonical-digest';
import { seededRandom } from '../support/random';
import { createReportFixture, DIGEST_BRANDS, landScoredRun } from '../support/scored-runs';
import { createWorkspace, startTestApp, type TestApp, type TestWorkspace } from '../support/test-app';

const HOUR = 3600_000;
const DAY = 24 * HOUR;
const NAMES = ['A', 'B', 'C'] as const;
const TAGS: Record<number, string[]> = { 0: ['crm', 'b2b'], 1: ['crm'], 2: [] };

describe('report digest slices', () => {
  let t: TestApp;
  let ws: TestWorkspace;
  let prisma: PrismaService;
  let digests: ReportDigestService;
  let projectId: string;
  let engines: string[];
  let prompts: string[];
  // Four days of hours ending two hours ago, so the range spans whole day blocks and 2-day blocks above them.
  const end = Math.floor(Date.now() / HOUR) * HOUR - 2 * HOUR;
  const start = end - 4 * DAY;
  const next = seededRandom(7);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!;

  const filter = (over: Partial<ReportFilter>, from = start - DAY, to = end + HOUR): ReportFilter => ({
    projectId,
    from: new Date(from),
    to: new Date(to),
    brandIds: [],
    engineIds: [],
    promptIds: [],
    tags: [],
    ...over,
  });

  async function expectSlicedEqualsRaw(f: ReportFilter): Promise<ReportDigest> {
    const [sliced, raw] = await Promise.all([digests.digestFor(f, 'rollup'), digests.digestFor(f, 'raw')]);
    expect(canonical(sliced)).toBe(canonical(raw));
    return sliced;
  }

  /** Every filter shape over a few ranges (whole, partial edge hours, across a day boundary). */
  async function expectEveryFilterEqualsRaw(): Promise<void> {
    const ranges: [number, number][] = [
      [start - DAY, end + HOUR],
      [start + 17 * 60_000, end - 5 * 60_000],
      [start + 30 * HOUR, start + 3 * DAY],
    ];
    const shapes: Partial<ReportFilter>[] = [
      { engineIds: [engines[0]!] },
      { promptIds: [prompts[1]!] },
      { tags: ['crm'] },
      { tags: ['b2b'], engineIds: [engines[1]!] },
      { promptIds: [prompts[0]!, prompts[2]!], engineIds: engines },
    ];
    for (const [from, to] of ranges) {
      for (const shape of shapes) await expectSlicedEqualsRaw(filter(shape, from, to));
    }
  }

  const slicesOf = (level: number) =>
    prisma.$queryRaw<{ runs: number }[]>`
      SELECT runs FROM report_digest_slices WHERE "projectId" = ${projectId}::uuid AND level = ${level}`;

  async function seedRun(at: number): Promise<string> {
    const order = NAMES.filter(() => next() < 0.6).sort(() => next() - 0.5);
    const chunks = order.length === 0 ? ['Nothing to name.'] : order.map((name) => `Words. ${name} fits. `);
    const domain = pick(['a.example', 'b.example', 'd.example']);
    return landScoredRun(t, ws.workspaceId, projectId, {
      engineId: pick(engines),
      promptId: pick(prompts),
      at: new Date(at),
      synthetic: next() < 0.1,
      chunks,
      arrivalsMs: chunks.map((_, i) => 200 + i * Math.round(next() * 3000)),
      citations: next() < 0.5 ? [{ url: `https://${domain}/x`, domain, charStart: 0, charEnd: 5 }] : [],
    });
  }

  beforeAll(async () => {
    t = await startTestApp({ EGRESS_ALLOW_PRIVATE: 'true' });
    ws = await createWorkspace(t);
    prisma = t.app.get(PrismaService);
    digests = t.app.get(ReportDigestService);
    const fx = await createReportFixture(t, ws.auth(), {
      brands: DIGEST_BRANDS,
      engines: 2,
      prompts: [0, 1, 2].map((i) => ({ text: `slices ${i}`, tags: TAGS[i]! })),
    });
    ({ projectId, engines, prompts } = fx);
    // About 100 runs, one in about every hour.
    for (let hour = start; hour < end; hour += HOUR) {
      if (next() < 0.95) await seedRun(hour + Math.floor(next() * HOUR));
    }
    await digests.drain();
  }, 180_000);
  afterAll(() => t.close());

  it('stores slices for the blocks above the hour only, whose runs add up to their block', async () => {
    expect(await slicesOf(0)).toEqual([]);
    const sums = await prisma.$queryRaw<{ level: number; start: Date; block: number; slices: number }[]>`
      SELECT d.level, d.start, d.runs AS block, sum(s.runs)::int AS slices
      FROM report_digests d JOIN report_digest_slices s
        ON s."projectId" = d."projectId" AND s.level = d.level AND s.start = d.start
      WHERE d."projectId" = ${projectId}::uuid GROUP BY d.level, d.start, d.runs`;
    expect(sums.map((s) => s.level)).toEqual(expect.arrayContaining([1, 2]));
    for (const s of sums) expect(s.slices).toBe(s.block);
  });

  it('answers every engine, prompt and tag filter as the raw rows do, over any range', async () => {
    await expectEveryFilterEqualsRaw();
    const crm = await expectSlicedEqualsRaw(filter({ tags: ['crm'] }));
    expect(crm.measured.runs).toBeGreaterThan(30);
  });

  it('groups by engine and by tag as the raw rows of each group do', async () => {
    const f = filter({});
    const byEngine = await digests.digestGroups(f, (pair) => [pair.engineId]);
    expect([...byEngine.keys()].sort()).toEqual([...engines].sort());
    for (const e of engines) {
      expect(canonical(byEngine.get(e)!)).toBe(
        canonical(await digests.digestFor(filter({ engineIds: [e] }), 'raw')),
      );
    }
    // A prompt with two tags is in both groups; an untagged prompt in none.
    const byTag = await digests.digestGroups(f, (pair) => TAGS[prompts.indexOf(pair.promptId)]!);
    expect([...byTag.keys()].sort()).toEqual(['b2b', 'crm']);
    for (const tag of ['b2b', 'crm']) {
      expect(canonical(byTag.get(tag)!)).toBe(
        canonical(await digests.digestFor(filter({ tags: [tag] }), 'raw')),
      );
    }
  });

  it('reads the stored slices: a tampered slice shows, and rebuilding its block repairs it', async () => {
    const [slice] = await prisma.$queryRaw<
      { level: number; start: Date; engineId: string; promptId: string }[]
    >`
      SELECT level, start, "engineId", "promptId" FROM report_digest_slices
      WHERE "projectId" = ${projectId}::uuid AND level = 1 ORDER BY start LIMIT 1`;
    const f = filter(
      { engineIds: [slice!.engineId], promptIds: [slice!.promptId] },
      slice!.start.getTime(),
      slice!.start.getTime() + DAY,
    );
    const before = await expectSlicedEqualsRaw(f);
    expect(before.measured.runs + before.synthetic.runs).toBeGreaterThan(0);
    await prisma.$executeRaw`
      UPDATE report_digest_slices SET digest = ${'{"v":1,"m":{"r":0,"b":{},"p":{},"d":{}},"s":{"r":0,"b":{},"p":{},"d":{}}}'}
      WHERE "projectId" = ${projectId}::uuid AND level = 1 AND start = ${slice!.start}`;
    const tampered = await digests.digestFor(f, 'rollup');
    expect(tampered.measured.runs + tampered.synthetic.runs).toBe(0);
    await prisma.$executeRaw`
      INSERT INTO report_stale_blocks ("projectId", level, start, "markedAt")
      VALUES (${projectId}::uuid, 1, ${slice!.start}, '1970-01-01T00:00:00Z')`;
    await digests.drain();
    expect(canonical(await expectSlicedEqualsRaw(f))).toBe(canonical(before));
  });

  it('shows a new run at once, while the blocks above its hour are stale, and after they are rebuilt', async () => {
    const f = filter({ engineIds: [engines[0]!] });
    const before = await digests.digestFor(f, 'raw');
    let added = 0;
    for (let i = 0; i < 4; i++) {
      // Runs land on either engine; count the ones the filter selects.
      const runId = await seedRun(start + 50 * HOUR + i * 1000);
      const [run] = await prisma.$queryRaw<
        { engineId: string }[]
      >`SELECT "engineId" FROM runs WHERE id = ${runId}::uuid`;
      if (run!.engineId === engines[0]) added++;
    }
    const dirty = await expectSlicedEqualsRaw(f);
    expect(dirty.measured.runs + dirty.synthetic.runs).toBe(
      before.measured.runs + before.synthetic.runs + added,
    );
    await digests.buildPending(3600_000); // the hour rebuilt; the day and the blocks above it stale
    await expectEveryFilterEqualsRaw();
    await digests.buildPending(0);
    await expectEveryFilterEqualsRaw();
  });

  it('after an upgrade that found blocks without slices, reads around them until the builder adds them', async () => {
    await prisma.$executeRaw`DELETE FROM report_digest_slices WHERE "projectId" = ${projectId}::uuid`;
    // The migration's own statement marks every block above the hour stale.
    const sql = readFileSync(
      path.resolve(__dirname, '../../prisma/migrations/20261206200000_report_digest_slices/migration.sql'),
      'utf8',
    );
    const mark = sql.slice(sql.indexOf('INSERT INTO "report_stale_blocks"'));
    await prisma.$executeRawUnsafe(mark.trim().replace(/;$/, ''));
    await expectEveryFilterEqualsRaw();
    await digests.drain();
    expect((await slicesOf(1)).length).toBeGreaterThan(4);
    await expectEveryFilterEqualsRaw();
  });

  it("follows a prompt's tags as they are now, without a rebuild", async () => {
    const res = await t
      .http()
      .patch(`/v1/prompts/${prompts[2]}`)
      .set(ws.auth())
      .send({ tags: ['crm'] });
    expect(res.status).toBe(200);
    const crm = await expectSlicedEqualsRaw(filter({ tags: ['crm'] }));
    const all = await digests.digestFor(filter({}), 'raw');
    expect(crm.measured.runs).toBe(all.measured.runs);
  });
});
