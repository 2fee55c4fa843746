import type { Job } from 'bullmq';

/** What a running job's `queue` is when a Worker fetched it (BullMQ 6.7 worker.js: `Job.fromJSON(this, …)`). */
interface RenewingWorker {
  lockManager?: { untrackJob?(jobId: string): void };
}

/**
 * Moves a running job to the delayed set (it comes back at `untilMs`), first taking it off its worker's lock renewal.
 * Why: BullMQ keeps renewing a job's lock until its processor returns, and its renewal (one script for every running
 * job, every lockDuration / 4: node_modules/bullmq/dist/cjs/classes/lock-manager.js) fails for a job whose lock
 * moveToDelayed has just removed — logged as `could not renew lock for job …`, though no other run took the job.
 * Under load, with many jobs stepping aside (a stalled endpoint, a rate limit, a store outage), these were the
 * renewal failures in the worker's log. The caller throws DelayedError next, as BullMQ asks.
 */
export async function moveToDelayedUnrenewed(job: Job, untilMs: number, token: string | undefined): Promise<void> {
  if (job.id !== undefined) (job as unknown as { queue?: RenewingWorker }).queue?.lockManager?.untrackJob?.(job.id);
  await job.moveToDelayed(untilMs, token);
}
