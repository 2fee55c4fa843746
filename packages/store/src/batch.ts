import type { ChainableCommander, Cluster } from 'ioredis';
import { isCluster, type RedisClient } from './redis.js';

/**
 * A pipeline of independent commands, one round trip: on a single Redis, ioredis's own pipeline; on a cluster,
 * where one ioredis pipeline may only reach one node, the same commands sent one by one in this tick, which the
 * cluster connection's auto-pipelining groups into one pipeline per node. `exec` answers `[error, result]` per
 * command, in order, as ioredis's pipeline does. Never a transaction: what must be atomic is one script or one
 * MULTI on keys of one slot.
 */
export function batch(redis: RedisClient): ChainableCommander {
  if (!isCluster(redis)) return redis.pipeline();
  return clusterBatch(redis);
}

type Reply = [error: Error | null, result: unknown];

/** Answers that say the node did not run the command (the slot moved, or has no master yet): safe to send again. */
const NOT_RUN = /^(MOVED|ASK|TRYAGAIN|CLUSTERDOWN) /;
const MAX_REDIRECTIONS = 16;

/**
 * ioredis sends an auto-pipeline again after a redirection only when every command in it got the same one, which a
 * pipeline to one node carrying many slots never does during a failover: each command is sent again here, once the
 * slot map is fresh.
 */
async function sendFollowingRedirections(cluster: Cluster, send: () => Promise<unknown>): Promise<unknown> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await send();
    } catch (error) {
      if (attempt >= MAX_REDIRECTIONS || !NOT_RUN.test((error as Error).message ?? '')) throw error;
      await new Promise<void>((resolve) => cluster.refreshSlotsCache(() => resolve()));
      await new Promise((resolve) => setTimeout(resolve, Math.min(attempt * 50, 500)));
    }
  }
}

function clusterBatch(cluster: Cluster): ChainableCommander {
  const replies: Array<Promise<Reply>> = [];
  const target = cluster as unknown as Record<string | symbol, unknown>;
  const commander: ChainableCommander = new Proxy({} as ChainableCommander, {
    get(_empty, property) {
      if (property === 'exec') return async () => Promise.all(replies);
      if (property === 'length') return replies.length;
      const method = target[property];
      if (typeof method !== 'function') return undefined;
      return (...args: unknown[]) => {
        const send = () => (method as (...args: unknown[]) => Promise<unknown>).apply(cluster, args);
        const reply = sendFollowingRedirections(cluster, send);
        replies.push(reply.then((result): Reply => [null, result], (error: Error): Reply => [error, null]));
        return commander;
      };
    },
  });
  return commander;
}

/** GET of many keys: one MGET on a single Redis; on a cluster, where MGET needs one slot, one GET a key, batched. */
export async function getMany(redis: RedisClient, keys: readonly string[]): Promise<Array<string | null>> {
  if (keys.length === 0) return [];
  if (!isCluster(redis)) return redis.mget(keys as string[]);
  return Promise.all(keys.map((key) => sendFollowingRedirections(redis, () => redis.get(key)) as Promise<string | null>));
}

/**
 * Sends a pipeline (or batch) and throws the first command's error, if any: a pipeline's `exec` resolves even when
 * Redis refused some of its commands (out of memory, read-only), and a write nobody checks is a write silently lost.
 * The caller's job then fails and runs again; every write sent here must be safe to send twice.
 */
export async function execChecked(pipeline: ChainableCommander): Promise<unknown[]> {
  const replies = (await pipeline.exec()) ?? [];
  for (const [error] of replies) if (error) throw error;
  return replies.map(([, value]) => value);
}
