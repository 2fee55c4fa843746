import { afterEach, describe, expect, it } from '@jest/globals';
import { loadConfig } from '@hookfleet/core';
import { freePort, startRedisServer } from '../../../scripts/redis-server.mjs';
import { waitFor } from '../../../test/wait.js';
import { spawnApi, type ApiProcess } from '../../../test/api-process.js';
import { ADMIN_TOKEN } from '../../../test/fleet.js';

const LISTENING_LINE = /^listening on http:\/\/127\.0\.0\.1:(\d+)$[\s\S]*^bound to 0\.0\.0\.0: every IPv4 interface$/m;
const NO_REDIS = 'redis://127.0.0.1:1';

/** How a start that should not happen ended: spawnBuiltProcess's `api exited (<code>): <everything it wrote>`. */
async function refusedStart(env: Record<string, string>): Promise<string> {
  return spawnApi(loadConfig({ REDIS_URL: NO_REDIS, REDIS_CLUSTER_NODES: '' }), env).then(
    async (api) => {
      await api.kill();
      return 'it started';
    },
    (error: Error) => error.message,
  );
}

describe('the API process at start', () => {
  const cleanups: Array<() => Promise<unknown>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it.each([
    ['PORT', '-1'],
    ['DELIVERY_CONCURRENCY', 'abc'],
    ['HOOKFLEET_PUBLIC_URL', 'hooks.example.com'],
    ['HOOKFLEET_ADMIN_UI_ALLOW_RETRIES', 'sometimes'],
    ['REDIS_URL', 'localhost:6379'],
  ])('a bad %s (%s) ends it with one line naming the variable and exit code 1', async (variable, value) => {
    expect(await refusedStart({ [variable]: value })).toMatch(new RegExp(`^api exited \\(1\\): hookfleet api: invalid environment: ${variable}: [^\\n]+\\n$`));
  });

  it('without HOOKFLEET_ADMIN_TOKEN it says in one line how to make one and where it goes', async () => {
    const failure = await refusedStart({ HOOKFLEET_ADMIN_TOKEN: '' });
    expect(failure).toMatch(/^api exited \(1\): hookfleet api: HOOKFLEET_ADMIN_TOKEN is required[^\n]+\n$/);
    expect(failure).toContain('openssl rand -base64 24');
    expect(failure).toContain("every API process's environment");
  });

  it.each([
    ['unset', {}, { readOnlyMode: true, allowRetries: false }],
    ['YES', { HOOKFLEET_ADMIN_UI_ALLOW_RETRIES: 'YES' }, { readOnlyMode: false, allowRetries: true }],
  ])(
    'says where it is bound, answers on every interface, and HOOKFLEET_ADMIN_UI_ALLOW_RETRIES %s reaches the queue admin UI',
    async (_value, env: Record<string, string>, board) => {
      const redis = await startRedisServer();
      cleanups.push(() => redis.stop());
      const api: ApiProcess = await spawnApi(loadConfig({ REDIS_URL: redis.url, REDIS_CLUSTER_NODES: '', HOOKFLEET_QUEUE_PREFIX: 'tapistart' }), env);
      cleanups.push(() => api.stop());
      await waitFor(() => LISTENING_LINE.test(api.output()), { message: 'the listening and bound lines' });
      // All of 127.0.0.0/8 is this machine's loopback; a server bound to 127.0.0.1 alone would refuse 127.0.0.2.
      const answer = await fetch(`http://127.0.0.2:${api.port}/admin/queues/api/queues`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
      expect(answer.status).toBe(200);
      const { queues } = (await answer.json()) as { queues: Array<{ readOnlyMode: boolean; allowRetries: boolean }> };
      expect(queues.length).toBeGreaterThan(0);
      for (const queue of queues) expect(queue).toMatchObject(board);
    },
  );

  // The API never waits for Redis: it listens at once and answers 503 until Redis answers (docs/operations.md),
  // whether Redis is one server or a cluster.
  it.each([
    ['a single Redis', (port: number) => ({ REDIS_URL: `redis://127.0.0.1:${port}` })],
    ['a Redis Cluster', (port: number) => ({ REDIS_CLUSTER_NODES: `127.0.0.1:${port}` })],
  ])('started before %s it listens and is not ready', async (_kind, redisAt) => {
    const api = await spawnApi(loadConfig({ ...redisAt(await freePort()), HOOKFLEET_QUEUE_PREFIX: 'tapistart' }));
    cleanups.push(() => api.stop());
    const readiness = await fetch(`${api.url}/readyz`);
    expect(readiness.status).toBe(503);
    expect(await readiness.json()).toMatchObject({ ok: false, redis: false });
    expect(api.child.exitCode).toBeNull();
  });
});
