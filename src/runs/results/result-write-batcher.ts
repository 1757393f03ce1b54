import { Injectable } from '@nestjs/common';
import { type ResultToWrite, RunResultRepository } from './run-result.repository';
import { type LandingListeners, type RunResultWrite } from './run-result.types';
import { StaleAttemptError } from './stale-attempt-error';

/** Result statements running at once per process (the rest queue up and go out batched). */
const MAX_RESULT_WRITES_IN_FLIGHT = 4;
/** Results per batched statement at most. */
const MAX_RESULTS_PER_STATEMENT = 50;

interface PendingResult extends ResultToWrite {
  resolve: (listeners: LandingListeners) => void;
  reject: (error: unknown) => void;
}

/**
 * The group-commit queue of result writes. Stateful: exactly one instance per process (RunResultsModule
 * provides it and every user imports that module), so MAX_RESULT_WRITES_IN_FLIGHT bounds the whole process.
 */
@Injectable()
export class ResultWriteBatcher {
  private readonly resultQueue: PendingResult[] = [];
  private resultWritesInFlight = 0;

  constructor(private readonly results: RunResultRepository) {}

  /**
   * Saves a completed run's result: the fenced status change, the result row, mentions, score rows and
   * citations, and the attempt closed, all or nothing; StaleAttemptError when the token is no longer the
   * run's current one or the run is no longer `running`.
   *
   * Group commit: a save starts at once while fewer than MAX_RESULT_WRITES_IN_FLIGHT statements are running;
   * otherwise it joins the next batch, written as one statement (one round trip, one commit) when a slot
   * frees up. Fencing stays per run inside the batch. Should a batch statement fail, each of its runs is
   * retried on its own so one bad row cannot fail the others. Resolves with who listens for the landing, as of
   * the commit (a rule enabled or a webhook created after it applies from the next landing on).
   *
   * `fromSpill`: the answer was spilled by a worker that died (or gave up) before this write committed; it is
   * also accepted while the reconciler has put the run back to `queued`, as long as no newer attempt started
   * (the attempt token is still this one).
   */
  saveRunResult(
    runId: string,
    token: string,
    result: RunResultWrite,
    now: Date,
    fromSpill = false,
  ): Promise<LandingListeners> {
    return new Promise<LandingListeners>((resolve, reject) => {
      this.resultQueue.push({ runId, token, result, now, fromSpill, resolve, reject });
      this.pumpResults();
    });
  }

  private pumpResults(): void {
    while (this.resultQueue.length > 0 && this.resultWritesInFlight < MAX_RESULT_WRITES_IN_FLIGHT) {
      const batch = this.resultQueue.splice(0, MAX_RESULTS_PER_STATEMENT);
      this.resultWritesInFlight++;
      void this.writeResults(batch).finally(() => {
        this.resultWritesInFlight--;
        this.pumpResults();
      });
    }
  }

  private async writeResults(batch: PendingResult[]): Promise<void> {
    let saved: Map<string, LandingListeners>;
    try {
      saved = await this.results.insertResults(batch);
    } catch (error) {
      if (batch.length === 1) {
        batch[0]!.reject(error);
        return;
      }
      await Promise.all(batch.map((p) => this.writeResults([p])));
      return;
    }
    for (const p of batch) {
      const listeners = saved.get(p.runId);
      if (listeners !== undefined) p.resolve(listeners);
      else p.reject(new StaleAttemptError(p.runId));
    }
  }
}
