// A worker with many job slots fetches jobs one after another and starts none until its slots are full (BullMQ's main
// loop). A job fetched early holds a lock from its fetch on; if the fill takes longer than the lock, the stalled check
// puts the job back and the same worker runs it twice — a delivery sent twice with no fault anywhere. The cause of the
// duplicates and `could not renew lock` lines of a sustained drive on a Redis Cluster (lock-keeping-worker.ts).
import { afterAll, describe, expect, it } from '@jest/globals';
import { Queue, Worker, type Processor, type WorkerOptions } from 'bullmq';
import { LockKeepingWorker } from '../src/lock-keeping-worker.js';
import { queueFixture } from '../../../test/queue-fixture.js';
import { waitFor } from '../../../test/wait.js';

const JOBS = 40;
/**
 * A short lock, checked often: a fill of the slots at FETCH_BUSY_MS a fetch outlasts it three times, while a job
 * renewed from its fetch is renewed every quarter to half of it, with room for a test machine's own pauses.
 */
const LOCK_MS = 1000;
const FETCH_BUSY_MS = 75;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Keeps the event loop busy for `ms`, as a worker busy sending is between two of its fetches. */
function busyFor(ms: number): void {
  const until = Date.now() + ms;
  while (Date.now() < until);
}

type WorkerClass = new (name: string, processor: Processor, options: WorkerOptions) => Worker;

describe('jobs fetched before their worker starts them', () => {
  const fixture = queueFixture('tlockfetch');
  const { prefix, connection, opened } = fixture;
  afterAll(() => fixture.close());

  /** Runs JOBS jobs through one worker with JOBS slots whose every fetch is followed by FETCH_BUSY_MS of busy loop. */
  async function drain(name: string, WorkerKind: WorkerClass) {
    const queue = new Queue(name, { connection: connection.connection, prefix });
    opened.push(queue);
    await queue.addBulk(Array.from({ length: JOBS }, (_, index) => ({ name: 'job', data: { index }, opts: { jobId: `j${index}`, removeOnComplete: true } })));
    const runs = new Map<string, number>();
    const renewalFailures: string[] = [];
    const worker = new WorkerKind(
      name,
      async (job) => {
        runs.set(job.id as string, (runs.get(job.id as string) ?? 0) + 1);
        await sleep(LOCK_MS / 2);
      },
      { connection: connection.connection, prefix, concurrency: JOBS, lockDuration: LOCK_MS, stalledInterval: LOCK_MS / 4, maxStalledCount: 10 },
    );
    opened.push(worker);
    worker.on('active', () => busyFor(FETCH_BUSY_MS));
    worker.on('error', (error) => {
      if (/could not renew lock|Missing lock|Lock mismatch/.test(error.message)) renewalFailures.push(error.message);
    });
    await waitFor(async () => runs.size === JOBS && (await queue.getJobCounts('active', 'wait', 'delayed')).active === 0, { timeoutMs: 20_000, message: 'every job run' });
    await worker.close();
    const twice = [...runs].filter(([, count]) => count > 1).map(([id]) => id);
    return { twice, renewalFailures };
  }

  it('with BullMQ’s Worker, the first jobs fetched lose their lock before they start and run twice (the cause)', async () => {
    const { twice } = await drain('plain', Worker as unknown as WorkerClass);
    expect(twice.length).toBeGreaterThan(0);
  });

  it('with their lock renewed from the fetch on, each job runs once and no lock is lost', async () => {
    const { twice, renewalFailures } = await drain('keeping', LockKeepingWorker as unknown as WorkerClass);
    expect(twice).toEqual([]);
    expect(renewalFailures).toEqual([]);
  });
});
