import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis';
import type { RedisNode } from '@hookfleet/core';

/** The store's connection: one Redis, or a Redis Cluster (REDIS_CLUSTER_NODES). */
export type RedisClient = Redis | Cluster;

/** Where Redis is: the single server at `redisUrl`, or the cluster seeded by `redisClusterNodes` when there are any. */
export interface RedisTarget {
  redisUrl: string;
  redisClusterNodes: readonly RedisNode[];
}

/** ioredis options from a redis:// or rediss:// URL, for ioredis itself and for BullMQ's `connection`. */
export function redisOptionsFromUrl(url: string): RedisOptions {
  const parsed = new URL(url);
  const options: RedisOptions = {
    host: parsed.hostname.replace(/^\[|\]$/g, '') || '127.0.0.1',
    port: parsed.port ? Number(parsed.port) : 6379,
  };
  if (parsed.username) options.username = decodeURIComponent(parsed.username);
  if (parsed.password) options.password = decodeURIComponent(parsed.password);
  const db = parsed.pathname.replace('/', '');
  if (db) options.db = Number(db);
  if (parsed.protocol === 'rediss:') options.tls = {};
  return options;
}

export function isCluster(redis: RedisClient): redis is Cluster {
  return (redis as Cluster).isCluster === true;
}

/**
 * An ioredis Cluster on the seed nodes. Credentials and TLS come from REDIS_URL when it names them (every node
 * shares them). A failover shows as refused connections, then MOVED: commands wait and retry on the new master.
 */
export function connectCluster(target: RedisTarget, redisOptions: RedisOptions, clusterOptions: ClusterOptions = {}): Cluster {
  const { username, password, tls } = redisOptionsFromUrl(target.redisUrl);
  return new Cluster(
    target.redisClusterNodes.map((node) => ({ host: node.host, port: node.port })),
    {
      redisOptions: { ...(username ? { username } : {}), ...(password ? { password } : {}), ...(tls ? { tls } : {}), ...redisOptions },
      clusterRetryStrategy: (times) => Math.min(times * 100, 2000),
      retryDelayOnFailover: 200,
      retryDelayOnClusterDown: 200,
      retryDelayOnTryAgain: 200,
      ...clusterOptions,
    },
  );
}

/**
 * A connection for request paths: a command fails after one reconnect attempt instead of hanging,
 * so the API can answer 503 while Redis is away. On a cluster, commands issued in the same tick go out as one
 * pipeline per node (auto-pipelining), which is how the stores' batches reach several shards in one round trip.
 */
export function connectRedis(url: string, overrides?: RedisOptions): Redis;
export function connectRedis(target: RedisTarget, overrides?: RedisOptions): RedisClient;
export function connectRedis(target: string | RedisTarget, overrides: RedisOptions = {}): RedisClient {
  const options: RedisOptions = {
    maxRetriesPerRequest: 1,
    retryStrategy: (times) => Math.min(times * 100, 2000),
    ...overrides,
  };
  if (typeof target !== 'string' && target.redisClusterNodes.length > 0) {
    return connectCluster(target, options, { enableAutoPipelining: true });
  }
  const url = typeof target === 'string' ? target : target.redisUrl;
  return new Redis({ ...redisOptionsFromUrl(url), ...options });
}
