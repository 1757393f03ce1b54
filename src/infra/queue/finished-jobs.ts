import { type Queue } from 'bullmq';

/**
 * Removes the jobs with these ids that already finished (completed or failed), so re-adding the same
 * deterministic id enqueues a fresh job; live jobs are left alone (re-adding them stays a no-op).
 */
export async function removeFinishedJobs(queue: Queue, jobIds: string[]): Promise<void> {
  for (const id of jobIds) {
    const job = await queue.getJob(id);
    if (job && ((await job.isCompleted()) || (await job.isFailed()))) await job.remove();
  }
}
