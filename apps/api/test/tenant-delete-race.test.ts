import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ValidationFailed, type Subscription } from '@hookfleet/core';
import { paymoProfile } from '@hookfleet/profiles';
import { CompatStore, connectRedis, Keys, SigningKeyStore, SubscriptionStore, TenantStore, type RedisClient } from '@hookfleet/store';
import { startFleet, type TestFleet } from '../../../test/fleet.js';
import { scanKeys } from '../../../test/redis.js';
import { CompatSubscriptions } from '../src/compat/compat-subscriptions.js';
import { SubscriptionService } from '../src/subscription-service.js';

type Command = (...args: unknown[]) => Promise<unknown>;

/**
 * Runs `meanwhile` once, right before or right after the first command of `redis` that names `key` (the command that
 * puts a new subscription's id in its tenant's list, whichever form it takes), while the caller waits on that command.
 */
function interleave(redis: RedisClient, key: string, when: 'before' | 'after', meanwhile: () => Promise<void>): { fired(): boolean; restore(): void } {
  const client = redis as unknown as Record<string, Command>;
  let fired = false;
  for (const name of ['zadd', 'eval']) {
    const original = (client[name] as Command).bind(redis);
    client[name] = async (...args) => {
      if (fired || !args.includes(key)) return original(...args);
      fired = true;
      if (when === 'before') await meanwhile();
      const answer = await original(...args);
      if (when === 'after') await meanwhile();
      return answer;
    };
  }
  return { fired: () => fired, restore: () => ['zadd', 'eval'].forEach((name) => delete client[name]) };
}

/**
 * A subscription (native or compat) created on one API process while the operator deletes its tenant on another:
 * whatever the order of their steps, the creation is either deleted with the tenant or refused as for an unknown
 * tenant, and nothing of the tenant is left behind (SubscriptionStore.create, CompatStore, docs/api.md).
 */
describe('a subscription created while its tenant is deleted', () => {
  let fleet: TestFleet;
  let redis: RedisClient;
  let keys: Keys;
  let store: SubscriptionStore;
  let service: SubscriptionService;
  let paymo: CompatSubscriptions;

  beforeAll(async () => {
    fleet = await startFleet({}, { workers: 0 });
    // The creating process: its own connection and stores, as a second API process has.
    redis = connectRedis(fleet.config);
    keys = new Keys(fleet.config.prefix);
    store = new SubscriptionStore(redis, keys);
    service = new SubscriptionService(store, new TenantStore(redis, keys), { allowPrivateTargets: true }, new SigningKeyStore(redis, keys));
    paymo = new CompatSubscriptions(paymoProfile, service, new CompatStore(redis, keys));
  });
  afterAll(async () => {
    redis.disconnect();
    await fleet.stop();
  });

  const deleteTenant = (tenant: string) => async () => {
    expect((await fleet.call('DELETE', `/v1/tenants/${tenant}`)).status).toBe(204);
  };
  const native = (tenant: string) => service.create(tenant, { profile: 'standard', url: 'http://127.0.0.1:9/late', events: ['a.*'], active: true });
  const refusal = (tenant: string) => expect.objectContaining({ constructor: ValidationFailed, issues: [{ path: 'tenant', message: `unknown tenant ${tenant}` }] });

  /** No subscription of the tenant in the store, nor anything on its slot (it published no event). */
  async function nothingLeftOf(tenant: string): Promise<void> {
    const documents = await store.getMany(await store.allIds());
    expect(documents.filter((subscription) => subscription?.tenant === tenant)).toEqual([]);
    expect(await scanKeys(redis, `{${keys.base}:ten:${tenant}}*`)).toEqual([]);
    expect(await scanKeys(redis, `${keys.subscriptionCreation('')}*`)).toEqual([]);
  }

  it.each([
    ['before', 'the deletion runs whole between the creation’s tenant check and its first write'],
    ['after', 'the deletion runs whole between the creation listing the id and writing its document'],
  ] as const)('refuses it when %s listing: %s', async (when) => {
    const tenant = await fleet.createTenant(`race ${when}`);
    const hold = interleave(redis, keys.tenantSubscriptions(tenant.id), when, deleteTenant(tenant.id));
    try {
      await expect(native(tenant.id)).rejects.toEqual(refusal(tenant.id));
    } finally {
      hold.restore();
    }
    expect(hold.fired()).toBe(true);
    await nothingLeftOf(tenant.id);
  });

  it('removes one whose document was written between the deletion reading the list and abandoning the id', async () => {
    const tenant = await fleet.createTenant('race abandon');
    let readMeanwhile: Array<{ id: string; subscription: Subscription | null }> = [];
    const hold = interleave(redis, keys.tenantSubscriptions(tenant.id), 'after', async () => {
      readMeanwhile = await store.listedPage(tenant.id, 100, null);
    });
    let created: Subscription;
    try {
      created = await native(tenant.id);
    } finally {
      hold.restore();
    }
    // The deletion's read found the id without its document; the creation wrote it before the deletion abandoned it.
    expect(readMeanwhile).toEqual([{ id: created.id, subscription: null }]);
    expect(await store.abandonCreation(tenant.id, created.id)).toBe(false);
    expect((await store.listedPage(tenant.id, 100, null)).map(({ id }) => id)).toEqual([created.id]);
    await deleteTenant(tenant.id)();
    await nothingLeftOf(tenant.id);
  });

  it.each(['before', 'after'] as const)('refuses a compat creation when the deletion runs %s its listing, leaving no compat id', async (when) => {
    const tenant = await fleet.createTenant(`compat race ${when}`);
    const hold = interleave(redis, keys.tenantSubscriptions(tenant.id), when, deleteTenant(tenant.id));
    try {
      const created = paymo.create({ tenant: tenant.id, scope: '' }, { fields: { url: 'http://127.0.0.1:9/paymo', events: ['model.insert.Task'] }, compat: { where: null } });
      await expect(created).rejects.toEqual(refusal(tenant.id));
    } finally {
      hold.restore();
    }
    expect(hold.fired()).toBe(true);
    await nothingLeftOf(tenant.id);
  });

  it('writes no compat id for a tenant once its deletion is done', async () => {
    const tenant = await fleet.createTenant('compat after');
    await deleteTenant(tenant.id)();
    const created = paymo.create({ tenant: tenant.id, scope: '' }, { fields: { url: 'http://127.0.0.1:9/paymo', events: ['model.insert.Task'] }, compat: { where: null } });
    await expect(created).rejects.toEqual(refusal(tenant.id));
    await nothingLeftOf(tenant.id);
  });
});
