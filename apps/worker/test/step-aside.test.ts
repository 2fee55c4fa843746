// A job that steps aside (moves itself to delayed and comes back later) must not leave BullMQ renewing a lock it has
// given up: the renewal fails, and the worker logs "could not renew lock" though no other run took the job.
import { afterAll, describe, expect, it } from '@jest/globals';
import { DelayedError, Queue, Worker, type Job } from 'bullmq';
import { moveToDelayedUnrenewed } from '../src/step-aside.js';
import { queueFixture } from '../../../test/queue-fixture.js';
import { waitFor } from '../../../test/wait.js';

/** A short lock: BullMQ renews every 100 ms (a quarter of it). */
const LOCK_MS = 400;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('a job stepping aside', () => {
  const fixture = queueFixture('tstep');
  const { prefix, connection, opened } = fixture;
  afterAll(() => fixture.close());

  /**
   * Runs one job that steps aside once through `move` and then, still in its processor, outlives a few renewal
   * rounds (the window in which a busy worker's renewal meets the lock its own job removed); on its second run it
   * ends. Returns the renewal failures the worker reported and how many runs the job had.
   */
  async function stepAsideWith(name: string, move: (job: Job, untilMs: number, token: string | undefined) => Promise<void>) {
    const queue = new Queue(name, { connection: connection.connection, prefix });
    const renewalFailures: string[] = [];
    let runs = 0;
    const worker = new Worker(
      name,
      async (job, token) => {
        runs += 1;
        if (runs > 1) return;
        await sleep(LOCK_MS / 2);
        await move(job, Date.now() + 50, token);
        await sleep(LOCK_MS);
        throw new DelayedError();
      },
      { connection: connection.connection, prefix, lockDuration: LOCK_MS },
    );
    opened.push(queue, worker);
    worker.on('error', (error) => {
      if (/could not renew lock/.test(error.message)) renewalFailures.push(error.message);
    });
    await queue.add('job', {}, { removeOnComplete: true });
    await waitFor(async () => runs >= 2 && (await queue.getJobCounts('completed', 'active', 'delayed', 'wait')).active === 0, { timeoutMs: 10_000 });
    return { renewalFailures, runs };
  }

  it('with BullMQ’s own moveToDelayed, its lock renewal fails (the cause of the log lines)', async () => {
    const { renewalFailures, runs } = await stepAsideWith('plain', (job, untilMs, token) => job.moveToDelayed(untilMs, token));
    expect(runs).toBe(2);
    expect(renewalFailures.length).toBeGreaterThan(0);
  });

  it('taken off the renewal first, it comes back with no renewal failure', async () => {
    const { renewalFailures, runs } = await stepAsideWith('unrenewed', moveToDelayedUnrenewed);
    expect(runs).toBe(2);
    expect(renewalFailures).toEqual([]);
  });
});
