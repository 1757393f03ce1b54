// Fault test: a rolling deploy. Two workers under load; each in turn gets SIGTERM and is replaced once it
// has exited. With SHUTDOWN_GRACE_MS=1500 and answers of 1-3 s, some streams finish within the grace period
// and the rest are aborted and re-run (attempt outcome `interrupted`). No run may fail because of it, and
// every worker must exit within the grace period plus a small margin.
import { log, runFault, sleep } from './fault-harness';

const GRACE_MS = 1500;
const SHUTDOWN_MARGIN_MS = 20_000;

// Replacement workers boot while the others stream (CPU-heavy on a small machine): a generous deadline
// keeps a starved stream from failing an attempt for a reason that has nothing to do with the shutdown.
const env = { SHUTDOWN_GRACE_MS: String(GRACE_MS), RUN_DEADLINE_MS: '30000' };

runFault('rolling-sigterm', { workers: 2, env }, async (h) => {
  const manual = await h.manualLoad(3, 10);
  await h.scheduledLoad(1, 2, 3);
  log(`[rolling-sigterm] ${manual.length} manual runs + 1 scheduled prompt (3 due slots)`);
  const violations: string[] = [];
  await sleep(2000);
  for (let slot = 0; slot < h.pool.size; slot++) {
    const running = (await h.countByStatus()).running ?? 0;
    const t0 = Date.now();
    const exit = await h.pool.signal(slot, 'SIGTERM');
    const tookMs = Date.now() - t0;
    log(
      `[rolling-sigterm] SIGTERM worker ${slot}: exited (${exit}) after ${tookMs} ms (${running} runs were running)`,
    );
    // Grace, then aborting streams, recording `interrupted` and closing connections: seconds, but a loaded
    // CI machine has been seen taking 10 s; the bound catches a hang, not a slow box.
    if (tookMs > GRACE_MS + SHUTDOWN_MARGIN_MS) {
      violations.push(`worker ${slot} took ${tookMs} ms to shut down`);
    }
    // Nest re-raises the signal once its shutdown hooks are done: `signal SIGTERM` is the graceful exit.
    if (exit !== 'code 0' && exit !== 'signal SIGTERM') violations.push(`worker ${slot} ended by ${exit}`);
    h.pool.start(slot);
    await h.waitForWorkers(h.pool.size);
    log(`[rolling-sigterm] worker ${slot} replaced`);
  }
  // Checked after the ledger settles: no run failed, and no attempt failed for a reason other than the
  // shutdown interrupting it.
  const checkAfter = async (): Promise<void> => {
    const failed = await h.sql<{ n: string }>(`SELECT count(*) AS n FROM runs WHERE status = 'failed'`);
    if (Number(failed[0]!.n) > 0) violations.push(`${failed[0]!.n} runs failed during the rolling restart`);
    const other = await h.sql<{ reason: string; n: string }>(
      `SELECT "reasonCode" AS reason, count(*) AS n FROM run_attempts
       WHERE outcome IS DISTINCT FROM 'succeeded' AND "reasonCode" IS DISTINCT FROM 'interrupted' GROUP BY 1`,
    );
    for (const r of other) violations.push(`${r.n} attempts ended ${r.reason ?? 'open'} (not interrupted)`);
  };
  h.afterSettle(checkAfter);
  return violations;
});
