import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { connectRedis, Keys, SigningKeyStore, TenantStore, type RedisClient } from '@hookfleet/store';
import { deleteKeys, testRedisTarget } from '../../../test/redis.js';
import { SIGNING_KEY_CACHE_MS, SigningKeyCache } from '../src/signing-key-cache.js';

/** The tenant key store on real Redis, and the worker's cache in front of it. */
describe('signing keys in Redis', () => {
  const prefix = `sk${randomBytes(4).toString('hex')}`;
  let redis: RedisClient;
  let store: SigningKeyStore;
  let tenants: TenantStore;
  const newTenant = async () => (await tenants.create('signing')).id;

  beforeAll(() => {
    redis = connectRedis(testRedisTarget());
    store = new SigningKeyStore(redis, new Keys(prefix));
    tenants = new TenantStore(redis, new Keys(prefix));
  });
  afterAll(async () => {
    await deleteKeys(testRedisTarget(), prefix);
    await redis.quit();
  });

  it('makes one first key however many callers ask at once', async () => {
    const tenant = await newTenant();
    const answers = await Promise.all(Array.from({ length: 10 }, () => store.ensure(tenant)));
    const kids = new Set(answers.map((keys) => keys.map((key) => key.kid).join()));
    expect(kids.size).toBe(1);
    expect(answers[0]).toHaveLength(1);
    expect(answers[0]?.[0]).toMatchObject({ secret_key: expect.stringMatching(/^whsk_/), public_key: expect.stringMatching(/^whpk_/), expires_at: null });
  });

  it('loses no key to concurrent rotations: each new key is current once, the replaced ones stay previous', async () => {
    const tenant = await newTenant();
    const [first] = await store.ensure(tenant);
    const results = await Promise.all([store.rotate(tenant), store.rotate(tenant)]);
    const stored = await store.list(tenant);
    expect(stored).toHaveLength(3);
    expect(stored.filter((key) => key.expires_at === null)).toHaveLength(1);
    expect(stored.map((key) => key.kid)).toEqual(expect.arrayContaining([first?.kid, results[0][0]?.kid, results[1][0]?.kid]));
  });

  it('signs with what the cache read for SIGNING_KEY_CACHE_MS, then with the rotated keys', async () => {
    const cache = new SigningKeyCache(store);
    const t0 = Date.now();
    const tenant = await newTenant();
    const before = await cache.keysFor(tenant, t0);
    await store.rotate(tenant);
    expect((await cache.keysFor(tenant, t0 + SIGNING_KEY_CACHE_MS - 1)).map((key) => key.kid)).toEqual(before.map((key) => key.kid));
    const after = await cache.keysFor(tenant, t0 + SIGNING_KEY_CACHE_MS);
    expect(after).toHaveLength(2);
    expect(after[1]?.kid).toBe(before[0]?.kid);
  });

  it('makes no first key for a tenant being deleted, nor for an unknown one', async () => {
    const tenant = await newTenant();
    expect(await tenants.beginDeletion(tenant)).not.toBeNull();
    await store.remove(tenant);
    expect(await store.ensure(tenant)).toEqual([]);
    expect(await redis.exists(new Keys(prefix).signingKeys(tenant))).toBe(0);
    expect(await store.ensure('ten_never_created')).toEqual([]);
  });
});
