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

export function createQueues(connection: ConnectionOptions, prefix: string): HookfleetQueues {
  const defaultJobOptions = { removeOnComplete: REMOVE_ON_COMPLETE, removeOnFail: REMOVE_ON_FAIL };
  const events = new Queue<MatchJobData>(EVENTS_QUEUE, {
    connection,
    prefix,
    defaultJobOptions: { ...defaultJobOptions, attempts: 10, backoff: { type: 'exponential', delay: 500 } },
  });
  const deliveries = new Queue<DeliveryJobData>(DELIVERIES_QUEUE, { connection, prefix, defaultJobOptions });
  const operations = new Queue<OperationJobData>(OPERATIONS_QUEUE, { connection, prefix, defaultJobOptions: { ...defaultJobOptions, attempts: 3, backoff: { type: 'exponential', delay: 1000 } } });
  return {
    events,
    deliveries,
    operations,
    async close() {
      await Promise.all([events.close(), deliveries.close(), operations.close()]);
    },
  };
}
