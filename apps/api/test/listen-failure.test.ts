import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type Server } from 'node:net';
import { Redis } from 'ioredis';
import pino from 'pino';
import { LISTEN_ADDRESS, loadConfig } from '@hookfleet/core';
import { freePort, startRedisServer } from '../../../scripts/redis-server.mjs';
import { waitFor } from '../../../test/wait.js';
import { ADMIN_TOKEN } from '../../../test/fleet.js';
import { startApi } from '../src/server.js';

// A start whose listen fails (its port taken) rejects, and closes what it opened before: a caller that goes on (a
// test runner, a process embedding the API) is not left with Redis connections and timers (apps/api/src/server.ts).
describe('an API start whose port is taken', () => {
  let redis: Awaited<ReturnType<typeof startRedisServer>>;
  let observer: Redis;
  let squatter: Server;
  let port: number;

  beforeAll(async () => {
    redis = await startRedisServer();
    observer = new Redis(redis.url);
    port = await freePort();
    squatter = createServer();
    await new Promise<void>((resolve) => squatter.listen(port, LISTEN_ADDRESS, resolve));
  });

  afterAll(async () => {
    await new Promise((resolve) => squatter.close(resolve));
    observer.disconnect();
    await redis.stop();
  });

  /** Clients connected to this test's Redis other than the observer. */
  const othersConnected = async (): Promise<number> => {
    const own = `id=${String(await observer.client('ID'))} `;
    const list = (await observer.client('LIST')) as string;
    return list.split('\n').filter((line) => line.includes('addr=') && !line.startsWith(own)).length;
  };

  it('rejects with the listen error and leaves no connection of its own open', async () => {
    const config = loadConfig({
      REDIS_URL: redis.url,
      REDIS_CLUSTER_NODES: '',
      PORT: String(port),
      METRICS_PORT: '0',
      HOOKFLEET_ADMIN_TOKEN: ADMIN_TOKEN,
      HOOKFLEET_QUEUE_PREFIX: 'tlistenfail',
      LOG_LEVEL: 'silent',
    });
    // The API connects to Redis before it listens: its connections are seen while the start is under way.
    const starting = startApi(config, pino({ level: 'silent' }));
    await expect(starting).rejects.toMatchObject({ code: 'EADDRINUSE' });
    await waitFor(async () => (await othersConnected()) === 0, { timeoutMs: 5000, message: "the failed start's Redis connections closed" });
  });
});
