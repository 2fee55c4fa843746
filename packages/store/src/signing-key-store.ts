import type { SigningKeyPair } from '@hookfleet/core';
import { generateSigningKeyPair, rotateSigningKeys } from '@hookfleet/profiles';
import type { RedisClient } from './redis.js';
import type { Keys } from './keys.js';
import { replaceIfUnchanged } from './compare-and-set.js';
import { TENANT_IS_LIVE_LUA } from './live-tenant-script.js';

const MAX_ROTATION_TRIES = 5;

// KEYS: the tenant's record, its key list (one slot). ARGV: the first key list. Written only when there is none and
// the tenant is live: a deletion that has removed its keys (TenantStore.beginDeletion, then remove) finds none made again.
const SET_FIRST_IF_TENANT_LIVE = `${TENANT_IS_LIVE_LUA}
if not tenantIsLive(KEYS[1]) then return 0 end
redis.call('SET', KEYS[2], ARGV[1], 'NX')
return 1
`;

/**
 * Each tenant's ed25519 key pairs, stored as one JSON list (current first) in the tenant's slot. The private keys
 * are secrets: callers publish only their public halves (publicSigningKeys).
 */
export class SigningKeyStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: Keys,
    private readonly generate: (now: Date) => SigningKeyPair = generateSigningKeyPair,
  ) {}

  /** The tenant's key pairs as stored, current first; empty before its first key. */
  async list(tenant: string): Promise<SigningKeyPair[]> {
    return parseKeys(await this.redis.get(this.keys.signingKeys(tenant)));
  }

  /**
   * The tenant's key pairs, its first one made now when it has none (concurrent callers agree on one); none made for a
   * tenant that is unknown or being deleted, which then has none.
   */
  async ensure(tenant: string): Promise<SigningKeyPair[]> {
    const stored = await this.list(tenant);
    if (stored.length > 0) return stored;
    await this.redis.eval(SET_FIRST_IF_TENANT_LIVE, 2, this.keys.tenant(tenant), this.keys.signingKeys(tenant), JSON.stringify([this.generate(new Date())]));
    return this.list(tenant);
  }

  /** A new current key; the old one signs alongside and stays published for the grace period. */
  async rotate(tenant: string, now: Date = new Date()): Promise<SigningKeyPair[]> {
    const key = this.keys.signingKeys(tenant);
    for (let tries = 0; tries < MAX_ROTATION_TRIES; tries += 1) {
      const read = (await this.redis.get(key)) ?? '';
      const next = rotateSigningKeys(parseKeys(read), this.generate(now), now);
      // Written only over the list read: two concurrent rotations cannot drop a key.
      if (await replaceIfUnchanged(this.redis, key, read, JSON.stringify(next))) return next;
    }
    throw new Error(`signing keys of tenant ${tenant} changed under ${MAX_ROTATION_TRIES} rotations in a row`);
  }

  /** Every key pair of a tenant being deleted: nothing signs for it or publishes its keys any more. */
  async remove(tenant: string): Promise<void> {
    await this.redis.del(this.keys.signingKeys(tenant));
  }
}

function parseKeys(raw: string | null): SigningKeyPair[] {
  return raw ? (JSON.parse(raw) as SigningKeyPair[]) : [];
}
