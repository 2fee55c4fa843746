import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { connectRedis, Keys, SigningKeyStore, type RedisClient } from '@hookfleet/store';
import { deleteKeys, testRedisTarget } from '../../../test/redis.js';
import { SIGNING_KEY_CACHE_MS, SigningKeyCache } from '../src/signing-key-cache.js';

/** The tenant key store on real Redis, and the worker's cache in front of it. */
describe('signing keys in Redis', () => {
  const prefix = `sk${randomBytes(4).toString('hex')}`;
  let redis: RedisClient;
  let store: SigningKeyStore;

  beforeAll(() => {
    redis = connectRedis(testRedisTarget());
    store = new SigningKeyStore(redis, new Keys(prefix));
  });
  afterAll(async () => {
    await deleteKeys(testRedisTarget(), prefix);
    await redis.quit();
  });

  it('makes one first key however many callers ask at once', async () => {
    const answers = await Promise.all(Array.from({ length: 10 }, () => store.ensure('ten_first')));
    const kids = new Set(answers.map((keys) => keys.map((key) => key.kid).join()));
    expect(kids.size).toBe(1);
    expect(answers[0]).toHaveLength(1);
    expect(answers[0]?.[0]).toMatchObject({ secret_key: expect.stringMatching(/^whsk_/), public_key: expect.stringMatching(/^whpk_/), expires_at: null });
  });

  it('loses no key to concurrent rotations: each new key is current once, the replaced ones stay previous', async () => {
    const [first] = await store.ensure('ten_rotated');
    const results = await Promise.all([store.rotate('ten_rotated'), store.rotate('ten_rotated')]);
    const stored = await store.list('ten_rotated');
    expect(stored).toHaveLength(3);
    expect(stored.filter((key) => key.expires_at === null)).toHaveLength(1);
    expect(stored.map((key) => key.kid)).toEqual(expect.arrayContaining([first?.kid, results[0][0]?.kid, results[1][0]?.kid]));
  });

  it('signs with what the cache read for SIGNING_KEY_CACHE_MS, then with the rotated keys', async () => {
    const cache = new SigningKeyCache(store);
    const t0 = Date.now();
    const before = await cache.keysFor('ten_cached', t0);
    await store.rotate('ten_cached');
    expect((await cache.keysFor('ten_cached', t0 + SIGNING_KEY_CACHE_MS - 1)).map((key) => key.kid)).toEqual(before.map((key) => key.kid));
    const after = await cache.keysFor('ten_cached', t0 + SIGNING_KEY_CACHE_MS);
    expect(after).toHaveLength(2);
    expect(after[1]?.kid).toBe(before[0]?.kid);
  });
});
