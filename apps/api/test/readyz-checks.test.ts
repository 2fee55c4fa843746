import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { connectRedis, type Redis } from '@hookfleet/store';
import { startRedisServer } from '../../../scripts/redis-server.mjs';
import { startFleet, type TestFleet } from '../../../test/fleet.js';
import { waitFor } from '../../../test/wait.js';

type RedisServer = Awaited<ReturnType<typeof startRedisServer>>;

interface ReadyAnswer {
  status: number;
  body: { ok: boolean; redis: boolean; writable: boolean; queues: Record<string, boolean> };
}

/**
 * `/readyz` of the API and of the worker (docs/contract.md) answers which of its checks failed, not a bare
 * `{"ok":false}`: Redis refusing writes and Redis gone are told apart, on a private Redis stopped mid-test.
 */
describe('/readyz names the check that failed', () => {
  let redis: RedisServer;
  let admin: Redis;
  let fleet: TestFleet;

  const readyz = async (base: string): Promise<ReadyAnswer> => {
    const response = await fetch(`${base}/readyz`, { signal: AbortSignal.timeout(5_000) });
    expect(response.headers.get('content-type')).toContain('application/json');
    return { status: response.status, body: (await response.json()) as ReadyAnswer['body'] };
  };
  const both = async () => Promise.all([readyz(fleet.api.url), readyz(`http://127.0.0.1:${fleet.workers[0]!.metricsPort}`)]);
  /** Every queue of the fleet (one partition: deliveries and retries unsuffixed), each with the same state. */
  const everyQueue = (answer: ReadyAnswer, state: boolean) => {
    expect(Object.keys(answer.body.queues).sort()).toEqual(['deliveries', 'events', 'operations', 'retries']);
    expect(new Set(Object.values(answer.body.queues))).toEqual(new Set([state]));
  };

  beforeAll(async () => {
    redis = await startRedisServer();
    admin = connectRedis(redis.url);
    admin.on('error', () => undefined);
    // Its own single Redis, which it limits and stops, also in the cluster suite.
    fleet = await startFleet({ REDIS_URL: redis.url, REDIS_CLUSTER_NODES: '' });
  });

  afterAll(async () => {
    await fleet?.stop();
    admin?.disconnect();
    await redis?.stop();
  });

  it('answers every check on the API and the worker, then the one that failed, 503 while not ready', async () => {
    for (const answer of await both()) {
      expect(answer).toMatchObject({ status: 200, body: { ok: true, redis: true, writable: true } });
      everyQueue(answer, true);
    }

    // Redis at maxmemory under noeviction answers a PING and counts, and refuses the probe's write.
    await admin.config('SET', 'maxmemory-policy', 'noeviction');
    await admin.config('SET', 'maxmemory', '1');
    for (const answer of await both()) {
      expect(answer).toMatchObject({ status: 503, body: { ok: false, redis: true, writable: false } });
      everyQueue(answer, true);
    }
    await admin.config('SET', 'maxmemory', '0');

    // Redis gone: nothing answers, each check says so.
    await redis.stop();
    for (const answer of await both()) {
      expect(answer).toMatchObject({ status: 503, body: { ok: false, redis: false, writable: false } });
      everyQueue(answer, false);
    }

    // Back on the same port: every process reconnects by itself and is ready again.
    redis = await startRedisServer({ port: redis.port });
    await waitFor(async () => (await both()).every((answer) => answer.status === 200), { timeoutMs: 20_000, message: 'API and worker ready again' });
    for (const answer of await both()) {
      expect(answer).toMatchObject({ status: 200, body: { ok: true, redis: true, writable: true } });
      everyQueue(answer, true);
    }
  });
});
