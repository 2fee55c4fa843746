import type { Queue, Worker } from 'bullmq';
import { deleteKeys, testQueueConnection, testQueuePrefix, testRedisTarget } from './redis.js';

/**
 * A test's own BullMQ prefix and connection on the test Redis: every queue and worker it opens goes in `opened`, and
 * `close` closes them, the connection, and deletes the prefix's keys.
 */
export function queueFixture(label: string) {
  const prefix = testQueuePrefix(`${label}${Date.now().toString(36)}`);
  const connection = testQueueConnection();
  const opened: Array<Queue | Worker> = [];
  return {
    prefix,
    connection,
    opened,
    async close(): Promise<void> {
      await Promise.all(opened.map((each) => each.close()));
      await connection.close();
      await deleteKeys(testRedisTarget(), prefix);
    },
  };
}
