import { Queue, type ConnectionOptions } from 'bullmq';
import type { DeliveryJobData, MatchJobData, OperationJobData } from './jobs.js';
import { EVENTS_QUEUE, OPERATIONS_QUEUE } from './jobs.js';
import { partitionOf } from './partition-hash.js';
import { deliveryQueuePlace, retryQueuePlace, sharedQueuePlace } from './queue-places.js';

/** Finished jobs are removed at once; their outcome lives in the delivery store, so Redis does not grow. */
export const REMOVE_ON_COMPLETE = true;
export const REMOVE_ON_FAIL = { age: 7 * 24 * 3600, count: 10_000 };

export interface HookfleetQueues {
  events: Queue<MatchJobData>;
  /** One delivery queue per partition (HOOKFLEET_PARTITIONS), by partition index. */
  deliveries: ReadonlyArray<Queue<DeliveryJobData>>;
  /** The partition queue of a subscription: every job for its deliveries goes there, but for retry jobs. */
  deliveriesFor(subscriptionId: string): Queue<DeliveryJobData>;
  /**
   * One retry queue per partition. Retry jobs wait apart from group jobs because a BullMQ worker fetches the jobs
   * waiting in its queue one round trip after another, up to its concurrency, before it starts any of them: with
   * hundreds of retry jobs due in the queue of the group jobs, the group jobs of new events sat fetched and unstarted
   * for most of a second (bench/README.md, "The round on packed scripts").
   */
  retries: ReadonlyArray<Queue<DeliveryJobData>>;
  /** The partition retry queue of a subscription (the same partition as deliveriesFor). */
  retriesFor(subscriptionId: string): Queue<DeliveryJobData>;
  operations: Queue<OperationJobData>;
  close(): Promise<void>;
}

/**
 * A matcher job that fails for a reason of its own runs again this many times, the first after MATCH_JOB_BACKOFF_MS
 * (times RETRY_DELAY_SCALE), doubling. A store error spends none of them: the worker waits it out (store-waits.ts).
 */
export const MATCH_JOB_ATTEMPTS = 10;
export const MATCH_JOB_BACKOFF_MS = 500;

/**
 * `onError` hears connection errors (Redis away): without a listener BullMQ prints a stack trace per failed command.
 */
export function createQueues(connection: ConnectionOptions, prefix: string, onError?: (error: Error) => void, partitions = 1, retryDelayScale = 1): HookfleetQueues {
  const defaultJobOptions = { removeOnComplete: REMOVE_ON_COMPLETE, removeOnFail: REMOVE_ON_FAIL };
  const events = new Queue<MatchJobData>(EVENTS_QUEUE, {
    connection,
    prefix: sharedQueuePlace(prefix, EVENTS_QUEUE, partitions).prefix,
    defaultJobOptions: { ...defaultJobOptions, attempts: MATCH_JOB_ATTEMPTS, backoff: { type: 'exponential', delay: Math.max(1, Math.round(MATCH_JOB_BACKOFF_MS * retryDelayScale)) } },
  });
  const perPartition = (placeOf: typeof deliveryQueuePlace) =>
    Array.from({ length: partitions }, (_, partition) => {
      const place = placeOf(prefix, partition, partitions);
      return new Queue<DeliveryJobData>(place.name, { connection, prefix: place.prefix, defaultJobOptions });
    });
  const deliveries = perPartition(deliveryQueuePlace);
  const retries = perPartition(retryQueuePlace);
  const operations = new Queue<OperationJobData>(OPERATIONS_QUEUE, {
    connection,
    prefix: sharedQueuePlace(prefix, OPERATIONS_QUEUE, partitions).prefix,
    defaultJobOptions: { ...defaultJobOptions, attempts: 3, backoff: { type: 'exponential', delay: 1000 } },
  });
  const all = [events, ...deliveries, ...retries, operations];
  if (onError) for (const queue of all) queue.on('error', onError);
  return {
    events,
    deliveries,
    deliveriesFor: (subscriptionId) => deliveries[partitionOf(subscriptionId, partitions)] as Queue<DeliveryJobData>,
    retries,
    retriesFor: (subscriptionId) => retries[partitionOf(subscriptionId, partitions)] as Queue<DeliveryJobData>,
    operations,
    async close() {
      await Promise.all(all.map((queue) => queue.close()));
    },
  };
}
