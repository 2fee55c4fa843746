import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type Server } from 'node:net';
import { Redis } from 'ioredis';
import pino from 'pino';
import { LISTEN_ADDRESS, loadConfig } from '@hookfleet/core';
import { freePort, startRedisServer } from '../scripts/redis-server.mjs';
import { waitFor } from './wait.js';
import { ADMIN_TOKEN } from './fleet.js';
import { startApi } from '../apps/api/src/server.js';
import { startWorker } from '../apps/worker/src/worker.js';

// A start whose port is taken rejects with the listen error and closes what it opened before (Redis connections,
// queues, timers, the worker's running BullMQ workers), so that a caller that goes on (a test runner, an embedding
// process) is not left with them: apps/api/src/server.ts and apps/worker/src/worker.ts.
describe('a start whose port is taken', () => {
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

  const configWith = (env: Record<string, string>) =>
    loadConfig({ REDIS_URL: redis.url, REDIS_CLUSTER_NODES: '', HOOKFLEET_ADMIN_TOKEN: ADMIN_TOKEN, LOG_LEVEL: 'silent', ...env });

  it.each([
    ['the API (PORT)', () => startApi(configWith({ PORT: String(port), HOOKFLEET_QUEUE_PREFIX: 'tportapi' }), pino({ level: 'silent' }))],
    ['a worker (METRICS_PORT)', () => startWorker(configWith({ METRICS_PORT: String(port), HOOKFLEET_QUEUE_PREFIX: 'tportworker' }), pino({ level: 'silent' }))],
  ])('%s: rejects with the listen error and leaves no connection of its own open', async (_process, start: () => Promise<unknown>) => {
    await expect(start()).rejects.toMatchObject({ code: 'EADDRINUSE' });
    await waitFor(async () => (await othersConnected()) === 0, { timeoutMs: 5000, message: "the failed start's Redis connections closed" });
  });
});
