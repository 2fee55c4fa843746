import type { ConnectionOptions } from 'bullmq';
import { connectCluster, type RedisTarget } from '@hookfleet/store';

export interface QueueConnection {
  /** BullMQ's `connection` for every Queue and Worker of this process. */
  connection: ConnectionOptions;
  /** Closes what this module opened (a cluster client); BullMQ closes the connections it made itself. */
  close(): Promise<void>;
}

/**
 * BullMQ's connection. A single Redis: options, from which BullMQ opens and closes its own connections. A cluster:
 * one ioredis Cluster the queues share and each Worker duplicates (its own blocking connection); it has no
 * auto-pipelining, since a blocking BZPOPMIN in an auto-pipeline would hold up the commands queued behind it.
 * `waitForRedis`: commands wait while Redis is away (workers; BullMQ requires it for a Worker's connection)
 * instead of failing after one retry (the API, which answers 503).
 */
export function createQueueConnection(target: RedisTarget, options: { waitForRedis: boolean }): QueueConnection {
  const maxRetriesPerRequest = options.waitForRedis ? null : 1;
  if (target.redisClusterNodes.length === 0) {
    return { connection: { url: target.redisUrl, maxRetriesPerRequest }, close: async () => undefined };
  }
  const cluster = connectCluster(target, { maxRetriesPerRequest });
  return {
    connection: cluster,
    async close() {
      await cluster.quit().catch(() => cluster.disconnect());
    },
  };
}
