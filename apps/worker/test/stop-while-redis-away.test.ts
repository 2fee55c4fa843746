import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { loadConfig } from '@hookfleet/core';
import { startRedisServer } from '../../../scripts/redis-server.mjs';
import { spawnWorker, type WorkerProcess } from '../../../test/worker-process.js';

/**
 * A worker told to stop while Redis is away (a rolling restart during an outage) still exits: its Redis connections
 * cannot close cleanly, so they are cut after a grace. Before, the stop waited for Redis to come back, for ever.
 */
describe('a worker stopped while Redis is away', () => {
  let redis: Awaited<ReturnType<typeof startRedisServer>> | undefined;
  let worker: WorkerProcess | undefined;

  beforeAll(async () => {
    redis = await startRedisServer();
    // Its own single Redis, which the test stops, also in the cluster suite.
    const config = loadConfig({ REDIS_URL: redis.url, REDIS_CLUSTER_NODES: '', HOOKFLEET_QUEUE_PREFIX: 'tstopaway', HOOKFLEET_ALLOW_PRIVATE_TARGETS: 'true' });
    worker = await spawnWorker(config);
  });
  afterAll(async () => {
    if (worker && worker.child.exitCode === null && worker.child.signalCode === null) await worker.kill();
    await redis?.stop().catch(() => undefined);
  });

  it('exits on SIGTERM within its graces', async () => {
    await redis!.stop();
    let timer: NodeJS.Timeout | undefined;
    const outcome = await Promise.race([
      worker!.stop().then(() => 'exited'),
      new Promise((resolve) => (timer = setTimeout(() => resolve('still running after 40 s'), 40_000))),
    ]);
    clearTimeout(timer);
    expect(outcome).toBe('exited');
    // Whether a connection still had to be cut (and was logged so) depends on what it held when Redis went: ioredis
    // ends an idle one at once. Either way the worker must exit, cleanly.
    expect(worker!.child.exitCode).toBe(0);
  }, 60_000);
});
