// Fault test: three workers, each with its own slot claimer and reconciler, race over many due scheduled
// slots while manual runs are also queued. Nothing is injected but the race itself: no slot may be claimed
// twice or missed (the ledger checker's duplicate and gap checks), every run ends exactly once.
import { log, runFault } from './fault-harness';

runFault('claimers-race', { workers: 3, env: { CLAIM_BATCH_SIZE: '2' } }, async (h) => {
  await h.scheduledLoad(8, 2, 3); // 8 prompts × 2 engines × 2 samples × 3 due slots = 96 runs
  const manual = await h.manualLoad(2, 5);
  log(
    `[claimers-race] 8 scheduled prompts (3 due slots each, 2 engines × 2 samples) + ${manual.length} manual runs`,
  );
  return [];
});
