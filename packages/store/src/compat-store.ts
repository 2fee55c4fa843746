import type { RedisClient } from './redis.js';
import { keyAffixes, type Keys } from './keys.js';
import { forEachKeyMatching, globLiteral } from './scan-keys.js';

/** An id claimed while its subscription is being made; lookups treat it as absent. */
const PENDING = '';

/**
 * What the compat routes keep beside the subscriptions: per (profile, tenant, scope) a small hash from the
 * provider's id to the subscription id, and per-tenant integer sequences (for profiles whose ids are integers). The
 * answers of creates sent with a provider's idempotency key are kept by the IdempotencyStore, as the native routes'.
 */
export class CompatStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: Keys,
  ) {}

  private index(profile: string, tenant: string, scope: string): string {
    return this.keys.compatIndex(profile, tenant, `ids:${scope}`);
  }

  /** The next integer id of this tenant for this profile: 1, 2, 3 … */
  async nextSequence(profile: string, tenant: string): Promise<number> {
    return this.redis.incr(this.keys.compatIndex(profile, tenant, 'seq'));
  }

  /** Reserves a provider id; false when it is taken (client-chosen ids are unique per tenant and scope). */
  async claim(profile: string, tenant: string, scope: string, providerId: string): Promise<boolean> {
    return (await this.redis.hsetnx(this.index(profile, tenant, scope), providerId, PENDING)) === 1;
  }

  async bind(profile: string, tenant: string, scope: string, providerId: string, subscriptionId: string): Promise<void> {
    await this.redis.hset(this.index(profile, tenant, scope), providerId, subscriptionId);
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
   * Every id index and sequence of a tenant being deleted, whatever the profile and scope (a profile's scope may
   * be any string a request header carries, so they are found by SCAN, a page at a time, never in one blocking call).
   */
  async removeTenant(tenant: string): Promise<void> {
    const [before] = keyAffixes((profileAndName) => this.keys.compatIndex(profileAndName, tenant, ''));
    await forEachKeyMatching(this.redis, `${globLiteral(before)}*`, async (found) => {
      await this.redis.del(...found);
    });
  }

  /** Clears bookkeeping fields (a profile may reset some on update, as its document says). */
  async resetBookkeeping(subscriptionId: string, fields: readonly string[]): Promise<void> {
    if (fields.length > 0) await this.redis.hdel(this.keys.subscriptionState(subscriptionId), ...fields);
  }
}
