import type { SigningKeyPair } from '@hookfleet/core';
import { generateSigningKeyPair, rotateSigningKeys } from '@hookfleet/profiles';
import type { RedisClient } from './redis.js';
import type { Keys } from './keys.js';
import { replaceIfUnchanged } from './compare-and-set.js';

const MAX_ROTATION_TRIES = 5;

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

  /** The tenant's key pairs, its first one made now when it has none (concurrent callers agree on one). */
  async ensure(tenant: string): Promise<SigningKeyPair[]> {
    const stored = await this.list(tenant);
    if (stored.length > 0) return stored;
    await this.redis.set(this.keys.signingKeys(tenant), JSON.stringify([this.generate(new Date())]), 'NX');
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
