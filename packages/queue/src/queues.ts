import { Queue, type ConnectionOptions } from 'bullmq';
import type { DeliveryJobData, MatchJobData, OperationJobData } from './jobs.js';
import { EVENTS_QUEUE, OPERATIONS_QUEUE } from './jobs.js';
import { partitionOf } from './partition-hash.js';
import { deliveryQueuePlace, sharedQueuePlace } from './queue-places.js';

/** Finished jobs are removed at once; their outcome lives in the delivery store, so Redis does not grow. */
export const REMOVE_ON_COMPLETE = true;
export const REMOVE_ON_FAIL = { age: 7 * 24 * 3600, count: 10_000 };

export interface HookfleetQueues {
  events: Queue<MatchJobData>;
  /** One delivery queue per partition (HOOKFLEET_PARTITIONS), by partition index. */
  deliveries: ReadonlyArray<Queue<DeliveryJobData>>;
  /** The partition queue of a subscription: every job for its deliveries goes there. */
  deliveriesFor(subscriptionId: string): Queue<DeliveryJobData>;
  operations: Queue<OperationJobData>;
  close(): Promise<void>;
}

/**
 * `onError` hears connection errors (Redis away): without a listener BullMQ prints a stack trace per failed command.
 */
export function createQueues(connection: ConnectionOptions, prefix: string, onError?: (error: Error) => void, partitions = 1): HookfleetQueues {
  const defaultJobOptions = { removeOnComplete: REMOVE_ON_COMPLETE, removeOnFail: REMOVE_ON_FAIL };
  const events = new Queue<MatchJobData>(EVENTS_QUEUE, {
    connection,
    prefix: sharedQueuePlace(prefix, EVENTS_QUEUE, partitions).prefix,
    defaultJobOptions: { ...defaultJobOptions, attempts: 10, backoff: { type: 'exponential', delay: 500 } },
  });
  const deliveries = Array.from({ length: partitions }, (_, partition) => {
    const place = deliveryQueuePlace(prefix, partition, partitions);
    return new Queue<DeliveryJobData>(place.name, { connection, prefix: place.prefix, defaultJobOptions });
  });
  const operations = new Queue<OperationJobData>(OPERATIONS_QUEUE, {
    connection,
    prefix: sharedQueuePlace(prefix, OPERATIONS_QUEUE, partitions).prefix,
    defaultJobOptions: { ...defaultJobOptions, attempts: 3, backoff: { type: 'exponential', delay: 1000 } },
  });
  const all = [events, ...deliveries, operations];
  if (onError) for (const queue of all) queue.on('error', onError);
  return {
    events,
    deliveries,
    deliveriesFor: (subscriptionId) => deliveries[partitionOf(subscriptionId, partitions)] as Queue<DeliveryJobData>,
    operations,
    async close() {
      await Promise.all(all.map((queue) => queue.close()));
    },
  };
}

/** Calls `log` at most once per interval: one line per outage, not one per failed command. */
export function throttled(log: (error: Error) => void, intervalMs = 5000): (error: Error) => void {
  let last = 0;
  return (error) => {
    const now = Date.now();
    if (now - last < intervalMs) return;
    last = now;
    log(error);
  };
}
