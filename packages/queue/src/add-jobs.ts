import type { Queue } from 'bullmq';

/** What one `Queue.addBulk` call takes. */
export type QueuedJobs<Data, Result, Name extends string> = Parameters<Queue<Data, Result, Name>['addBulk']>[0];

/**
 * Adds jobs to one queue in one round trip. A single job goes through `Queue.add`, not `addBulk`: `addBulk` builds an
 * ioredis pipeline, and ioredis's `Pipeline` constructor copies every script defined on the connection onto the new
 * pipeline — BullMQ defines dozens —: about 50 of the 175 ms the retry jobs' adds took the worker in the retries
 * scenario (bench/README.md, the twentieth round). A failed part adds one retry job most of the time, and a matcher
 * flush one group job a queue.
 */
export async function addJobs<Data, Result, Name extends string>(queue: Queue<Data, Result, Name>, jobs: QueuedJobs<Data, Result, Name>): Promise<void> {
  const [only] = jobs;
  if (jobs.length === 1 && only) await queue.add(only.name, only.data, only.opts);
  else if (jobs.length > 1) await queue.addBulk(jobs);
}
