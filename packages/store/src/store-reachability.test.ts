import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startRedisServer } from '../../../scripts/redis-server.mjs';
import { startRedisCluster } from '../../../scripts/redis-cluster.mjs';
import { waitFor } from '../../../test/wait.js';
import { askNode, killMaster, type RedisCluster, type RedisServer } from '../../../test/cluster-nodes.js';
import { execFileSync } from 'node:child_process';
import { Redis, type Cluster } from 'ioredis';
import { connectRedis, isCluster } from './redis.js';
import { StoreReachability } from './store-reachability.js';

/** How long the PINGs here may wait for an answer before the store counts as out of reach (the probe's is 1 s). */
const ANSWER_WITHIN_MS = 200;

/**
 * StoreReachability (store-reachability.ts), which `hookfleet_store_reachable` reads at each scrape, on a private
 * redis-server this test stops, restarts and pauses: the shared one is never touched.
 */
describe('whether a process reaches Redis', () => {
  let server: Awaited<ReturnType<typeof startRedisServer>>;
  let redis: Redis;
  let admin: Redis;
  /** While this test's redis-server is stopped (SIGSTOP): its pid, so afterAll lets it run again whatever failed. */
  let stoppedPid: number | undefined;

  beforeAll(async () => {
    server = await startRedisServer();
    redis = connectRedis(server.url, { maxRetriesPerRequest: null, retryStrategy: () => 50 });
    admin = connectRedis(server.url, { retryStrategy: () => 50 });
    for (const client of [redis, admin]) client.on('error', () => undefined);
    await Promise.all([redis.ping(), admin.ping()]);
  });

  afterAll(async () => {
    if (stoppedPid !== undefined) process.kill(stoppedPid, 'SIGCONT');
    redis.disconnect();
    admin.disconnect();
    await server.stop();
  });

  it('is reached while the connection is up, not while Redis is gone, and again once it is back', async () => {
    const reachability = new StoreReachability(redis, ANSWER_WITHIN_MS);
    expect(reachability.isReachable()).toBe(true);
    expect(await reachability.ping()).toBe('PONG');
    await server.kill();
    await waitFor(() => !reachability.isReachable(), { message: 'unreachable once Redis is gone' });
    server = await startRedisServer({ port: server.port });
    await waitFor(() => reachability.isReachable(), { message: 'reachable once Redis is back, without a probe' });
  });

  // A Redis that hangs (or a network that drops packets) leaves the connection up: only an unanswered PING shows it.
  it('is not reached while the last PING waits past its time, and is again when the late answer comes', async () => {
    const reachability = new StoreReachability(redis, ANSWER_WITHIN_MS);
    await admin.call('CLIENT', 'PAUSE', String(ANSWER_WITHIN_MS * 8), 'ALL');
    const ping = reachability.ping();
    expect(reachability.isReachable()).toBe(true);
    await waitFor(() => !reachability.isReachable(), { message: 'unreachable once the PING is overdue' });
    expect(redis.status).toBe('ready');
    expect(await ping).toBe('PONG');
    expect(reachability.isReachable()).toBe(true);
  });

  // A probe's fresh PING used to say 1 for its whole wait, probe after probe, while the one before was never answered.
  it('stays out of reach while Redis hangs, probe after probe, until a PING is answered', async () => {
    const reachability = new StoreReachability(redis, ANSWER_WITHIN_MS);
    expect(await reachability.ping()).toBe('PONG');
    const pid = server.process.pid!;
    stoppedPid = pid;
    process.kill(pid, 'SIGSTOP');
    await waitFor(() => execFileSync('ps', ['-o', 'stat=', '-p', String(pid)], { encoding: 'utf8' }).trim().startsWith('T'), {
      message: 'redis-server stopped',
    });
    // Each probe's answer, read at the end (an error too, so a failed test leaves no rejection unheard).
    const probe = () => reachability.ping().catch((error: unknown) => String(error));
    const answers = [probe()];
    await waitFor(() => !reachability.isReachable(), { message: 'unreachable once the PING is overdue' });
    for (let more = 0; more < 3; more += 1) {
      answers.push(probe());
      expect(reachability.isReachable()).toBe(false);
      expect(reachability.isReachable(performance.now() + ANSWER_WITHIN_MS / 2)).toBe(false);
    }
    expect(redis.status).toBe('ready');
    process.kill(pid, 'SIGCONT');
    stoppedPid = undefined;
    // No other probe: the PING they all wait for is answered, and that shows.
    await waitFor(() => reachability.isReachable(), { message: 'reachable once Redis answers again' });
    expect(await Promise.all(answers)).toEqual(['PONG', 'PONG', 'PONG', 'PONG']);
  });
});

/**
 * On a private 3-master Redis Cluster (never the shared Redis): with one master killed the cluster connection stays
 * `ready` and its PING finds a node that answers, while a third of the slots refuse every command. Each probe here
 * stands for a /readyz call; the cluster is this test's own, so it runs whichever Redis the suite was given.
 */
describe('whether a process reaches every master of a Redis Cluster', () => {
  let cluster: RedisCluster;
  let redis: Cluster;
  const restarted: RedisServer[] = [];
  let pausedPid: number | undefined;

  const probeAndRead = (reachability: StoreReachability) => {
    void reachability.ping().catch(() => undefined);
    return reachability.isReachable();
  };
  const clusterWhole = async () => (await cluster.masterPorts()).length === 3;

  beforeAll(async () => {
    cluster = await startRedisCluster({ masters: 3 });
    const client = connectRedis(
      { redisUrl: `redis://127.0.0.1:${cluster.ports[0]}`, redisClusterNodes: cluster.ports.map((port) => ({ host: '127.0.0.1', port })) },
      // As a worker connects: its commands wait for Redis rather than fail.
      { maxRetriesPerRequest: null },
    );
    if (!isCluster(client)) throw new Error('expected a cluster connection');
    redis = client;
    redis.on('error', () => undefined);
    redis.on('node error', () => undefined);
    await redis.ping();
  }, 120_000);

  afterAll(async () => {
    if (pausedPid !== undefined) process.kill(pausedPid, 'SIGCONT');
    redis?.disconnect();
    for (const server of restarted) await server.stop();
    await cluster?.stop();
  }, 60_000);

  it('is not reached while a master is killed, and is again once it is back', async () => {
    const reachability = new StoreReachability(redis, ANSWER_WITHIN_MS);
    await waitFor(() => probeAndRead(reachability), { message: 'reachable while every master answers' });
    const [victim] = await cluster.masterPorts();
    const restart = await killMaster(cluster, victim!);
    await waitFor(() => !probeAndRead(reachability), { intervalMs: 100, message: 'unreachable once a master is killed' });
    // The cluster connection is still up and its own PING answered: only the masters' PINGs show it.
    expect(redis.status).toBe('ready');
    expect(await redis.ping()).toBe('PONG');
    // A fresh PING to the dead master does not make it reachable while it waits for an answer, probe after probe.
    for (let probes = 0; probes < 5; probes += 1) {
      expect(probeAndRead(reachability)).toBe(false);
      await redis.ping();
    }
    restarted.push(await restart());
    await waitFor(() => probeAndRead(reachability), { intervalMs: 100, timeoutMs: 30_000, message: 'reachable once the master is back' });
    await waitFor(clusterWhole, { intervalMs: 100, timeoutMs: 30_000, message: 'the cluster whole again' });
  });

  it('is not reached while a master hangs, and is again when its late answer comes', async () => {
    const reachability = new StoreReachability(redis, ANSWER_WITHIN_MS);
    await waitFor(() => probeAndRead(reachability), { message: 'reachable while every master answers' });
    const [, victim] = await cluster.masterPorts();
    const pid = Number(/process_id:(\d+)/.exec(await askNode(victim!, (node) => node.info('server')))?.[1]);
    pausedPid = pid;
    process.kill(pid, 'SIGSTOP');
    await waitFor(() => !probeAndRead(reachability), { intervalMs: 100, message: 'unreachable once a master hangs' });
    process.kill(pid, 'SIGCONT');
    pausedPid = undefined;
    // No probe: the PING it was sent is answered late, and that shows.
    await waitFor(() => reachability.isReachable(), { timeoutMs: 30_000, message: 'reachable once the master answers' });
    await waitFor(clusterWhole, { intervalMs: 100, timeoutMs: 30_000, message: 'the cluster whole again' });
  });
});
