import type { RedisClient } from './redis.js';
import { keyAffixes, type Keys } from './keys.js';
import { TENANT_IS_LIVE_LUA } from './live-tenant-script.js';
import { forEachKeyMatching, globLiteral } from './scan-keys.js';

/** An id claimed while its subscription is being made; lookups treat it as absent. */
const PENDING = '';

/** Index entries a deletion reads and deletes the keys of at a time. */
const REMOVAL_PAGE = 1000;

// KEYS: the tenant's record, its compat keys' index, the compat key (one slot: the tenant's). ARGV: the command and
// its arguments after the key. Returns the command's answer, or nil (nothing written) when the tenant is unknown or
// its deletion has begun. The index is written before the key, in the same run, so no compat key is ever unindexed.
const WRITE_IF_TENANT_LIVE = `${TENANT_IS_LIVE_LUA}
if not tenantIsLive(KEYS[1]) then return nil end
redis.call('SADD', KEYS[2], KEYS[3])
return redis.call(ARGV[1], KEYS[3], unpack(ARGV, 2))
`;

/** The writes that may create a compat key (HDEL only shrinks one: release). */
type CompatWrite = ['INCR'] | ['HSETNX' | 'HSET', string, string];

/**
 * What the compat routes keep beside the subscriptions: per (profile, tenant, scope) a small hash from the
 * provider's id to the subscription id, and per-tenant integer sequences (for profiles whose ids are integers). The
 * answers of creates sent with a provider's idempotency key are kept by the IdempotencyStore, as the native routes'.
 *
 * Every key is written only while its tenant is live, in one script with its entry in the tenant's index
 * (keys.tenantCompatKeys), all on the tenant's slot: a tenant's deletion reads the index, not the keyspace, and finds
 * every key, since none is written once the deletion has begun (TenantStore.beginDeletion). The writes that answer
 * null were refused for that reason: the caller answers as for an unknown tenant.
 */
export class CompatStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: Keys,
  ) {}

  private index(profile: string, tenant: string, scope: string): string {
    return this.keys.compatIndex(profile, tenant, `ids:${scope}`);
  }

  private async writeIfTenantLive(tenant: string, key: string, write: CompatWrite): Promise<number | null> {
    const answer = await this.redis.eval(WRITE_IF_TENANT_LIVE, 3, this.keys.tenant(tenant), this.keys.tenantCompatKeys(tenant), key, ...write);
    return answer === null ? null : Number(answer);
  }

  /** The next integer id of this tenant for this profile: 1, 2, 3 … (null: no such tenant, or its deletion has begun) */
  async nextSequence(profile: string, tenant: string): Promise<number | null> {
    return this.writeIfTenantLive(tenant, this.keys.compatIndex(profile, tenant, 'seq'), ['INCR']);
  }

  /**
   * Reserves a provider id; false when it is taken (client-chosen ids are unique per tenant and scope), null when there
   * is no such tenant or its deletion has begun.
   */
  async claim(profile: string, tenant: string, scope: string, providerId: string): Promise<boolean | null> {
    const claimed = await this.writeIfTenantLive(tenant, this.index(profile, tenant, scope), ['HSETNX', providerId, PENDING]);
    return claimed === null ? null : claimed === 1;
  }

  /** False, and nothing written, when there is no such tenant or its deletion has begun. */
  async bind(profile: string, tenant: string, scope: string, providerId: string, subscriptionId: string): Promise<boolean> {
    return (await this.writeIfTenantLive(tenant, this.index(profile, tenant, scope), ['HSET', providerId, subscriptionId])) !== null;
  }

  async release(profile: string, tenant: string, scope: string, providerId: string): Promise<void> {
    await this.redis.hdel(this.index(profile, tenant, scope), providerId);
  }

  async lookup(profile: string, tenant: string, scope: string, providerId: string): Promise<string | null> {
    const subscriptionId = await this.redis.hget(this.index(profile, tenant, scope), providerId);
    return subscriptionId || null;
  }

  /** Provider id → subscription id of every bound id in this scope. */
  async all(profile: string, tenant: string, scope: string): Promise<Map<string, string>> {
    const entries = await this.redis.hgetall(this.index(profile, tenant, scope));
    return new Map(Object.entries(entries).filter(([, subscriptionId]) => subscriptionId !== PENDING));
  }

  /**
   * Every id index and sequence of a tenant being deleted, whatever the profile and scope (a scope may be any string a
   * request header carries), read from the tenant's index a page at a time, and then the index. A tenant created before
   * the index was written (`indexed` false: TenantStore.beginDeletion) may hold keys it does not name, written by an
   * earlier version: those are found by SCAN, a page at a time on each master, as they were before the index. Safe to
   * run again (a deletion sent again): the index goes last.
   */
  async removeTenant(tenant: string, { indexed }: { indexed: boolean }): Promise<void> {
    const index = this.keys.tenantCompatKeys(tenant);
    let cursor = '0';
    do {
      const [next, found] = await this.redis.sscan(index, cursor, 'COUNT', REMOVAL_PAGE);
      cursor = next;
      if (found.length > 0) await this.redis.del(...found);
    } while (cursor !== '0');
    if (!indexed) {
      const [before] = keyAffixes((profileAndName) => this.keys.compatIndex(profileAndName, tenant, ''));
      await forEachKeyMatching(this.redis, `${globLiteral(before)}*`, async (found) => {
        await this.redis.del(...found);
      });
    }
    await this.redis.del(index);
  }

  /** Clears bookkeeping fields (a profile may reset some on update, as its document says). */
  async resetBookkeeping(subscriptionId: string, fields: readonly string[]): Promise<void> {
    if (fields.length > 0) await this.redis.hdel(this.keys.subscriptionState(subscriptionId), ...fields);
  }
}
