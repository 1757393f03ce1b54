/** A write presented an attempt token that is no longer the run's current one. */
export class StaleAttemptError extends Error {
  constructor(runId: string) {
    super(`stale attempt for run ${runId}: result refused`);
    this.name = 'StaleAttemptError';
  }
}
