import { DELIVERIES_QUEUE, RETRIES_QUEUE } from './jobs.js';

/** Where a BullMQ queue lives: its name (also its label in metrics, readiness and the admin UI) and its key prefix. */
export interface QueuePlace {
  name: string;
  prefix: string;
}

/**
 * With one partition every queue keeps the name and keys it always had (`<prefix>:deliveries:…`), so dashboards
 * and running fleets see no change. With more, each queue's keys start with a hash tag of its own
 * (`hookfleet:{hookfleet:d:0}:deliveries-0:…`): a Redis Cluster slots a key by its first `{…}`, so each
 * partition can sit on its own shard while all keys of one queue (which BullMQ's scripts touch together) share one.
 * The tag goes in BullMQ's prefix because queue names may not contain `:`.
 */
export function deliveryQueuePlace(prefix: string, partition: number, partitions: number): QueuePlace {
  return partitionQueuePlace(DELIVERIES_QUEUE, 'd', prefix, partition, partitions);
}

/** A partition's retry queue, placed as its delivery queue is (its own tag, `r`, so it may sit on another shard). */
export function retryQueuePlace(prefix: string, partition: number, partitions: number): QueuePlace {
  return partitionQueuePlace(RETRIES_QUEUE, 'r', prefix, partition, partitions);
}

function partitionQueuePlace(name: string, tag: string, prefix: string, partition: number, partitions: number): QueuePlace {
  if (partitions <= 1) return { name, prefix };
  return { name: `${name}-${partition}`, prefix: `${prefix}:{${prefix}:${tag}:${partition}}` };
}

/** The events and operations queues: one each, tagged by their name when the delivery queues are partitioned. */
export function sharedQueuePlace(prefix: string, name: string, partitions: number): QueuePlace {
  if (partitions <= 1) return { name, prefix };
  return { name, prefix: `${prefix}:{${prefix}:${name}}` };
}
