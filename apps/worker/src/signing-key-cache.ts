import type { SigningKeyPair } from '@hookfleet/core';
import type { SigningKeyStore } from '@hookfleet/store';

/**
 * How long a worker signs with the key pairs it read. A rotation's new key signs everywhere within this; until then
 * the old key goes on signing, which receivers accept (it stays published as `previous` for 24 h).
 */
export const SIGNING_KEY_CACHE_MS = 2_000;

const MAX_CACHED_TENANTS = 10_000;

interface Entry {
  keys: Promise<readonly SigningKeyPair[]>;
  readAt: number;
}

/**
 * Each tenant's key pairs, read once per SIGNING_KEY_CACHE_MS however many `v1a` deliveries go out meanwhile:
 * signing adds no Redis read per delivery. A read that fails is forgotten, so the next part asks again.
 */
export class SigningKeyCache {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly store: Pick<SigningKeyStore, 'ensure'>,
    private readonly ttlMs = SIGNING_KEY_CACHE_MS,
  ) {}

  keysFor(tenant: string, now = Date.now()): Promise<readonly SigningKeyPair[]> {
    const cached = this.entries.get(tenant);
    if (cached && now - cached.readAt < this.ttlMs) return cached.keys;
    if (this.entries.size >= MAX_CACHED_TENANTS) this.entries.clear();
    const keys = this.store.ensure(tenant);
    const entry = { keys, readAt: now };
    this.entries.set(tenant, entry);
    keys.catch(() => {
      if (this.entries.get(tenant) === entry) this.entries.delete(tenant);
    });
    return keys;
  }
}
