import { Worker, type Job, type JobJson } from 'bullmq';

/**
 * A BullMQ Worker whose lock renewal covers a job from the moment it is fetched, not only once it starts.
 *
 * Why: BullMQ's main loop (node_modules/bullmq/dist/cjs/classes/worker.js, `mainLoop`) fetches jobs one after another,
 * awaiting each, until it holds `concurrency` of them, and only then starts the first. Each fetch moves a job to
 * active with a lock of `lockDuration`, but the lock manager renews a job's lock only from the start of its processor
 * (`processJob` → `trackJob`). A delivery worker has a few hundred job slots: on a busy Redis Cluster its fetches took
 * about 35 ms each, so a fill of the slots outlasted the 6 s lock (worker.ts, LOCK_DURATION_MS) and the first jobs
 * fetched started 6–8 s after their lock was set. The stalled check had put them back by then, the same worker fetched
 * them again, and both runs sent: 0.5–3.7 % of a sustained drive's deliveries twice, and bursts of `could not renew
 * lock` in the log (bench/README.md, "The round on locks lost before a job starts").
 *
 * Tracking at fetch costs nothing BullMQ does not already do: the same renewal round, one entry more per waiting job,
 * and the processor's own `trackJob` replaces it with the same token when the job starts.
 */
export class LockKeepingWorker<DataType = unknown, ResultType = unknown, NameType extends string = string> extends Worker<DataType, ResultType, NameType> {
  protected override async nextJobFromJobData(jobData?: JobJson, jobId?: string, token?: string): Promise<Job<DataType, ResultType, NameType>> {
    const job = await super.nextJobFromJobData(jobData, jobId, token);
    // `processedOn` is when moveToActive set the lock: the renewal is due from then.
    if (job?.id && token) this.lockManager.trackJob(job.id, token, job.processedOn ?? Date.now());
    return job;
  }
}
