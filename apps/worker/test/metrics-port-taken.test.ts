import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type Server } from 'node:net';
import { Redis } from 'ioredis';
import pino from 'pino';
import { LISTEN_ADDRESS, loadConfig } from '@hookfleet/core';
import { freePort, startRedisServer } from '../../../scripts/redis-server.mjs';
import { waitFor } from '../../../test/wait.js';
import { startWorker } from '../src/worker.js';

// A start whose metrics port is taken rejects, and closes what it opened before (its BullMQ workers included): a
// caller that goes on (a test runner, an embedding process) is not left with connections (apps/worker/src/worker.ts).
describe('a worker start whose metrics port is taken', () => {
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
      METRICS_PORT: String(port),
      HOOKFLEET_QUEUE_PREFIX: 'tmetricsport',
      LOG_LEVEL: 'silent',
    });
    const starting = startWorker(config, pino({ level: 'silent' }));
    await expect(starting).rejects.toMatchObject({ code: 'EADDRINUSE' });
    await waitFor(async () => (await othersConnected()) === 0, { timeoutMs: 5000, message: "the failed start's Redis connections closed" });
  });
});
