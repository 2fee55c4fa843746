import { afterAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { subscriptionCreateSchema, subscriptionPatchSchema } from '@hookfleet/core';
import { connectRedis, Keys, SigningKeyStore, SubscriptionStore, TenantStore } from '@hookfleet/store';
import { deleteKeys, testRedisTarget } from '../../../test/redis.js';
import { SubscriptionService } from '../src/subscription-service.js';

/**
 * A PATCH reads the subscription, checks its change (the URL's lookup takes a while) and writes. A worker that
 * disables the subscription in between (its endpoint answered 410) must not be undone by a PATCH that never named
 * `active`.
 */
describe('a change of a subscription a worker disabled meanwhile', () => {
  const redis = connectRedis(testRedisTarget());
  const keys = new Keys(`tpatch${randomBytes(4).toString('hex')}`);
  const store = new SubscriptionStore(redis, keys);
  const tenants = new TenantStore(redis, keys);
  const service = new SubscriptionService(store, tenants, { allowPrivateTargets: true, maxSubscriptionsPerTenant: 100 }, new SigningKeyStore(redis, keys));
  afterAll(async () => {
    redis.disconnect();
    await deleteKeys(testRedisTarget(), keys.prefix);
  });

  async function subscriptionDisabledAfterRead() {
    const tenant = await tenants.create('patching');
    const created = await service.create(tenant.id, subscriptionCreateSchema.parse({ url: 'http://127.0.0.1:9/hook', events: ['a.b'] }));
    const read = await service.getOwned(created.id, null);
    // The worker's disable, as subscription-effects.ts writes it, after the route read the subscription.
    await store.update(created.id, (stored) => ({ ...stored, active: false, disabled_reason: 'gone' }));
    return read;
  }

  it('keeps the disable and applies the change to what is stored now', async () => {
    const read = await subscriptionDisabledAfterRead();
    expect(read.active).toBe(true);
    const patched = await service.update(read, subscriptionPatchSchema.parse({ description: 'renamed' }));
    expect(patched).toMatchObject({ active: false, disabled_reason: 'gone', description: 'renamed' });
    expect(await store.get(read.id)).toMatchObject({ active: false, disabled_reason: 'gone', description: 'renamed' });
  });

  it('lets a PATCH that names active enable it again, as asked', async () => {
    const read = await subscriptionDisabledAfterRead();
    expect(await service.update(read, subscriptionPatchSchema.parse({ active: true }))).toMatchObject({ active: true, disabled_reason: null });
  });

  it('keeps the disable when the secret is rotated meanwhile', async () => {
    const read = await subscriptionDisabledAfterRead();
    const rotated = await service.rotate(read);
    expect(rotated).toMatchObject({ active: false, disabled_reason: 'gone' });
    expect(rotated.secret).not.toBe(read.secret);
    expect(rotated.previous_secrets?.[0]?.secret).toBe(read.secret);
  });
});
