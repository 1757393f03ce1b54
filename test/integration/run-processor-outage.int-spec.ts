// A run job that meets an unavailable database is delayed without spending one of its attempts (the outage is
// no fault of the run); any other error spends one as before. Real Redis and BullMQ, and the real error pg
// gives for a refused connection; the executor is replaced by one that only meets that error.
// Private database when run alone: DATABASE_URL=postgresql://postgres@127.0.0.1:5432/streamrank_test_outage
import net from 'node:net';
import { Queue, Worker, type Job } from 'bullmq';
import { Client } from 'pg';
import { type AppConfig } from '../../src/config/app-config';
import { EXECUTE_RUN_JOB, type ExecuteRunJobData } from '../../src/infra/queue/queue-names';
import { type RunExecutor } from '../../src/runs/execution/run-executor.service';
import { RunProcessor } from '../../src/runs/execution/run.processor';
import { deleteQueueKeys, isolatedQueuePrefix } from '../support/pipeline';

const PREFIX = isolatedQueuePrefix('dbdown');
const QUEUE = 'runs-outage-test';

async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('run processor while the database is unavailable', () => {
  const connection = { url: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', maxRetriesPerRequest: null };
  let queue: Queue<ExecuteRunJobData>;
  let worker: Worker<ExecuteRunJobData>;
  let failWith: () => Promise<never>;

  beforeAll(async () => {
    const downUrl = `postgresql://postgres@127.0.0.1:${await closedPort()}/streamrank`;
    queue = new Queue(QUEUE, { connection, prefix: PREFIX });
    const executor = { execute: () => failWith() } as unknown as RunExecutor;
    // A long backoff so that the job is still delayed when it is looked at.
    const processor = new RunProcessor(executor, { RUN_BACKOFF_MS: 60_000 } as AppConfig);
    worker = new Worker<ExecuteRunJobData>(
      QUEUE,
      (job: Job<ExecuteRunJobData>, token?: string) => processor.process(job, token),
      { connection, prefix: PREFIX, autorun: true },
    );
    worker.on('error', () => undefined);
    failWith = async () => {
      await new Client({ connectionString: downUrl, connectionTimeoutMillis: 2000 }).connect();
      throw new Error('unreachable: the connection should have been refused');
    };
  });

  afterAll(async () => {
    await worker?.close();
    await queue?.close();
    await deleteQueueKeys(PREFIX);
  });

  async function settled(jobId: string): Promise<{ state: string; attemptsMade: number }> {
    for (let i = 0; i < 200; i++) {
      const job = await queue.getJob(jobId);
      const state = job ? await job.getState() : 'missing';
      if (job && job.attemptsStarted > 0 && state !== 'active' && state !== 'waiting') {
        // The job's data was read before its state: read it again now that it has settled (delayed for
        // 60 s), or an attempt counted while it moved out of active would be missed.
        const after = await queue.getJob(jobId);
        return { state, attemptsMade: after?.attemptsMade ?? -1 };
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`job ${jobId} never left the worker`);
  }

  const opts = { attempts: 3, backoff: { type: 'fixed', delay: 60_000 } };

  it('delays the job without spending an attempt when the database is unavailable', async () => {
    const job = await queue.add(EXECUTE_RUN_JOB, { runId: 'r-outage' }, { ...opts, jobId: 'r-outage' });
    expect(await settled(job.id!)).toEqual({ state: 'delayed', attemptsMade: 0 });
  });

  it('spends an attempt on any other error', async () => {
    failWith = () => Promise.reject(new Error('a bug, not an outage'));
    const job = await queue.add(EXECUTE_RUN_JOB, { runId: 'r-bug' }, { ...opts, jobId: 'r-bug' });
    expect(await settled(job.id!)).toEqual({ state: 'delayed', attemptsMade: 1 });
  });
});
