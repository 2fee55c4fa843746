import { clusterQueuePrefix, loadConfig } from '@hookfleet/core';
import { createQueueConnection, type QueueConnection } from '@hookfleet/queue';
import { batch, connectRedis, isCluster, Keys, type RedisClient, type RedisTarget } from '@hookfleet/store';

/** The test Redis: REDIS_URL, or the cluster of REDIS_CLUSTER_NODES (`npm run test:cluster`). */
export function testRedisTarget(): RedisTarget {
  const config = loadConfig({ REDIS_URL: process.env.REDIS_URL, REDIS_CLUSTER_NODES: process.env.REDIS_CLUSTER_NODES });
  return { redisUrl: config.redisUrl, redisClusterNodes: config.redisClusterNodes };
}

export const onCluster = (): boolean => testRedisTarget().redisClusterNodes.length > 0;

/** A BullMQ prefix for a test's own queues: a hash tag on a cluster, as the processes make it. */
export function testQueuePrefix(prefix: string): string {
  return onCluster() ? clusterQueuePrefix(prefix) : prefix;
}

/** BullMQ's connection for a test's own Queue or Worker objects; close it after them. */
export function testQueueConnection(): QueueConnection {
  return createQueueConnection(testRedisTarget(), { waitForRedis: true });
}

/** Every key matching a SCAN pattern: on a cluster each master holds its own slots, so each one is scanned. */
export async function scanKeys(redis: RedisClient, pattern: string): Promise<string[]> {
  const found: string[] = [];
  // A cluster client knows its masters once it has read the slots: after its first command.
  if (isCluster(redis)) await redis.ping();
  for (const node of isCluster(redis) ? redis.nodes('master') : [redis]) {
    let cursor = '0';
    do {
      const [next, keys] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      cursor = next;
      found.push(...keys);
    } while (cursor !== '0');
  }
  return found;
}

/** Removes every key a test wrote under its prefix: BullMQ's and hookfleet's own (hash-tagged) keys. */
export async function deleteKeys(target: string | RedisTarget, prefix: string): Promise<void> {
  const redis = connectRedis(typeof target === 'string' ? { redisUrl: target, redisClusterNodes: [] } : target);
  try {
    for (const pattern of [`${prefix}:*`, ...new Keys(prefix).patterns()]) {
      const keys = await scanKeys(redis, pattern);
      // One UNLINK a key: a cluster refuses multi-key commands across slots.
      for (let offset = 0; offset < keys.length; offset += 1000) {
        const pipeline = batch(redis);
        for (const key of keys.slice(offset, offset + 1000)) pipeline.unlink(key);
        await pipeline.exec();
      }
    }
  } finally {
    redis.disconnect();
  }
}
