// Fault test: Redis restarted mid-load (`redis-cli shutdown nosave`, down for 3 s, then the same start
// command). The private Redis keeps its AOF like production, so queued jobs survive; in-flight jobs whose
// completion could not be written come back as stalled jobs; enqueues that failed while it was down are
// repaired by the reconciler. Processing must resume and every run end exactly once.
import { log, runFault, sleep } from './fault-harness';

runFault('redis-restart', { workers: 2 }, async (h) => {
  const manual = await h.manualLoad(3, 10);
  await h.scheduledLoad(1, 2, 3);
  log(`[redis-restart] ${manual.length} manual runs + 1 scheduled prompt (3 due slots)`);
  await sleep(3000);
  const before = await h.countByStatus();
  log(`[redis-restart] redis-cli shutdown nosave; runs now ${JSON.stringify(before)}`);
  await h.redis.shutdown();
  await sleep(3000);
  await h.redis.startServer();
  const downAt = await h.countByStatus();
  log(`[redis-restart] redis started again after 3 s; runs now ${JSON.stringify(downAt)}`);
  // Processing resumes: some run finishes after the restart.
  const succeededAtRestart = downAt.succeeded ?? 0;
  const deadline = Date.now() + 30_000;
  while (((await h.countByStatus()).succeeded ?? 0) <= succeededAtRestart && Date.now() < deadline) {
    await sleep(250);
  }
  const after = (await h.countByStatus()).succeeded ?? 0;
  log(`[redis-restart] processing resumed: ${after - succeededAtRestart} runs succeeded since the restart`);
  return after > succeededAtRestart ? [] : ['no run succeeded within 30 s of the Redis restart'];
});
