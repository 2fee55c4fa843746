import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startRedisServer } from '../../../scripts/redis-server.mjs';
import { startFleet, type TestFleet } from '../../../test/fleet.js';
import { waitFor } from '../../../test/wait.js';

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
