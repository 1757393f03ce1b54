// Fault test: kill -9 workers mid-stream, many times at random points, restarting each; every run must still
// end exactly once. Two workers (each also a slot claimer) share 60 manual runs and a scheduled prompt with
// due slots; KILLS (default 6) SIGKILLs at random moments, each noting how many runs were `running`.
// The manual runs' engines allow 2 concurrent streams: the slots a killed worker held come back when their
// lease (ENGINE_SLOT_LEASE_MS=3000 here) expires. The killed worker's jobs come back when their BullMQ lock expires; a run whose job was lost too is
// re-queued by the reconciler; a zombie write of the old attempt is refused by its stale token.
import { log, rand, runFault, sleep } from './fault-harness';

const KILLS = Number(process.env.FAULT_KILLS || 6);

runFault('kill-worker', { workers: 2 }, async (h) => {
  // Engines limited to 2 streams each: a killed worker's slots must come back (lease expiry), or its
  // engine's runs would never finish.
  const manual = await h.manualLoad(3, 10, 2);
  await h.scheduledLoad(1, 2, 3);
  log(
    `[kill-worker] ${manual.length} manual runs (engines maxConcurrency 2) + 1 scheduled prompt (3 due slots, 2 engines × 2 samples)`,
  );
  const violations: string[] = [];
  let runningAtKills = 0;
  for (let k = 0; k < KILLS; k++) {
    await sleep(rand(1000, 3000));
    const slot = Math.floor(Math.random() * h.pool.size);
    const running = (await h.countByStatus()).running ?? 0;
    runningAtKills += running;
    const pid = h.pool.pid(slot);
    await h.pool.signal(slot, 'SIGKILL');
    log(`[kill-worker] kill -9 worker ${slot} (pid ${pid}); ${running} runs were running`);
    await sleep(rand(300, 1200));
    h.pool.start(slot);
    // The next kill hits a worker that has booted and taken jobs, not one still starting.
    await h.waitForWorkers(h.pool.size);
  }
  if (runningAtKills === 0) violations.push('no kill hit a running stream: the test proved nothing');
  log(`[kill-worker] ${KILLS} kills done (${runningAtKills} running runs at kill time in total)`);
  return violations;
});
