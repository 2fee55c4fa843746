import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startRedisServer } from '../../../scripts/redis-server.mjs';
import { waitFor } from '../../../test/wait.js';
import type { Redis } from 'ioredis';
import { connectRedis } from './redis.js';
import { StoreReachability } from './write-health.js';

/** How long the PINGs here may wait for an answer before the store counts as out of reach (the probe's is 1 s). */
const ANSWER_WITHIN_MS = 200;

/**
 * StoreReachability (write-health.ts), which `hookfleet_store_reachable` reads at each scrape, on a private
 * redis-server this test stops, restarts and pauses: the shared one is never touched.
 */
describe('whether a process reaches Redis', () => {
  let server: Awaited<ReturnType<typeof startRedisServer>>;
  let redis: Redis;
  let admin: Redis;

  beforeAll(async () => {
    server = await startRedisServer();
    redis = connectRedis(server.url, { maxRetriesPerRequest: null, retryStrategy: () => 50 });
    admin = connectRedis(server.url, { retryStrategy: () => 50 });
    for (const client of [redis, admin]) client.on('error', () => undefined);
    await Promise.all([redis.ping(), admin.ping()]);
  });

  afterAll(async () => {
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
});
