import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { clusterQueuePrefix } from '@hookfleet/core';
import { startRedisServer } from '../../../scripts/redis-server.mjs';
import { startRedisCluster } from '../../../scripts/redis-cluster.mjs';
import { startFleet, type TestFleet } from '../../../test/fleet.js';
import { waitFor } from '../../../test/wait.js';
import { askNode, killMaster, type RedisCluster, type RedisServer } from '../../../test/cluster-nodes.js';

/**
 * `hookfleet_store_reachable` (docs/contract.md, "Metrics"): without it, a process that cannot reach Redis showed
 * nothing on /metrics (the API answers 503, the queue gauges just stop changing). On a private redis-server this test
 * kills and starts again, the API and a worker each say 0 while it is gone and 1 once they reconnect, with no
 * readiness probe needed to bring it back.
 */
describe('the store-reachable gauge of the API and of a worker', () => {
  let redisServer: Awaited<ReturnType<typeof startRedisServer>>;
  let redisRunning = false;
  let fleet: TestFleet;

  const metricsUrls = () => [`${fleet.api.url}/metrics`, `http://127.0.0.1:${fleet.workers[0]!.metricsPort}/metrics`];
  const gauges = async () =>
    Promise.all(metricsUrls().map(async (url) => Number(/^hookfleet_store_reachable (\S+)$/m.exec(await (await fetch(url)).text())?.[1])));

  beforeAll(async () => {
    redisServer = await startRedisServer();
    redisRunning = true;
    // Its own single Redis, which it stops, also in the cluster suite.
    fleet = await startFleet({ REDIS_URL: redisServer.url, REDIS_CLUSTER_NODES: '' });
  });

  afterAll(async () => {
    if (!redisRunning) redisServer = await startRedisServer({ port: redisServer.port });
    await fleet?.stop();
    await redisServer.stop();
  });

  it('is 1 while Redis answers, 0 on both while it is gone (and /readyz 503), and 1 again once it is back', async () => {
    const readiness = [`${fleet.api.url}/readyz`, `http://127.0.0.1:${fleet.workers[0]!.metricsPort}/readyz`];
    // A fleet that has settled: every connection up (a Redis killed while a worker still opens its own is another test).
    for (const url of readiness) await waitFor(async () => (await fetch(url)).status === 200, { message: `${url} ready` });
    expect(await gauges()).toEqual([1, 1]);
    await redisServer.kill();
    redisRunning = false;
    await waitFor(async () => (await gauges()).every((value) => value === 0), { message: 'both report Redis out of reach' });
    for (const url of readiness) expect((await fetch(url)).status).toBe(503);
    // Still out of reach after the probes: their PINGs wait for a Redis that is not there.
    expect(await gauges()).toEqual([0, 0]);
    redisServer = await startRedisServer({ port: redisServer.port });
    redisRunning = true;
    await waitFor(async () => (await gauges()).every((value) => value === 1), { message: 'both reach Redis again' });
    for (const url of readiness) await waitFor(async () => (await fetch(url)).status === 200, { message: `${url} ready again` });
  });
});

/** The port of the master that serves a slot, as a node's CLUSTER SLOTS says. */
async function masterOfSlot(port: number, slot: number): Promise<number> {
  const ranges = await askNode(port, (node) => node.cluster('SLOTS'));
  const range = ranges.find(([first, last]) => first <= slot && slot <= last);
  if (!range) throw new Error(`no master serves slot ${slot}`);
  return range[2]![1];
}

/**
 * On a Redis Cluster with one master of three killed (no replica to take over), the processes' cluster connections
 * stay up and a PING finds a node that answers, while a third of the slots refuse every command: the gauge says 0
 * from the first /readyz probe that finds the master gone, and 1 from the first that finds it back. A private cluster,
 * so it runs whichever Redis the suite was given; the probes here stand for the kubelet's. The other masters keep
 * serving their slots (cluster-require-full-coverage no) and the one killed is not the queues' (one hash tag, one
 * slot): only a third of the keyspace is away, and the BullMQ workers are not left retrying when the fleet stops.
 */
describe('the store-reachable gauge of the API and of a worker on a Redis Cluster with a master down', () => {
  let cluster: RedisCluster;
  /** While a master is killed: starts it again. */
  let restartKilled: (() => Promise<RedisServer>) | undefined;
  let restarted: RedisServer | undefined;
  let fleet: TestFleet;
  const clusterWhole = async () => (await cluster.masterPorts()).length === 3;

  const readiness = () => [`${fleet.api.url}/readyz`, `http://127.0.0.1:${fleet.workers[0]!.metricsPort}/readyz`];
  /** The /readyz answers of both: a probe, as the kubelet makes every few seconds. */
  const probe = async () => Promise.all(readiness().map(async (url) => (await fetch(url)).status));
  const gauges = async () =>
    Promise.all(
      [`${fleet.api.url}/metrics`, `http://127.0.0.1:${fleet.workers[0]!.metricsPort}/metrics`].map(async (url) =>
        Number(/^hookfleet_store_reachable (\S+)$/m.exec(await (await fetch(url)).text())?.[1]),
      ),
    );
  /** Probes both, then reads their gauges. */
  const probedGauges = async () => {
    await probe();
    return gauges();
  };

  beforeAll(async () => {
    cluster = await startRedisCluster({ masters: 3 });
    await Promise.all(cluster.ports.map((port) => askNode(port, (node) => node.config('SET', 'cluster-require-full-coverage', 'no'))));
    fleet = await startFleet({ REDIS_URL: `redis://127.0.0.1:${cluster.ports[0]}`, REDIS_CLUSTER_NODES: cluster.nodes });
  }, 120_000);

  afterAll(async () => {
    try {
      // A test that failed with the master down: the fleet's commands wait for it, so it comes back before they stop.
      if (restartKilled) {
        restarted = await restartKilled();
        await waitFor(clusterWhole, { intervalMs: 200, timeoutMs: 60_000, message: 'the cluster whole again' });
      }
      await fleet?.stop();
    } finally {
      await restarted?.stop();
      await cluster?.stop();
    }
  }, 120_000);

  it('is 1 while every master answers, 0 on both while one is gone, and 1 again once it is back', async () => {
    await waitFor(async () => (await probe()).every((status) => status === 200), { message: 'both ready' });
    await waitFor(async () => (await gauges()).every((value) => value === 1), { message: 'both reach every master' });
    const queueSlot = (await askNode(cluster.ports[0]!, (node) => node.cluster('KEYSLOT', clusterQueuePrefix(fleet.config.prefix)))) as number;
    const queuesMaster = await masterOfSlot(cluster.ports[0]!, queueSlot);
    const victim = (await cluster.masterPorts()).find((port) => port !== queuesMaster)!;
    restartKilled = await killMaster(cluster, victim, ['--cluster-require-full-coverage', 'no']);
    await waitFor(async () => (await probedGauges()).every((value) => value === 0), { intervalMs: 200, message: 'both report a master out of reach' });
    restarted = await restartKilled();
    restartKilled = undefined;
    await waitFor(async () => (await probedGauges()).every((value) => value === 1), {
      intervalMs: 200,
      timeoutMs: 60_000,
      message: 'both reach every master again',
    });
    // The cluster whole again (every node sees every master up): the fleet's keys can be cleaned up.
    await waitFor(clusterWhole, { intervalMs: 200, timeoutMs: 60_000, message: 'the cluster whole again' });
    await waitFor(async () => (await probe()).every((status) => status === 200), { timeoutMs: 60_000, message: 'both ready again' });
  }, 180_000);
});
