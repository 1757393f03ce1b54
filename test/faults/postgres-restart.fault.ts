// Fault test: Postgres crashes during result writes (`pg_ctl stop -m immediate` while runs stream and
// commit results), stays down 5 s, then starts with the same command. While it is down the API must answer
// 503 quickly (no hang); after it is back the API recovers. Result writes are one transaction fenced by the
// attempt token: no success without a result, no duplicate (the ledger checker).
import { log, runFault, sleep } from './fault-harness';

const DOWN_MS = 5000;
/** The pg pool's connect timeout is 3 s: a request during the outage must be answered well within this. */
const MAX_503_MS = 5000;

runFault('postgres-restart', { workers: 2 }, async (h) => {
  const manual = await h.manualLoad(3, 10);
  await h.scheduledLoad(1, 2, 3);
  log(`[postgres-restart] ${manual.length} manual runs + 1 scheduled prompt (3 due slots)`);
  const violations: string[] = [];
  // Wait until results are being written (some runs done, others running).
  const deadline = Date.now() + 30_000;
  let status = await h.countByStatus();
  while (!((status.succeeded ?? 0) >= 3 && (status.running ?? 0) >= 2) && Date.now() < deadline) {
    await sleep(100);
    status = await h.countByStatus();
  }
  log(`[postgres-restart] pg_ctl stop -m immediate; runs at crash ${JSON.stringify(status)}`);
  h.pg.stopServer('immediate');
  const downAt = Date.now();
  const probes: { route: string; status: number; ms: number }[] = [];
  while (Date.now() - downAt < DOWN_MS) {
    for (const route of ['/v1/projects', '/health/ready']) {
      const t0 = Date.now();
      const res = await h.api
        .http()
        .get(route)
        .set(h.ws.auth('read'))
        .timeout(15_000)
        .catch(() => null);
      probes.push({ route, status: res?.status ?? 0, ms: Date.now() - t0 });
    }
    await sleep(300);
  }
  const worst = Math.max(...probes.map((p) => p.ms));
  const not503 = probes.filter((p) => p.status !== 503);
  log(
    `[postgres-restart] ${probes.length} API requests while down: statuses ${[...new Set(probes.map((p) => p.status))].join(',')}, slowest ${worst} ms`,
  );
  if (not503.length > 0) {
    violations.push(
      `API answered ${not503.map((p) => `${p.route}=${p.status}`).join(', ')} while Postgres was down (want 503)`,
    );
  }
  if (worst > MAX_503_MS) violations.push(`API took ${worst} ms to answer while Postgres was down`);
  h.pg.startServer();
  const upAt = Date.now();
  let recovered = false;
  while (!recovered && Date.now() - upAt < 20_000) {
    const res = await h.api
      .http()
      .get('/v1/projects')
      .set(h.ws.auth('read'))
      .timeout(5000)
      .catch(() => null);
    recovered = res?.status === 200;
    if (!recovered) await sleep(200);
  }
  log(
    `[postgres-restart] postgres started again; API ${recovered ? `answers 200 after ${Date.now() - upAt} ms` : 'did NOT recover in 20 s'}`,
  );
  if (!recovered) violations.push('API did not recover within 20 s of Postgres coming back');
  return violations;
});
