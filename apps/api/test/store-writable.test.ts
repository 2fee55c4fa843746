import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { connectRedis, type Redis } from '@hookfleet/store';
import { startRedisServer } from '../../../scripts/redis-server.mjs';
import { startFleet, type TestFleet } from '../../../test/fleet.js';

/**
 * `hookfleet_store_writable` (docs/contract.md, "Metrics") is 1 while the last write the process tried was taken: once
 * Redis takes writes again, the API's next accepted event says so, not only its next /readyz probe (a fleet scraped by
 * Prometheus without probes kept reporting 0, and an alert on it firing, after the outage was over).
 */
describe("the API's store-writable gauge", () => {
  let redisServer: Awaited<ReturnType<typeof startRedisServer>>;
  let admin: Redis;
  let fleet: TestFleet;
  let tenant: { id: string };

  const gauge = async () => Number(/^hookfleet_store_writable (\S+)$/m.exec(await (await fetch(`${fleet.api.url}/metrics`)).text())?.[1]);
  const publish = (path: '/v1/events' | '/v1/events/batch', id: string) => {
    const event = { tenant: tenant.id, profile: 'standard', type: 'writable.tick', id, data: {} };
    return fleet.call('POST', path, path === '/v1/events' ? event : { events: [event] });
  };

  beforeAll(async () => {
    redisServer = await startRedisServer();
    admin = connectRedis(redisServer.url);
    // Its own single Redis, whose memory it limits, also in the cluster suite.
    fleet = await startFleet({ REDIS_URL: redisServer.url, REDIS_CLUSTER_NODES: '' }, { workers: 0 });
    tenant = await fleet.createTenant('writable');
  });
  afterAll(async () => {
    await admin.config('SET', 'maxmemory', '0');
    await fleet.stop();
    admin.disconnect();
    await redisServer.stop();
  });

  it.each(['/v1/events', '/v1/events/batch'] as const)('goes back to 1 with the first event %s accepts after a refusal', async (path) => {
    await admin.config('SET', 'maxmemory-policy', 'noeviction');
    await admin.config('SET', 'maxmemory', '1');
    expect((await publish(path, `refused-${path.length}`)).status).toBe(503);
    expect(await gauge()).toBe(0);
    await admin.config('SET', 'maxmemory', '0');
    expect((await publish(path, `taken-${path.length}`)).status).toBe(202);
    expect(await gauge()).toBe(1);
    // A duplicate is a write taken too (the accept script's SET NX GET).
    await admin.config('SET', 'maxmemory', '1');
    expect((await publish(path, `taken-${path.length}`)).status).toBe(503);
    expect(await gauge()).toBe(0);
    await admin.config('SET', 'maxmemory', '0');
    expect((await publish(path, `taken-${path.length}`)).status).toBe(200 + (path === '/v1/events' ? 0 : 2));
    expect(await gauge()).toBe(1);
  });
});
