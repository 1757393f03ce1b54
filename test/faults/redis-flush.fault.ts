// Fault test: Redis flushed mid-load (FLUSHALL: every queued, delayed and active job is gone). Postgres is
// the truth: the reconciler re-enqueues the `queued` runs whose job was lost (after RECONCILE_QUEUED_STALE_MS)
// and re-queues the `running` ones past their deadline; workers keep going. Every run must end exactly once.
import { log, runFault, sleep } from './fault-harness';

runFault('redis-flush', { workers: 2 }, async (h) => {
  const manual = await h.manualLoad(3, 10);
  await h.scheduledLoad(1, 2, 3);
  log(`[redis-flush] ${manual.length} manual runs + 1 scheduled prompt (3 due slots)`);
  await sleep(3000);
  const before = await h.countByStatus();
  const reply = h.redis.flushAll();
  log(`[redis-flush] FLUSHALL -> ${reply}; runs at flush ${JSON.stringify(before)}`);
  const lost = (before.queued ?? 0) + (before.running ?? 0);
  return lost > 0 ? [] : ['no run was queued or running at the flush: the test proved nothing'];
});
