import { Queue, type ConnectionOptions } from 'bullmq';
import type { DeliveryJobData, MatchJobData, OperationJobData } from './jobs.js';
import { DELIVERIES_QUEUE, EVENTS_QUEUE, OPERATIONS_QUEUE } from './jobs.js';

/** Finished jobs are removed at once; their outcome lives in the delivery store, so Redis does not grow. */
export const REMOVE_ON_COMPLETE = true;
export const REMOVE_ON_FAIL = { age: 7 * 24 * 3600, count: 10_000 };

export interface HookfleetQueues {
  events: Queue<MatchJobData>;
  deliveries: Queue<DeliveryJobData>;
  operations: Queue<OperationJobData>;
  close(): Promise<void>;
}

/**
 * `onError` hears connection errors (Redis away): without a listener BullMQ prints a stack trace per failed command.
 */
export function createQueues(connection: ConnectionOptions, prefix: string, onError?: (error: Error) => void): HookfleetQueues {
  const defaultJobOptions = { removeOnComplete: REMOVE_ON_COMPLETE, removeOnFail: REMOVE_ON_FAIL };
  const events = new Queue<MatchJobData>(EVENTS_QUEUE, {
    connection,
    prefix,
    defaultJobOptions: { ...defaultJobOptions, attempts: 10, backoff: { type: 'exponential', delay: 500 } },
  });
  const deliveries = new Queue<DeliveryJobData>(DELIVERIES_QUEUE, { connection, prefix, defaultJobOptions });
  const operations = new Queue<OperationJobData>(OPERATIONS_QUEUE, { connection, prefix, defaultJobOptions: { ...defaultJobOptions, attempts: 3, backoff: { type: 'exponential', delay: 1000 } } });
  if (onError) for (const queue of [events, deliveries, operations]) queue.on('error', onError);
  return {
    events,
    deliveries,
    operations,
    async close() {
      await Promise.all([events.close(), deliveries.close(), operations.close()]);
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
