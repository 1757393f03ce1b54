// Fault test: Postgres crashes (`pg_ctl stop -m immediate`) just as 20 answers finish streaming, and comes back
// 5 s later; then again with 20 s; then 5 s with a worker killed -9 while it holds its finished answers. A
// finished answer is never lost and never paid for twice: each worker keeps its answers (spilled to Redis)
// and retries their writes until Postgres is back; the killed worker's runs are landed from the spill by
// their redelivered jobs. Per case: 0 extra provider calls, every run succeeded on its first attempt, one
// result each, and the ledger checker clean at the end.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { openAiChunkEvents, writesOf } from '../fakes/openai-sse-script';
import { log, runFault, sleep, type FaultHarness } from './fault-harness';
import { waitFor } from './private-services';

/** Every answer: 150 chunks 20 ms apart (3 s), so all 20 streams are open when Postgres goes down. */
const CHUNKS = 150;
const CHUNK_MS = 20;
const ANSWER_MS = CHUNKS * CHUNK_MS;
/** Postgres is stopped this long before the first answer ends (a stop takes a few hundred ms). */
const KILL_LEAD_MS = 400;

function fixedAnswer() {
  const vocab = ['Acme ', 'is ', 'a ', 'solid ', 'choice; ', 'Globex ', 'and ', 'Initech ', 'exist. '];
  return writesOf(
    openAiChunkEvents(Array.from({ length: CHUNKS }, (_, i) => vocab[i % vocab.length]!)),
    CHUNK_MS,
  );
}

interface Case {
  name: string;
  downMs: number;
  /** Kill -9 this worker slot once every answer has been received (Postgres still down). */
  killWorker?: number;
}

const CASES: Case[] = [
  { name: 'down 5 s', downMs: 5000 },
  { name: 'down 20 s', downMs: 20_000 },
  { name: 'down 5 s, worker killed holding answers', downMs: 5000, killWorker: 0 },
];

interface Figures {
  case: string;
  runs: number;
  providerCalls: number;
  succeededBeforeCrash: number;
  attempts: number;
  results: number;
  recoveryMs: number;
}

async function runCase(h: FaultHarness, c: Case, violations: string[]): Promise<Figures> {
  const calls0 = h.fake.requests.length;
  const runIds = await h.manualLoad(1, 10); // 1 prompt × 2 engines × 10 samples
  log(`[${c.name}] ${runIds.length} runs created; waiting for their streams`);
  await waitFor(
    `${runIds.length} streams open`,
    () => Promise.resolve(h.fake.requests.length - calls0 >= runIds.length),
    30_000,
  );
  const firstStart = Math.min(...h.fake.exchanges.slice(calls0).map((e) => e.requestReceivedAtMs));
  await sleep(
    Math.max(0, firstStart + ANSWER_MS - KILL_LEAD_MS - (performance.timeOrigin + performance.now())),
  );
  const before = await h.sql<{ n: string }>(
    `SELECT count(*) AS n FROM runs WHERE id = ANY($1::uuid[]) AND status = 'succeeded'`,
    [runIds],
  );
  h.pg.stopServer('immediate');
  const downAt = Date.now();
  log(`[${c.name}] postgres crashed with ${before[0]!.n}/${runIds.length} runs written`);
  if (c.killWorker !== undefined) {
    await waitFor('every answer received', () => Promise.resolve(h.fake.openStreams === 0), 15_000);
    await sleep(500); // the answers are analysed, spilled and their first write tried
    const pid = h.pool.pid(c.killWorker);
    await h.pool.signal(c.killWorker, 'SIGKILL');
    log(`[${c.name}] kill -9 worker ${c.killWorker} (pid ${pid}) holding its answers`);
  }
  await sleep(Math.max(0, c.downMs - (Date.now() - downAt)));
  h.pg.startServer();
  const upAt = Date.now();
  log(`[${c.name}] postgres back after ${upAt - downAt} ms`);
  if (c.killWorker !== undefined) h.pool.start(c.killWorker);
  const deadline = upAt + 45_000;
  while (Date.now() < deadline) {
    const rows = await h
      .sql<{ n: string }>(
        `SELECT count(*) AS n FROM runs WHERE id = ANY($1::uuid[]) AND status IN ('succeeded','failed')`,
        [runIds],
      )
      .catch(() => [{ n: '0' }]);
    if (Number(rows[0]!.n) === runIds.length) break;
    await sleep(100);
  }
  const recoveryMs = Date.now() - upAt;
  if (c.killWorker !== undefined) await h.waitForWorkers(h.pool.size);
  const [row] = await h.sql<{ succeeded: string; attempts: string; results: string }>(
    `SELECT (SELECT count(*) FROM runs WHERE id = ANY($1::uuid[]) AND status = 'succeeded') AS succeeded,
       (SELECT count(*) FROM run_attempts WHERE "runId" = ANY($1::uuid[])) AS attempts,
       (SELECT count(*) FROM run_results WHERE "runId" = ANY($1::uuid[])) AS results`,
    [runIds],
  );
  const figures: Figures = {
    case: c.name,
    runs: runIds.length,
    providerCalls: h.fake.requests.length - calls0,
    succeededBeforeCrash: Number(before[0]!.n),
    attempts: Number(row!.attempts),
    results: Number(row!.results),
    recoveryMs,
  };
  log(`[${c.name}] ${JSON.stringify(figures)}`);
  const extra = figures.providerCalls - runIds.length;
  if (extra !== 0) {
    violations.push(
      `${c.name}: ${extra} extra provider calls (${figures.providerCalls} for ${runIds.length} runs)`,
    );
  }
  if (Number(row!.succeeded) !== runIds.length) {
    violations.push(
      `${c.name}: ${row!.succeeded}/${runIds.length} runs succeeded within 45 s of Postgres coming back`,
    );
  }
  if (figures.attempts !== runIds.length) {
    violations.push(`${c.name}: ${figures.attempts} attempts for ${runIds.length} runs (want one each)`);
  }
  if (figures.results !== runIds.length) {
    violations.push(`${c.name}: ${figures.results} results for ${runIds.length} runs`);
  }
  if (figures.succeededBeforeCrash > (runIds.length * 3) / 4) {
    violations.push(
      `${c.name}: ${figures.succeededBeforeCrash} runs were written before the crash: it hit too late`,
    );
  }
  return figures;
}

/** Occurrences of `text` in the workers' log files. */
function inWorkerLogs(h: FaultHarness, text: string): number {
  let n = 0;
  for (const file of readdirSync(h.logDir)) {
    n += readFileSync(path.join(h.logDir, file), 'utf8').split(text).length - 1;
  }
  return n;
}

runFault(
  'postgres-outage-finish',
  // Every run of a case streams at once; a killed worker's job is redelivered ~4-6 s after the kill.
  { workers: 2, env: { WORKER_CONCURRENCY: '12', RESULT_WRITE_RETRY_SECONDS: '60' }, answer: fixedAnswer },
  async (h) => {
    await h.workersUp();
    const violations: string[] = [];
    const figures: Figures[] = [];
    for (const c of CASES) figures.push(await runCase(h, c, violations));
    const failing = inWorkerLogs(h, 'result write failed: database unavailable');
    const recovered = inWorkerLogs(h, 'result write recovered');
    const spilled = inWorkerLogs(h, 'spilled answer of an earlier worker landed');
    console.log('\n=== postgres-outage-finish: figures ===');
    for (const f of figures) {
      console.log(
        `${f.case.padEnd(40)} runs ${f.runs}, provider calls ${f.providerCalls} (extra ${f.providerCalls - f.runs}), ` +
          `written before the crash ${f.succeededBeforeCrash}, attempts ${f.attempts}, results ${f.results}, ` +
          `all succeeded ${(f.recoveryMs / 1000).toFixed(1)} s after Postgres was back`,
      );
    }
    console.log(
      `worker log: ${failing} "result write failed" warnings, ${recovered} "recovered", ${spilled} spilled answers landed`,
    );
    if (failing === 0 || recovered === 0) {
      violations.push('the workers logged no failing/recovered result write');
    }
    if (spilled === 0) violations.push('no spilled answer was landed after the worker kill');
    return violations;
  },
);
