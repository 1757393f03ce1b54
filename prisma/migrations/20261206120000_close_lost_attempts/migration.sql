-- Attempts whose worker died stayed open forever (outcome and finishedAt NULL) even after their run moved on.
-- From now on the next attempt's start closes them; this closes the ones left behind: every open attempt that
-- is not the current attempt of a queued or running run, as abandoned/worker_lost, at the moment the run moved
-- on (the next attempt's start, else the run's end).
UPDATE run_attempts a
SET "finishedAt" = COALESCE(
      (SELECT min(b."startedAt") FROM run_attempts b WHERE b."runId" = a."runId" AND b.attempt > a.attempt),
      r."finishedAt",
      CURRENT_TIMESTAMP),
    outcome = 'abandoned',
    "reasonCode" = 'worker_lost',
    message = 'its worker was lost before it reported; the run moved on without it'
FROM runs r
WHERE r.id = a."runId"
  AND a."finishedAt" IS NULL
  AND (r.status NOT IN ('queued', 'running') OR r."attemptToken" IS DISTINCT FROM a.token);
