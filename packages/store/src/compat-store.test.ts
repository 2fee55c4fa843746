import { afterAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { CompatStore } from './compat-store.js';
import { Keys } from './keys.js';
import { connectRedis } from './redis.js';
import { TenantStore } from './tenant-store.js';
import { deleteKeys, scanKeys, testRedisTarget } from '../../../test/redis.js';

describe('the compat ids of a tenant', () => {
  const redis = connectRedis(testRedisTarget());
  const keys = new Keys(`tcompat${randomBytes(4).toString('hex')}`);
  const tenants = new TenantStore(redis, keys);
  const compat = new CompatStore(redis, keys);
  afterAll(async () => {
    redis.disconnect();
    await deleteKeys(testRedisTarget(), keys.prefix);
  });
  const tenantSlot = (tenant: string) => scanKeys(redis, `{${keys.base}:ten:${tenant}}*`);
  /** What a tenant's compat ids look like in the store: a sequence, a claimed id, a bound id in a scope of its own. */
  async function withCompatIds(tenant: string): Promise<string[]> {
    expect(await compat.nextSequence('paymo', tenant)).toBe(1);
    expect(await compat.claim('paymo', tenant, '', '1')).toBe(true);
    expect(await compat.claim('gigapay', tenant, 'integration *[1]', 'wh_a')).toBe(true);
    expect(await compat.bind('gigapay', tenant, 'integration *[1]', 'wh_a', 'sub_a')).toBe(true);
    return [keys.compatIndex('paymo', tenant, 'seq'), keys.compatIndex('paymo', tenant, 'ids:'), keys.compatIndex('gigapay', tenant, 'ids:integration *[1]')];
  }

  it('names every key it writes in the tenant’s index, in one slot with them', async () => {
    const tenant = (await tenants.create('indexed')).id;
    const written = await withCompatIds(tenant);
    expect((await redis.smembers(keys.tenantCompatKeys(tenant))).sort()).toEqual([...written].sort());
    expect(await compat.claim('paymo', tenant, '', '1')).toBe(false);
    expect(await compat.lookup('gigapay', tenant, 'integration *[1]', 'wh_a')).toBe('sub_a');
  });

  it('writes nothing for a tenant that is unknown or whose deletion has begun', async () => {
    const tenant = (await tenants.create('leaving')).id;
    await tenants.beginDeletion(tenant);
    for (const id of [tenant, 'ten_nobody']) {
      expect(await compat.nextSequence('paymo', id)).toBeNull();
      expect(await compat.claim('paymo', id, '', '1')).toBeNull();
      expect(await compat.bind('paymo', id, '', '1', 'sub_a')).toBe(false);
    }
    expect(await tenantSlot(tenant)).toEqual([keys.tenant(tenant)]);
    expect(await tenantSlot('ten_nobody')).toEqual([]);
  });

  it('are removed from the index alone for a tenant created with it: a key the index does not name is not looked for', async () => {
    const tenant = (await tenants.create('indexed deletion'));
    await withCompatIds(tenant.id);
    // Not a key this version writes: it shows the deletion reads the index, not the keyspace.
    const unindexed = keys.compatIndex('forecast', tenant.id, 'seq');
    await redis.set(unindexed, '7');
    expect(await tenants.beginDeletion(tenant.id)).toEqual({ compatIdsIndexed: true });
    await compat.removeTenant(tenant.id, { indexed: true });
    expect((await tenantSlot(tenant.id)).sort()).toEqual([keys.tenant(tenant.id), unindexed].sort());
  });

  it('are found by SCAN too for a tenant created before the index, whose older ids it does not name', async () => {
    const tenant = await tenants.create('from before the index');
    // The record and compat ids as an earlier version wrote them: no index, no mark on the record.
    const { compat_ids_indexed: _dropped, ...older } = JSON.parse((await redis.get(keys.tenant(tenant.id))) as string);
    await redis.set(keys.tenant(tenant.id), JSON.stringify(older));
    const olderIds = [keys.compatIndex('paymo', tenant.id, 'seq'), keys.compatIndex('gigapay', tenant.id, 'ids:integration *[1]')];
    await redis.set(olderIds[0] as string, '3');
    await redis.hset(olderIds[1] as string, 'wh_old', 'sub_old');
    // One written since the upgrade: indexed.
    expect(await compat.claim('forecast', tenant.id, '', '12')).toBe(true);
    expect(await redis.smembers(keys.tenantCompatKeys(tenant.id))).toEqual([keys.compatIndex('forecast', tenant.id, 'ids:')]);

    const deletion = await tenants.beginDeletion(tenant.id);
    expect(deletion).toEqual({ compatIdsIndexed: false });
    await compat.removeTenant(tenant.id, { indexed: deletion!.compatIdsIndexed });
    expect(await tenantSlot(tenant.id)).toEqual([keys.tenant(tenant.id)]);
    // Sent again (a deletion that stopped partway): nothing left to do, and nothing fails.
    await compat.removeTenant(tenant.id, { indexed: false });
  });

  it('keeps the mark through a key rotation', async () => {
    const tenant = await tenants.create('rotating');
    await tenants.rotateApiKey(tenant.id, 0);
    expect(await tenants.beginDeletion(tenant.id)).toEqual({ compatIdsIndexed: true });
  });
});
