import { startRedisServer } from '../scripts/redis-server.mjs';
import { startRedisCluster } from '../scripts/redis-cluster.mjs';

/**
 * One private Redis for the whole run unless REDIS_URL is set; each test uses its own key prefix.
 * HOOKFLEET_TEST_REDIS=cluster (`npm run test:cluster`): a private 3-master Redis Cluster instead, unless
 * REDIS_CLUSTER_NODES is set; REDIS_URL then names one of its nodes, so a test that bypasses the cluster
 * client fails loudly (MOVED) instead of passing on one shard.
 */
export default async function globalSetup() {
  if (process.env.HOOKFLEET_TEST_REDIS === 'cluster') {
    if (!process.env.REDIS_CLUSTER_NODES) {
      const cluster = await startRedisCluster();
      process.env.REDIS_CLUSTER_NODES = cluster.nodes;
      globalThis.__hookfleetRedis = cluster;
    }
    process.env.REDIS_URL ??= `redis://${process.env.REDIS_CLUSTER_NODES.split(',')[0]}`;
    return;
  }
  if (process.env.REDIS_URL) return;
  const redis = await startRedisServer();
  process.env.REDIS_URL = redis.url;
  globalThis.__hookfleetRedis = redis;
}
