// A private Redis Cluster on free loopback ports, from Debian's redis-server and redis-cli: used by
// `npm run test:cluster`, the cluster benchmark and CI. `node scripts/redis-cluster.mjs [--masters 3] [--replicas 0]`
// prints the nodes (REDIS_CLUSTER_NODES=…) and stays up until Ctrl-C.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { freePort, startRedisServer } from './redis-server.mjs';

const run = promisify(execFile);
const HOST = '127.0.0.1';

/** One command to one node through redis-cli; its output. */
async function cli(port, ...args) {
  const { stdout } = await run('redis-cli', ['-h', HOST, '-p', String(port), ...args], { timeout: 10_000 });
  return stdout;
}

async function waitUntil(condition, timeoutMs, message) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await condition()) return;
    } catch {
      // a node still starting: ask again
    }
    if (Date.now() > deadline) throw new Error(`redis cluster: timed out waiting for ${message}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Every node agrees the cluster is whole: state ok, all slots assigned, every replica in sync with its master. */
async function clusterReady(ports) {
  for (const port of ports) {
    const info = await cli(port, 'cluster', 'info');
    if (!info.includes('cluster_state:ok') || !info.includes('cluster_slots_assigned:16384')) return false;
    const replication = await cli(port, 'info', 'replication');
    if (replication.includes('role:slave') && !replication.includes('master_link_status:up')) return false;
  }
  return true;
}

/**
 * Starts `masters` masters with `replicas` replicas each (AOF everysec), joins them with
 * `redis-cli --cluster create` and waits until every node says cluster_state:ok.
 * `nodeTimeoutMs` is cluster-node-timeout: a dead master's replica takes over a little after it.
 * @param {{ masters?: number, replicas?: number, nodeTimeoutMs?: number }} [options]
 * @returns {Promise<{ nodes: string, ports: number[], masterPorts(): Promise<number[]>, kill(port: number): Promise<void>, stop(): Promise<void> }>}
 */
export async function startRedisCluster({ masters = 3, replicas = 0, nodeTimeoutMs = 1500 } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'hookfleet-redis-cluster-'));
  const servers = new Map();
  try {
    for (let index = 0; index < masters * (1 + replicas); index += 1) {
      const [port, busPort] = [await freePort(), await freePort()];
      const nodeDir = join(dir, String(port));
      mkdirSync(nodeDir);
      const server = await startRedisServer({
        port,
        dir: nodeDir,
        appendOnly: true,
        extraArgs: [
          '--cluster-enabled', 'yes',
          '--cluster-config-file', join(nodeDir, 'nodes.conf'),
          '--cluster-node-timeout', String(nodeTimeoutMs),
          // The bus port is chosen too: port + 10000, Redis's default, may be past 65535 or taken.
          '--cluster-port', String(busPort),
          // A replica takes over however long it was cut off: tests kill masters on purpose.
          '--cluster-replica-validity-factor', '0',
        ],
      });
      servers.set(port, server);
    }
    const ports = [...servers.keys()];
    await run('redis-cli', ['--cluster', 'create', ...ports.map((port) => `${HOST}:${port}`), '--cluster-replicas', String(replicas), '--cluster-yes'], { timeout: 60_000 });
    await waitUntil(() => clusterReady(ports), 60_000, 'cluster_state:ok on every node');
  } catch (error) {
    await Promise.all([...servers.values()].map((server) => server.kill()));
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const ports = [...servers.keys()];
  return {
    nodes: ports.map((port) => `${HOST}:${port}`).join(','),
    ports,
    /** The ports of the masters now (after a failover, the promoted replicas), asked of a live node. */
    async masterPorts() {
      for (const [port, server] of servers) {
        if (server.process.exitCode !== null || server.process.signalCode !== null) continue;
        const lines = (await cli(port, 'cluster', 'nodes')).split('\n').filter(Boolean);
        return lines
          .map((line) => line.split(' '))
          .filter(([, address, flags]) => flags.split(',').includes('master') && !flags.includes('fail') && address)
          .map(([, address]) => Number(address.split('@')[0].split(':').pop()))
          .sort((a, b) => a - b);
      }
      throw new Error('redis cluster: no live node');
    },
    /** SIGKILLs one node. */
    async kill(port) {
      const server = servers.get(port);
      if (!server) throw new Error(`redis cluster: no node on port ${port}`);
      await server.kill('SIGKILL');
    },
    async stop() {
      await Promise.all([...servers.values()].map((server) => server.stop()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const option = (name, fallback) => {
    const at = process.argv.indexOf(`--${name}`);
    return at > 0 ? Number(process.argv[at + 1]) : fallback;
  };
  const cluster = await startRedisCluster({ masters: option('masters', 3), replicas: option('replicas', 0) });
  console.log(`REDIS_CLUSTER_NODES=${cluster.nodes}`);
  console.log('redis cluster up; Ctrl-C stops it');
  const shutdown = async () => {
    await cluster.stop();
    process.exit(0);
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}
