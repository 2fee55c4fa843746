// A POST that timed out may or may not have been carried out; a client that sends it again must not make a second
// subscription (every event then delivered twice to the endpoint), a second tenant, a second replay. With an
// `Idempotency-Key` the second request gets the first one's answer (docs/api.md, "Errors and limits").
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { connectRedis, IdempotencyStore, Keys } from '@hookfleet/store';
import { scanKeys } from '../../../test/redis.js';
import { startFleet, type TestFleet } from '../../../test/fleet.js';

describe('POSTs with an Idempotency-Key', () => {
  let fleet: TestFleet;
  let tenant: { id: string; api_key: string };

  beforeAll(async () => {
    fleet = await startFleet({ WORKER_ROLES: 'matcher' });
    tenant = await fleet.createTenant('idempotent');
  });
  afterAll(() => fleet.stop());

  const subscription = (path: string) => ({ url: `https://example.com/${path}`, events: ['invoice.*'] });
  const withKey = (key: string) => ({ 'idempotency-key': key });
  const listed = async () => (await fleet.call('GET', '/v1/subscriptions', undefined, tenant.api_key)).body.data as Array<{ id: string; url: string }>;

  it('answers the same request sent again with the first answer, and creates nothing more', async () => {
    const key = randomUUID();
    const first = await fleet.call('POST', '/v1/subscriptions', subscription('again'), tenant.api_key, withKey(key));
    expect(first.status).toBe(201);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    const again = await fleet.call('POST', '/v1/subscriptions', subscription('again'), tenant.api_key, withKey(key));
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    // Before: a second subscription to the same endpoint.
    expect((await listed()).filter((entry) => entry.url.endsWith('/again'))).toHaveLength(1);
    // Without a key, a POST is a new request every time.
    expect((await fleet.call('POST', '/v1/subscriptions', subscription('again'), tenant.api_key)).status).toBe(201);
    expect((await listed()).filter((entry) => entry.url.endsWith('/again'))).toHaveLength(2);
  });

  it('refuses the key with another request (422) and keeps nothing of a request that failed', async () => {
    const key = randomUUID();
    expect((await fleet.call('POST', '/v1/subscriptions', subscription('one'), tenant.api_key, withKey(key))).status).toBe(201);
    const other = await fleet.call('POST', '/v1/subscriptions', subscription('two'), tenant.api_key, withKey(key));
    expect(other.status).toBe(422);
    expect(other.body.code).toBe('unprocessable');
    expect((await listed()).some((entry) => entry.url.endsWith('/two'))).toBe(false);

    const retried = randomUUID();
    const invalid = await fleet.call('POST', '/v1/subscriptions', { url: 'not a url', events: ['invoice.*'] }, tenant.api_key, withKey(retried));
    expect(invalid.status).toBe(400);
    const fixed = await fleet.call('POST', '/v1/subscriptions', subscription('fixed'), tenant.api_key, withKey(retried));
    expect(fixed.status).toBe(201);
    expect(fixed.headers.get('idempotent-replayed')).toBeNull();
  });

  it('answers 409 while the first request with the key is still running', async () => {
    const key = randomUUID();
    const body = subscription('running');
    const redis = connectRedis(fleet.config);
    const store = new IdempotencyStore(redis, new Keys(fleet.config.prefix));
    // The request as the route describes it to the store: its method, path and body.
    const started = await store.start('tenant:' + tenant.id, key, `POST /v1/subscriptions\n${JSON.stringify(body)}`);
    expect(started.state).toBe('started');
    const meanwhile = await fleet.call('POST', '/v1/subscriptions', body, tenant.api_key, withKey(key));
    expect(meanwhile.status).toBe(409);
    expect(meanwhile.body.code).toBe('conflict');
    expect(meanwhile.headers.get('retry-after')).toBe('1');
    if (started.state === 'started') await store.abandon(started.claim);
    redis.disconnect();
    expect((await fleet.call('POST', '/v1/subscriptions', body, tenant.api_key, withKey(key))).status).toBe(201);
  });

  it("keeps each caller's keys apart", async () => {
    const other = await fleet.createTenant('idempotent-other');
    const key = randomUUID();
    const mine = await fleet.call('POST', '/v1/subscriptions', subscription('apart'), tenant.api_key, withKey(key));
    const theirs = await fleet.call('POST', '/v1/subscriptions', subscription('apart'), other.api_key, withKey(key));
    expect(theirs.status).toBe(201);
    expect(theirs.headers.get('idempotent-replayed')).toBeNull();
    expect(theirs.body.id).not.toBe(mine.body.id);
  });

  it("keeps two portal users' keys apart within one tenant", async () => {
    const portal = { 'x-hookfleet-portal': '1' };
    const sessionOf = async (user: string) => {
      const link = await fleet.call('POST', '/v1/portal-sessions', { created_by: user }, tenant.api_key);
      return new URL(link.body.url as string).hash.replace(/^#token=/, '');
    };
    const [alice, bob] = [await sessionOf('alice'), await sessionOf('bob')];
    const key = 'predictable-key-1';
    const hers = await fleet.call('POST', '/v1/subscriptions', subscription('portal-users'), alice, { ...portal, ...withKey(key) });
    expect(hers.status).toBe(201);
    const his = await fleet.call('POST', '/v1/subscriptions', subscription('portal-users'), bob, { ...portal, ...withKey(key) });
    // Before: bob got alice's answer (her subscription, created_by alice), marked replayed.
    expect(his.status).toBe(201);
    expect(his.headers.get('idempotent-replayed')).toBeNull();
    expect(his.body).toMatchObject({ created_by: 'bob' });
    expect(his.body.id).not.toBe(hers.body.id);
  });

  it("gives a tenant's new API key again to the same request, yet keeps it unreadable at rest", async () => {
    const key = randomUUID();
    const first = await fleet.call('POST', '/v1/tenants', { name: 'made-once' }, undefined, withKey(key));
    expect(first.status).toBe(201);
    const again = await fleet.call('POST', '/v1/tenants', { name: 'made-once' }, undefined, withKey(key));
    expect(again.body).toEqual(first.body);
    expect((await fleet.call('GET', '/v1/subscriptions', undefined, again.body.api_key)).status).toBe(200);
    const tenants = (await fleet.call('GET', '/v1/tenants?limit=500')).body.data as Array<{ name: string }>;
    expect(tenants.filter((entry) => entry.name === 'made-once')).toHaveLength(1);
    // The kept answer is sealed with a key derived from the Idempotency-Key: neither the API key nor the
    // Idempotency-Key can be read from Redis.
    const redis = connectRedis(fleet.config);
    const keys = new Keys(fleet.config.prefix);
    const stored = await Promise.all((await scanKeys(redis, `${keys.idempotency('*')}`)).map((name) => redis.get(name)));
    redis.disconnect();
    expect(stored.length).toBeGreaterThan(0);
    for (const value of stored) {
      expect(value).not.toContain(first.body.api_key);
      expect(value).not.toContain(key);
    }
  });

  it('refuses a malformed key with its path, and leaves publishing to event ids', async () => {
    const tooLong = await fleet.call('POST', '/v1/subscriptions', subscription('long'), tenant.api_key, withKey('x'.repeat(256)));
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.issues).toEqual([{ path: 'headers.idempotency-key', message: expect.any(String) }]);
    const document = (await fleet.call('GET', '/openapi.json')).body;
    const names = (operation: { parameters?: Array<{ name: string }> }) => (operation.parameters ?? []).map((parameter) => parameter.name);
    expect(names(document.paths['/v1/subscriptions'].post)).toContain('Idempotency-Key');
    expect(names(document.paths['/v1/events'].post)).not.toContain('Idempotency-Key');
    expect(names(document.paths['/v1/subscriptions'].get)).not.toContain('Idempotency-Key');
  });
});
