/**
 * Alert evaluation cost per landed run (`npm run bench:alerts`).
 *
 * Seeds a project with BENCH_RUNS measured runs (two brands, so 2 score rows per run, and some citations)
 * spread over the last 14 days, i.e. the trailing and the previous 168 h windows, plus four rules (one per
 * kind, 168 h windows). Then BENCH_LANDINGS new runs land one after another and each is evaluated exactly as
 * the alerts worker does (AlertEvaluationService.evaluateLanding: row lock per rule, window queries, state
 * update). Prints median and p90 ms per landing and per rule. The issue names no target, so the JSON line
 * carries figures only. Needs DATABASE_URL of a migrated database (the test database after a jest run will
 * do); the bench creates its own workspace and deletes everything it wrote.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { loadavg } from 'node:os';
import { AlertEvaluationService } from '../src/alerts/alert-evaluation.service';
import { createWorkerContext } from '../src/bootstrap';
import { loadConfig } from '../src/config/app-config';
import { PrismaService } from '../src/infra/prisma/prisma.service';
import { percentile } from '../src/scoring/statistics';

const RUNS = Number(process.env.BENCH_RUNS ?? 20_000);
const LANDINGS = Number(process.env.BENCH_LANDINGS ?? 40);
const SPAN_MS = 14 * 24 * 3600_000;

async function main(): Promise<void> {
  const config = loadConfig({
    // Local defaults; the bench encrypts nothing, so a throwaway key will do.
    REDIS_URL: 'redis://127.0.0.1:6379',
    ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    ...process.env,
    ROLE: 'worker',
    SCHEDULER_ENABLED: 'false',
    QUEUE_PREFIX: 'bench-alerts',
    LOG_LEVEL: 'warn',
  });
  const ctx = await createWorkerContext(config);
  const prisma = ctx.get(PrismaService);
  const alerts = ctx.get(AlertEvaluationService);
  const workspace = await prisma.workspace.create({ data: { name: `bench-alerts-${Date.now()}` } });
  const project = await prisma.project.create({ data: { workspaceId: workspace.id, name: 'bench' } });
  const brand = (name: string, kind: 'own' | 'competitor', domains: string[]) =>
    prisma.brand.create({
      data: {
        workspaceId: workspace.id,
        projectId: project.id,
        name,
        kind,
        aliases: [],
        exclusions: [],
        domains,
      },
    });
  const acme = await brand('Acme', 'own', ['acme.com']);
  const zenith = await brand('Zenith', 'competitor', []);
  const engine = await prisma.engine.create({
    data: { workspaceId: workspace.id, name: 'bench', provider: 'demo', model: 'demo', parameters: {} },
  });
  const prompt = await prisma.trackedPrompt.create({
    data: { workspaceId: workspace.id, projectId: project.id, text: 'x', cron: '0 0 1 1 *', timezone: 'UTC' },
  });
  const common = { projectId: project.id, promptId: prompt.id, engineId: engine.id };
  let seq = 0;
  const runRows = (at: Date) => {
    const id = randomUUID();
    const i = seq++;
    const acmeOrder = i % 3 === 0 ? 2 : 1;
    return {
      run: {
        id,
        workspaceId: workspace.id,
        ...common,
        slotKey: `m:${id}:bench:0`,
        slotAt: at,
        sample: 0,
        trigger: 'manual' as const,
        status: 'succeeded' as const,
        finishedAt: at,
      },
      result: {
        runId: id,
        attemptToken: randomUUID(),
        complete: true,
        answerText: '',
        requestSentAt: at,
        durationUs: 1000,
        chunkArrivalsUs: [],
        chunkEnds: [],
        tokenEnds: [],
        tokenArrivalsUs: [],
        answerTokens: 0,
      },
      scores: [
        {
          brandId: acme.id,
          mentioned: i % 4 !== 0,
          order: i % 4 !== 0 ? acmeOrder : null,
          aboveFold: i % 2 === 0,
        },
        {
          brandId: zenith.id,
          mentioned: i % 5 !== 0,
          order: i % 5 !== 0 ? 3 - acmeOrder : null,
          aboveFold: false,
        },
      ].map((s) => ({
        runId: id,
        ...common,
        ...s,
        observedAt: at,
        synthetic: false,
        mentionCount: s.mentioned ? 1 : 0,
        attention: 0,
        streamScore: 0,
      })),
      citations:
        i % 7 === 0
          ? [
              {
                runId: id,
                projectId: project.id,
                position: 0,
                url: 'https://news.example/a',
                domain: 'news.example',
                arrivedAtUs: 0,
              },
            ]
          : [],
    };
  };
  const insert = async (rows: ReturnType<typeof runRows>[]) => {
    await prisma.run.createMany({ data: rows.map((r) => r.run) });
    await prisma.runResult.createMany({ data: rows.map((r) => r.result) });
    await prisma.runBrandScore.createMany({ data: rows.flatMap((r) => r.scores) });
    await prisma.citation.createMany({ data: rows.flatMap((r) => r.citations) });
  };
  const start = Date.now() - SPAN_MS;
  const seedStarted = performance.now();
  for (let done = 0; done < RUNS;) {
    const batch = Array.from({ length: Math.min(2000, RUNS - done) }, (_, k) =>
      runRows(new Date(start + ((done + k) * SPAN_MS) / RUNS)),
    );
    await insert(batch);
    done += batch.length;
  }
  const seedMs = performance.now() - seedStarted;
  const rule = (name: string, kind: string, params: object, competitorId: string | null = null) =>
    prisma.alertRule.create({
      data: {
        workspaceId: workspace.id,
        projectId: project.id,
        name,
        kind: kind as never,
        params,
        competitorId,
      },
    });
  await rule('drop', 'mention_rate_drop', {
    windowHours: 168,
    dropPoints: 10,
    minRuns: 10,
    hysteresisPoints: 5,
  });
  await rule(
    'overtake',
    'competitor_overtake',
    { windowHours: 168, minRuns: 10, hysteresisPoints: 10 },
    zenith.id,
  );
  await rule('fold', 'above_fold_change', {
    windowHours: 168,
    thresholdPercent: 50,
    direction: 'both',
    minRuns: 10,
    hysteresisPoints: 10,
  });
  await rule('cited', 'first_own_domain_citation', {});

  const timings: number[] = [];
  let triggered = 0;
  try {
    for (let i = 0; i < LANDINGS; i++) {
      const rows = runRows(new Date(Date.now() + i));
      await insert([rows]);
      const t0 = performance.now();
      const result = await alerts.evaluateLanding(rows.run.id);
      timings.push(performance.now() - t0);
      triggered += result.triggered;
      if (result.failed > 0) throw new Error(`evaluation failed for ${rows.run.id}`);
    }
  } finally {
    await prisma.alertEvent.deleteMany({ where: { projectId: project.id } });
    await prisma.run.deleteMany({ where: { projectId: project.id } });
    await prisma.workspace.delete({ where: { id: workspace.id } });
    await ctx.close();
  }
  const round = (v: number | null) => (v === null ? null : Number(v.toFixed(2)));
  const medianMs = round(percentile(timings, 0.5));
  const p90Ms = round(percentile(timings, 0.9));
  const load = loadavg().map((v) => Number(v.toFixed(2)));
  console.log(`seeded ${RUNS} runs (${2 * RUNS} score rows) in ${(seedMs / 1000).toFixed(1)} s`);
  console.log(`${LANDINGS} landings x 4 rules: median ${medianMs} ms, p90 ${p90Ms} ms per landing`);
  console.log(
    `per rule: median ${round((percentile(timings, 0.5) ?? 0) / 4)} ms; alerts fired: ${triggered}`,
  );
  console.log(`load average: ${load.join(' ')}`);
  console.log(
    JSON.stringify({
      bench: 'alerts',
      runs: RUNS,
      scoreRows: 2 * RUNS,
      rules: 4,
      landings: LANDINGS,
      medianMsPerLanding: medianMs,
      p90MsPerLanding: p90Ms,
      medianMsPerRule: round((percentile(timings, 0.5) ?? 0) / 4),
      alertsFired: triggered,
      loadavg: load,
    }),
  );
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
