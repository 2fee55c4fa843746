import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { connectRedis, type RedisClient } from '@hookfleet/store';
import { ADMIN_TOKEN, startFleet, type TestFleet } from '../../../test/fleet.js';
import { scanKeys } from '../../../test/redis.js';

/** Every key under the fleet's prefix with its whole value as text, as a read-only dump of Redis would hold it. */
async function dump(redis: RedisClient, prefix: string): Promise<Map<string, string>> {
  const values = new Map<string, string>();
  // On a cluster the prefix is a hash tag (`{t1}`), and hookfleet's own keys carry it inside tags of their own (`{t1:subs}`).
  for (const key of await scanKeys(redis, `*${prefix.replace(/[{}]/g, '')}*`)) {
    const type = await redis.type(key);
    const value =
      type === 'string' ? await redis.get(key)
      : type === 'hash' ? await redis.hgetall(key)
      : type === 'list' ? await redis.lrange(key, 0, -1)
      : type === 'set' ? await redis.smembers(key)
      : type === 'zset' ? await redis.zrange(key, 0, -1)
      : type === 'stream' ? await redis.xrange(key, '-', '+')
      : type;
    values.set(key, JSON.stringify(value));
  }
  return values;
}

describe('what a read of Redis reveals (docs/guarantees.md, "Secrets at rest")', () => {
  let fleet: TestFleet;
  let redis: RedisClient;

  beforeAll(async () => {
    fleet = await startFleet({}, { workers: 0 });
    redis = connectRedis({ redisUrl: fleet.config.redisUrl, redisClusterNodes: fleet.config.redisClusterNodes });
  });
  afterAll(async () => {
    redis.disconnect();
    await fleet.stop();
  });

  it('holds no admin token, API key or portal token, and signing secrets only in their subscriptions', async () => {
    const tenant = await fleet.createTenant('at-rest');
    const rotated = await fleet.call('POST', `/v1/tenants/${tenant.id}/api-key/rotate`, { previous_key_expires_in: 3600 });
    expect(rotated.status).toBe(200);
    const key = rotated.body.api_key as string;
    const created = await fleet.call('POST', '/v1/subscriptions', { url: 'https://example.com/at-rest', events: ['a.*'] }, key, { 'idempotency-key': randomUUID() });
    expect(created.status).toBe(201);
    const signed = await fleet.call('POST', '/v1/subscriptions', { url: 'https://example.com/v1a', events: ['a.*'], signature: 'v1a' }, key);
    expect(signed.status).toBe(201);
    const link = await fleet.call('POST', '/v1/portal-sessions', {}, key);
    const portalToken = new URL(link.body.url).hash.replace(/^#token=/, '');
    const signIn = await fetch(`${fleet.api.url}/portal/session`, { method: 'POST', headers: { authorization: `Bearer ${portalToken}`, 'x-hookfleet-portal': '1', 'content-type': 'application/json' }, body: '{}' });
    expect(signIn.status).toBe(200);
    const published = await fleet.call('POST', '/v1/events', { tenant: tenant.id, profile: 'standard', type: 'a.b', data: { marker: 'payload-at-rest' } });
    expect(published.status).toBe(202);

    const values = await dump(redis, fleet.config.prefix);
    const holding = (needle: string) => [...values].filter(([, value]) => value.includes(needle)).map(([name]) => name);
    expect(values.size).toBeGreaterThan(5);
    for (const secret of [ADMIN_TOKEN, tenant.api_key, key, portalToken, portalToken.slice(portalToken.lastIndexOf('.') + 1)]) expect(holding(secret)).toEqual([]);
    // The signing secret is where the worker reads it, and nowhere else: not in the sealed idempotent answer, not in a job.
    expect(holding(created.body.secret as string)).toEqual([expect.stringMatching(new RegExp(`:doc:${created.body.id}$`))]);
    expect(holding('whsk_')).toEqual([expect.stringMatching(/signing-keys$/)]);
    // An event's data is in its payload record, not in the queue job that carries its id (what /admin/queues shows).
    expect(holding('payload-at-rest')).toEqual([expect.stringMatching(new RegExp(`${published.body.id}\\}:payload$`))]);
  });
});
