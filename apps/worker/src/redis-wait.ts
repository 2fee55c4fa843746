import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import { createLogThrottle, type HookfleetConfig } from '@hookfleet/core';
import { connectRedis, isCluster, redisOptionsFromUrl } from '@hookfleet/store';

/** Between two PINGs that failed at once (a refused password, say): the client's own reconnects pace the rest. */
const PING_AGAIN_MS = 1_000;

/** Where the worker looks for Redis, as an operator set it, without the password REDIS_URL may carry. */
export function redisWhereabouts(config: HookfleetConfig): string {
  if (config.redisClusterNodes.length > 0) {
    return `the Redis Cluster at ${config.redisClusterNodes.map((node) => `${node.host}:${node.port}`).join(',')} (REDIS_CLUSTER_NODES)`;
  }
  const { host, port } = redisOptionsFromUrl(config.redisUrl);
  return `Redis at ${host}:${port} (REDIS_URL)`;
}

/**
 * Resolves once Redis answers a PING; meanwhile one line `waiting for Redis` at once and then once per interval, with
 * the reason. A worker started before its Redis waits for it, as it does when Redis goes away later
 * (docs/operations.md, "Stopping and restarting"): on a cluster the store's auto-pipelined commands would otherwise
 * fail at the first refused connection and end the start with a stack trace.
 */
export async function waitForRedis(config: HookfleetConfig, logger: Logger): Promise<void> {
  const redis = connectRedis(config, { maxRetriesPerRequest: 1 });
  // A single Redis's connection error names the cause (ECONNREFUSED, WRONGPASS) better than the failed PING; a
  // cluster's PING says it best (`None of startup nodes is available`), its connection errors do not.
  let connectionError: Error | undefined;
  redis.on('error', (error: Error) => {
    if (!isCluster(redis)) connectionError = error;
  });
  const throttle = createLogThrottle();
  const redisAt = redisWhereabouts(config);
  try {
    for (;;) {
      try {
        await redis.ping();
        return;
      } catch (error) {
        const reason = (connectionError ?? (error as Error)).message;
        throttle('waiting', (repeated) =>
          logger.warn({ redis: redisAt, reason, ...(repeated > 0 ? { repeated } : {}) }, `waiting for ${redisAt}: the worker starts once it answers`),
        );
        connectionError = undefined;
        await sleep(PING_AGAIN_MS);
      }
    }
  } finally {
    redis.disconnect();
  }
}
