import type { Queue } from 'bullmq';
import type { DeliveryJobData } from './jobs.js';

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

/** Delivery jobs gathered by the queue they go to (a subscription's partition), to be added one round trip a queue. */
export type JobsByQueue = Map<Queue<DeliveryJobData>, QueuedJobs<DeliveryJobData, unknown, string>>;

/** The jobs gathered for `queue`, made empty the first time. */
export function queuedFor(jobsByQueue: JobsByQueue, queue: Queue<DeliveryJobData>): QueuedJobs<DeliveryJobData, unknown, string> {
  let jobs = jobsByQueue.get(queue);
  if (!jobs) jobsByQueue.set(queue, (jobs = []));
  return jobs;
}

/** Adds the jobs gathered, one `addJobs` a queue, the queues side by side. */
export async function addJobsByQueue(jobsByQueue: JobsByQueue): Promise<void> {
  await Promise.all([...jobsByQueue].map(([queue, jobs]) => addJobs(queue, jobs)));
}
