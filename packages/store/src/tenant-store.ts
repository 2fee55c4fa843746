import { randomBytes } from 'node:crypto';
import { Conflict, newId, sha256Hex, type Tenant } from '@hookfleet/core';
import { batch, execChecked, getMany } from './batch.js';
import { keyAffixes, type Keys } from './keys.js';
import type { RedisClient } from './redis.js';
import { forEachKeyMatching, globLiteral } from './scan-keys.js';
import { replaceIfUnchanged } from './compare-and-set.js';

export interface CreatedTenant extends Tenant {
  api_key: string;
}

/**
 * A tenant as stored: its keys only as SHA-256 hashes, the rotated-out one while it still works. `deleting_since`
 * marks a tenant whose deletion has begun: from that write on, every read but the deletion's own answers that there is
 * no such tenant (its keys, portal sessions and JWKS included), so a deletion that stops partway leaves nothing usable.
 */
interface StoredTenant {
  id: string;
  name: string;
  created_at: string;
  key_hash: string;
  previous_key_hash?: string;
  previous_key_expires_at?: string;
  deleting_since?: string;
  /**
   * Set on tenants created since compat ids have a per-tenant index (keys.tenantCompatKeys, compat-store.ts): only a
   * tenant without it can hold compat ids its index does not name, which its deletion then finds by SCAN.
   */
  compat_ids_indexed?: true;
}

/** What the deletion's later steps need to know of the tenant (beginDeletion). */
export interface TenantDeletion {
  /** False for a tenant created before compat ids were indexed (StoredTenant.compat_ids_indexed). */
  compatIdsIndexed: boolean;
}

/**
 * A rotation writes its new key's lookup with this lifetime and makes it permanent only once the tenant's record
 * names it, so a rotation that fails partway (or loses a race) leaves no working key that nobody was shown.
 */
const PENDING_KEY_LIFETIME_S = 300;

/** Reads of a tenant's record a change (a rename, the start of a deletion) may find changed by another write before it gives up. */
const MAX_CHANGE_TRIES = 5;

export interface TenantPage {
  data: Tenant[];
  next_cursor: string | null;
}

function newApiKey(): string {
  return `hfk_${randomBytes(24).toString('base64url')}`;
}

/** The record, unless there is none or its deletion has begun (the tenant is then unknown to every read). */
function liveTenant(raw: string | null): StoredTenant | null {
  if (!raw) return null;
  const stored = JSON.parse(raw) as StoredTenant;
  return stored.deleting_since === undefined ? stored : null;
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
    const stored: StoredTenant = { id: newId('ten'), name, created_at: new Date().toISOString(), key_hash: sha256Hex(apiKey), compat_ids_indexed: true };
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
    const stored = liveTenant(await this.redis.get(this.keys.tenant(id)));
    return stored ? publicTenant(stored, new Date()) : null;
  }

  /** Every tenant in creation order (ids are time-ordered), `cursor` being the last id seen. */
  async list(options: { limit: number; cursor?: string | undefined }): Promise<TenantPage> {
    const from = options.cursor ? `(${options.cursor}` : '-';
    const ids = await this.redis.zrangebylex(this.keys.allTenants(), from, '+', 'LIMIT', 0, options.limit + 1);
    const page = ids.slice(0, options.limit);
    const raws = await getMany(this.redis, page.map((id) => this.keys.tenant(id)));
    const now = new Date();
    const data = raws.flatMap((raw) => {
      const stored = liveTenant(raw);
      return stored ? [publicTenant(stored, now)] : [];
    });
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
    let added = 0;
    await forEachKeyMatching(this.redis, `${globLiteral(before)}*${globLiteral(after)}`, async (found) => {
      const ids = found.map((key) => key.slice(before.length, key.length - after.length));
      added += await this.redis.zadd(this.keys.allTenants(), ...ids.flatMap((id) => [0, id]));
    });
    await this.redis.set(this.keys.allTenantsBackfilled(), new Date().toISOString());
    return added;
  }

  /** Whether the tenant is there to be used: false once its deletion has begun. */
  async exists(id: string): Promise<boolean> {
    return liveTenant(await this.redis.get(this.keys.tenant(id))) !== null;
  }

  /**
   * A new name (null if there is no such tenant). Written only over the record read, so a rotation or the start of a
   * deletion at the same moment is never undone by it (a deletion wins: the tenant is then gone).
   */
  async rename(id: string, name: string): Promise<Tenant | null> {
    for (let tries = 1; ; tries += 1) {
      const raw = await this.redis.get(this.keys.tenant(id));
      const current = liveTenant(raw);
      if (!raw || !current) return null;
      const next: StoredTenant = { ...current, name };
      if (await replaceIfUnchanged(this.redis, this.keys.tenant(id), raw, JSON.stringify(next))) return publicTenant(next, new Date());
      if (tries >= MAX_CHANGE_TRIES) throw new Conflict(`tenant ${id} changed under ${tries} writes in a row; send the change again`);
    }
  }

  /**
   * The first step of a deletion, and the one that ends every use of the tenant: one write marks its record (from then
   * on `exists`, `get`, `tenantForApiKey` and the index's pages answer that there is none: keys, portal sessions and
   * JWKS stop at once), then its API keys' lookups go. A tenant marked already (a deletion sent again after stopping
   * partway) only has its lookups dropped again. Answers null when there is no record at all: nothing left to delete.
   * The mark is written over the record read, so a rotation at the same moment either lost already (its key's lookup
   * is then its own to remove) or is read here and its new key dropped with the rest. Writes of the tenant's keys that
   * check in the same script that it is live (live-tenant-script.ts) are refused from the mark on, so what the deletion
   * reads after it (its subscription list, its compat ids' index) is complete.
   */
  async beginDeletion(id: string, now = new Date()): Promise<TenantDeletion | null> {
    for (let tries = 1; ; tries += 1) {
      const raw = await this.redis.get(this.keys.tenant(id));
      if (!raw) return null;
      const stored = JSON.parse(raw) as StoredTenant;
      const marked = stored.deleting_since !== undefined || (await replaceIfUnchanged(this.redis, this.keys.tenant(id), raw, JSON.stringify({ ...stored, deleting_since: now.toISOString() })));
      if (marked) {
        await this.dropKeyLookups(stored);
        return { compatIdsIndexed: stored.compat_ids_indexed === true };
      }
      if (tries >= MAX_CHANGE_TRIES) throw new Conflict(`tenant ${id} changed under ${tries} writes in a row; send the deletion again`);
    }
  }

  /**
   * The last step of a deletion, once its subscriptions, signing keys and compat ids are gone: the tenant leaves the
   * index, its subscription index goes (ids whose documents were gone already), its event index expires with the last
   * event it lists (`eventRetentionMs`: the events stay readable by id and by tenant until then), and its record goes
   * last, so a deletion that stops before this finds the record marked and finishes when sent again.
   */
  async finishDeletion(id: string, eventRetentionMs: number): Promise<void> {
    const raw = await this.redis.get(this.keys.tenant(id));
    if (!raw) return;
    const stored = JSON.parse(raw) as StoredTenant;
    await execChecked(
      batch(this.redis)
        .zrem(this.keys.allTenants(), id)
        .del(this.keys.tenantSubscriptions(id))
        .pexpire(this.keys.tenantEvents(id), Math.max(1, Math.ceil(eventRetentionMs))),
    );
    await this.dropKeyLookups(stored);
    await this.redis.del(this.keys.tenant(id));
  }

  /** The lookups of the record's current and previous key (DEL needs no memory: a Redis at its limit still takes it). */
  private async dropKeyLookups(stored: StoredTenant): Promise<void> {
    const lookups = [stored.key_hash, ...(stored.previous_key_hash ? [stored.previous_key_hash] : [])].map((hash) => this.keys.apiKey(hash));
    await execChecked(lookups.reduce((writes, key) => writes.del(key), batch(this.redis)));
  }

  /**
   * A new API key for the tenant (null if there is none). The key it replaces works `previousKeyLifetimeS` more
   * seconds (0: not at all, for a key that leaked); a key rotated out before that is revoked now, so at most two
   * keys work at any time. Lookups are not cached (tenantForApiKey reads Redis), so a revocation holds at once.
   */
  async rotateApiKey(id: string, previousKeyLifetimeS: number, now = new Date()): Promise<CreatedTenant | null> {
    const raw = await this.redis.get(this.keys.tenant(id));
    const current = liveTenant(raw);
    if (!raw || !current) return null;
    const apiKey = newApiKey();
    const keyHash = sha256Hex(apiKey);
    const keepsPrevious = previousKeyLifetimeS > 0;
    const next: StoredTenant = {
      id: current.id,
      name: current.name,
      created_at: current.created_at,
      key_hash: keyHash,
      ...(current.compat_ids_indexed ? { compat_ids_indexed: current.compat_ids_indexed } : {}),
      ...(keepsPrevious ? { previous_key_hash: current.key_hash, previous_key_expires_at: new Date(now.getTime() + previousKeyLifetimeS * 1000).toISOString() } : {}),
    };

    await this.redis.set(this.keys.apiKey(keyHash), id, 'EX', PENDING_KEY_LIFETIME_S);
    if (!(await replaceIfUnchanged(this.redis, this.keys.tenant(id), raw, JSON.stringify(next)))) {
      await this.redis.del(this.keys.apiKey(keyHash));
      // The record changed under the rotation: a deletion that began meanwhile makes the tenant unknown, not busy.
      if (!(await this.exists(id))) return null;
      throw new Conflict(`tenant ${id}'s API key was rotated by another request at the same time; rotate again if you still need a new key`);
    }

    const writes = batch(this.redis).persist(this.keys.apiKey(keyHash));
    if (keepsPrevious) writes.expire(this.keys.apiKey(current.key_hash), previousKeyLifetimeS);
    else writes.del(this.keys.apiKey(current.key_hash));
    if (current.previous_key_hash) writes.del(this.keys.apiKey(current.previous_key_hash));
    await execChecked(writes);
    return { ...publicTenant(next, now), api_key: apiKey };
  }

  /**
   * The tenant id behind an API key; the lookup is by hash, so no key is ever compared byte by byte. The tenant's
   * record is read too: a tenant whose deletion has begun has no working key even where its lookups were not dropped
   * yet (a deletion that stopped between its first two writes: beginDeletion).
   */
  async tenantForApiKey(apiKey: string): Promise<string | null> {
    if (!apiKey.startsWith('hfk_') || apiKey.length > 200) return null;
    return this.tenantForKeyHash(sha256Hex(apiKey));
  }

  /** As tenantForApiKey, by the key's SHA-256: what a key opened (a portal session) ends when the key stops working. */
  async tenantForKeyHash(keyHash: string): Promise<string | null> {
    const tenant = await this.redis.get(this.keys.apiKey(keyHash));
    return tenant !== null && (await this.exists(tenant)) ? tenant : null;
  }
}
