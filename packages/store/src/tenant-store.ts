import { randomBytes } from 'node:crypto';
import { Conflict, newId, sha256Hex, type Tenant } from '@hookfleet/core';
import { batch, execChecked, getMany } from './batch.js';
import { keyAffixes, type Keys } from './keys.js';
import { isCluster, type RedisClient } from './redis.js';
import { replaceIfUnchanged } from './compare-and-set.js';

export interface CreatedTenant extends Tenant {
  api_key: string;
}

/** A tenant as stored: its keys only as SHA-256 hashes, the rotated-out one while it still works. */
interface StoredTenant {
  id: string;
  name: string;
  created_at: string;
  key_hash: string;
  previous_key_hash?: string;
  previous_key_expires_at?: string;
}

/**
 * A rotation writes its new key's lookup with this lifetime and makes it permanent only once the tenant's record
 * names it, so a rotation that fails partway (or loses a race) leaves no working key that nobody was shown.
 */
const PENDING_KEY_LIFETIME_S = 300;

export interface TenantPage {
  data: Tenant[];
  next_cursor: string | null;
}

/** Keys a backfill's SCAN asks for at a time: large enough for few round trips, small enough not to stall Redis. */
const BACKFILL_SCAN_COUNT = 1000;

/** A glob that matches `text` literally (SCAN's MATCH treats * ? [ ] \\ as patterns). */
function globLiteral(text: string): string {
  return text.replace(/[*?[\]\\]/g, (character) => `\\${character}`);
}

function newApiKey(): string {
  return `hfk_${randomBytes(24).toString('base64url')}`;
}

/** The record's public fields; a previous key whose time is up is not reported. */
function publicTenant(stored: StoredTenant, now: Date): Tenant {
  const expiresAt = stored.previous_key_expires_at;
  const previousKeyWorks = expiresAt !== undefined && Date.parse(expiresAt) > now.getTime();
  return { id: stored.id, name: stored.name, created_at: stored.created_at, previous_key_expires_at: previousKeyWorks ? expiresAt : null };
}

/**
 * Tenants and their API keys; a key is stored only as its SHA-256, so a leaked database holds no usable key. A
 * tenant has one current key and, for a while after a rotation, the previous one (docs/api.md, "Tenants and keys").
 */
export class TenantStore {
  constructor(private readonly redis: RedisClient, private readonly keys: Keys) {}

  async create(name: string): Promise<CreatedTenant> {
    const apiKey = newApiKey();
    const stored: StoredTenant = { id: newId('ten'), name, created_at: new Date().toISOString(), key_hash: sha256Hex(apiKey) };
    // Three slots (the tenant's, the key's, the index's), so no transaction: the tenant is listed (the index) only once
    // its record and key are written, and whatever a failure left is removed, so a refused request leaves no tenant
    // nobody holds a key for. Safe to remove: neither the id nor the key was shown to anyone.
    try {
      await execChecked(batch(this.redis).set(this.keys.tenant(stored.id), JSON.stringify(stored)).set(this.keys.apiKey(stored.key_hash), stored.id));
      await this.redis.zadd(this.keys.allTenants(), 0, stored.id);
    } catch (error) {
      await this.removeUnshown(stored);
      throw error;
    }
    return { ...publicTenant(stored, new Date()), api_key: apiKey };
  }

  /**
   * Undoes a creation that failed partway. DEL and ZREM need no memory, so a Redis at its limit still takes them; one
   * that refuses them too (read-only) leaves an unlisted record and a key nobody was shown.
   */
  private async removeUnshown(stored: StoredTenant): Promise<void> {
    await batch(this.redis)
      .zrem(this.keys.allTenants(), stored.id)
      .del(this.keys.tenant(stored.id))
      .del(this.keys.apiKey(stored.key_hash))
      .exec()
      .catch(() => undefined);
  }

  async get(id: string): Promise<Tenant | null> {
    const raw = await this.redis.get(this.keys.tenant(id));
    return raw ? publicTenant(JSON.parse(raw) as StoredTenant, new Date()) : null;
  }

  /** Every tenant in creation order (ids are time-ordered), `cursor` being the last id seen. */
  async list(options: { limit: number; cursor?: string | undefined }): Promise<TenantPage> {
    const from = options.cursor ? `(${options.cursor}` : '-';
    const ids = await this.redis.zrangebylex(this.keys.allTenants(), from, '+', 'LIMIT', 0, options.limit + 1);
    const page = ids.slice(0, options.limit);
    const raws = await getMany(this.redis, page.map((id) => this.keys.tenant(id)));
    const now = new Date();
    const data = raws.flatMap((raw) => (raw ? [publicTenant(JSON.parse(raw) as StoredTenant, now)] : []));
    return { data, next_cursor: ids.length > options.limit ? (page[page.length - 1] as string) : null };
  }

  /**
   * Adds to the index the tenants created before it existed, once per deployment: a SCAN of each master for tenant
   * records, then a mark that it is done. Safe to run from several processes at once (ZADD of the same ids). Answers
   * how many it added.
   */
  async backfillIndex(): Promise<number> {
    if ((await this.redis.exists(this.keys.allTenantsBackfilled())) === 1) return 0;
    const [before, after] = keyAffixes((id) => this.keys.tenant(id));
    const pattern = `${globLiteral(before)}*${globLiteral(after)}`;
    let added = 0;
    for (const node of isCluster(this.redis) ? this.redis.nodes('master') : [this.redis]) {
      let cursor = '0';
      do {
        const [next, found] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', BACKFILL_SCAN_COUNT);
        cursor = next;
        const ids = found.map((key) => key.slice(before.length, key.length - after.length));
        if (ids.length > 0) added += await this.redis.zadd(this.keys.allTenants(), ...ids.flatMap((id) => [0, id]));
      } while (cursor !== '0');
    }
    await this.redis.set(this.keys.allTenantsBackfilled(), new Date().toISOString());
    return added;
  }

  async exists(id: string): Promise<boolean> {
    return (await this.redis.exists(this.keys.tenant(id))) === 1;
  }

  /**
   * A new API key for the tenant (null if there is none). The key it replaces works `previousKeyLifetimeS` more
   * seconds (0: not at all, for a key that leaked); a key rotated out before that is revoked now, so at most two
   * keys work at any time. Lookups are not cached (tenantForApiKey reads Redis), so a revocation holds at once.
   */
  async rotateApiKey(id: string, previousKeyLifetimeS: number, now = new Date()): Promise<CreatedTenant | null> {
    const raw = await this.redis.get(this.keys.tenant(id));
    if (!raw) return null;
    const current = JSON.parse(raw) as StoredTenant;
    const apiKey = newApiKey();
    const keyHash = sha256Hex(apiKey);
    const keepsPrevious = previousKeyLifetimeS > 0;
    const next: StoredTenant = {
      id: current.id,
      name: current.name,
      created_at: current.created_at,
      key_hash: keyHash,
      ...(keepsPrevious ? { previous_key_hash: current.key_hash, previous_key_expires_at: new Date(now.getTime() + previousKeyLifetimeS * 1000).toISOString() } : {}),
    };

    await this.redis.set(this.keys.apiKey(keyHash), id, 'EX', PENDING_KEY_LIFETIME_S);
    if (!(await replaceIfUnchanged(this.redis, this.keys.tenant(id), raw, JSON.stringify(next)))) {
      await this.redis.del(this.keys.apiKey(keyHash));
      throw new Conflict(`tenant ${id}'s API key was rotated by another request at the same time; rotate again if you still need a new key`);
    }

    const writes = batch(this.redis).persist(this.keys.apiKey(keyHash));
    if (keepsPrevious) writes.expire(this.keys.apiKey(current.key_hash), previousKeyLifetimeS);
    else writes.del(this.keys.apiKey(current.key_hash));
    if (current.previous_key_hash) writes.del(this.keys.apiKey(current.previous_key_hash));
    await execChecked(writes);
    return { ...publicTenant(next, now), api_key: apiKey };
  }

  /** The tenant id behind an API key; the lookup is by hash, so no key is ever compared byte by byte. */
  async tenantForApiKey(apiKey: string): Promise<string | null> {
    if (!apiKey.startsWith('hfk_') || apiKey.length > 200) return null;
    return this.redis.get(this.keys.apiKey(sha256Hex(apiKey)));
  }
}
