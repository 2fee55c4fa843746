import { Redis } from 'ioredis';
import { startRedisServer } from '../scripts/redis-server.mjs';
import type { startRedisCluster } from '../scripts/redis-cluster.mjs';

export type RedisCluster = Awaited<ReturnType<typeof startRedisCluster>>;
export type RedisServer = Awaited<ReturnType<typeof startRedisServer>>;

/** Asks one node of a private cluster, on a connection of its own that it closes. */
export async function askNode<T>(port: number, ask: (node: Redis) => Promise<T>): Promise<T> {
  const node = new Redis({ host: '127.0.0.1', port });
  try {
    return await ask(node);
  } finally {
    node.disconnect();
  }
}

/** One setting of a node, as CONFIG GET answers it. */
export const nodeSetting = (port: number, name: string) => askNode(port, async (node) => ((await node.config('GET', name)) as string[])[1]!);

/**
 * SIGKILLs a master of a private cluster; what it returns starts it again on its port from its own nodes.conf and AOF,
 * as the cluster did, with `extraArgs` besides (settings the test gave the other nodes).
 */
export async function killMaster(cluster: RedisCluster, port: number, extraArgs: readonly string[] = []): Promise<() => Promise<RedisServer>> {
  const setting = (name: string) => nodeSetting(port, name);
  const [dir, configFile, busPort, nodeTimeout] = [
    await setting('dir'),
    await setting('cluster-config-file'),
    await setting('cluster-port'),
    await setting('cluster-node-timeout'),
  ];
  await cluster.kill(port);
  const clusterArgs = ['--cluster-enabled', 'yes', '--cluster-config-file', configFile, '--cluster-node-timeout', nodeTimeout, '--cluster-port', busPort];
  return () => startRedisServer({ port, dir, appendOnly: true, extraArgs: [...clusterArgs, '--cluster-replica-validity-factor', '0', ...extraArgs] });
}
