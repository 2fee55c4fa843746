import type { RedisClient } from './redis.js';
import { Conflict, type Subscription } from '@hookfleet/core';
import { batch, execChecked, getMany } from './batch.js';
import type { Keys } from './keys.js';
import { TENANT_IS_LIVE_LUA } from './live-tenant-script.js';
import { isStoreRefusingWrites } from './unavailable.js';

export interface SubscriptionPage {
  data: Subscription[];
  next_cursor: string | null;
}

/** Reads of a subscription an update may find changed by another write before it gives up. */
const MAX_UPDATE_TRIES = 5;

/** Bound on the change stream the workers' caches follow; a cache further behind reloads everything. */
const CHANGE_STREAM_LENGTH = 100_000;

// KEYS: the document, the set of all subscriptions, the change stream. ARGV: the document as read, the one to write, the
// id, the stream's bound. Returns 1 when written. save's MULTI, on the condition that nobody wrote in between.
const SAVE_IF_UNCHANGED = `
if (redis.call('GET', KEYS[1]) or '') ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2])
redis.call('SADD', KEYS[2], ARGV[3])
redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[4], '*', 'id', ARGV[3])
return 1
`;

// KEYS: the tenant's subscription list, its record (one slot). ARGV: the id. Returns 1 when listed, 0 when the tenant
// is unknown or its deletion has begun.
const LIST_IF_TENANT_LIVE = `${TENANT_IS_LIVE_LUA}
if not tenantIsLive(KEYS[2]) then return 0 end
redis.call('ZADD', KEYS[1], 0, ARGV[1])
return 1
`;

// KEYS: the creation's key, the document, the set of all subscriptions, the change stream (one slot). ARGV: the
// document, the id, the stream's bound. Returns 1 when written, 0 when the creation's key is gone. The SET comes before
// any other write, so a Redis at its memory limit refuses the whole script.
const WRITE_IF_CREATING = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('SET', KEYS[2], ARGV[1])
redis.call('SADD', KEYS[3], ARGV[2])
redis.call('XADD', KEYS[4], 'MAXLEN', '~', ARGV[3], '*', 'id', ARGV[2])
redis.call('DEL', KEYS[1])
return 1
`;

// KEYS: the creation's key, the document (one slot). Returns 1 when the creation's key was dropped, 0 when the
// document exists (its creation finished meanwhile: it is removed as any other).
const ABANDON_IF_UNWRITTEN = `
if redis.call('EXISTS', KEYS[2]) == 1 then return 0 end
redis.call('DEL', KEYS[1])
return 1
`;

/**
 * How long a creation may take between writing its key and its document (two commands in a row, create): one that
 * takes longer finds its key gone and is refused, as for a deleted tenant. Also how long a crash leaves the key.
 */
const CREATION_LIFETIME_S = 3600;

/** A listed id of a tenant and its document (null: its creation has not written it yet, or stopped before it did). */
export interface ListedSubscription {
  id: string;
  subscription: Subscription | null;
}

/**
 * Subscriptions as JSON documents, a per-tenant id list for paging, and a change stream that
 * lets every worker's in-memory index catch up within a poll interval.
 *
 * The document, the set of all subscriptions and the change stream share one slot and change in one MULTI, so a
 * change is announced exactly when its document is written. The tenant's list (another slot) is written before and
 * cleared after: a crash in between leaves at most an id whose document is gone, which listing skips.
 */
export class SubscriptionStore {
  /** Hear this process's own writes (a copy of the index here need not wait for its next poll to know of them). */
  private readonly writeListeners: Array<() => void> = [];

  constructor(private readonly redis: RedisClient, private readonly keys: Keys) {}

  /** Calls `listener` after each subscription this store writes or removes (its change stream entry written). */
  onWrite(listener: () => void): void {
    this.writeListeners.push(listener);
  }

  private written(): void {
    for (const listener of this.writeListeners) listener();
  }

  /**
   * A new subscription of a tenant that is there to be used; false (nothing written) when the tenant is unknown or its
   * deletion has begun, though the caller's own check found it a moment before. A tenant deletion and a creation can
   * interleave anyhow, and the tenant's record and list (`{P:ten:<id>}`) and the document (`{P:subs}`) are on different
   * slots of a Redis Cluster, so no one script can check the one and write the other. Three writes make it safe instead:
   * 1. the creation's key (the document's slot);
   * 2. the id into the tenant's list, in one script with the check that the tenant is live (the list's slot): a deletion
   *    begun before this refuses it, and one begun after lists the id, as it reads the list only after its first write;
   * 3. the document, in one script with the check that the creation's key is still there (the document's slot).
   * The deletion drops the creation's key of every listed id without a document (abandonCreation), so of it and step 3
   * whichever runs first wins: the subscription is written and then deleted with the others, or never written. No
   * marker has to outlive the deletion, as one left for late writers would. Re-listing and deleting stragglers at the end
   * of the deletion would not do: a creation may write its document at any later moment.
   * If Redis refuses a write (its memory limit), the entry and the creation's key are taken back: an entry left behind
   * would count towards the tenant's limit (countForTenant). ZREM and DEL need no memory, so a Redis at its limit takes
   * them. Any other failure leaves them: the document may have been written.
   */
  async create(subscription: Subscription): Promise<boolean> {
    const creation = this.keys.subscriptionCreation(subscription.id);
    const listed = this.keys.tenantSubscriptions(subscription.tenant);
    try {
      await this.redis.set(creation, subscription.tenant, 'EX', CREATION_LIFETIME_S);
      if (Number(await this.redis.eval(LIST_IF_TENANT_LIVE, 2, listed, this.keys.tenant(subscription.tenant), subscription.id)) !== 1) {
        await this.redis.del(creation);
        return false;
      }
      const written = await this.redis.eval(
        WRITE_IF_CREATING,
        4,
        creation,
        this.keys.subscription(subscription.id),
        this.keys.allSubscriptions(),
        this.keys.subscriptionChanges(),
        JSON.stringify(subscription),
        subscription.id,
        CHANGE_STREAM_LENGTH,
      );
      if (Number(written) === 1) {
        this.written();
        return true;
      }
      await this.redis.zrem(listed, subscription.id);
      return false;
    } catch (error) {
      if (isStoreRefusingWrites(error)) await batch(this.redis).zrem(listed, subscription.id).del(creation).exec().catch(() => undefined);
      throw error;
    }
  }

  /**
   * A subscription document written as it is, over any stored one, without create's check of its tenant: for a
   * document read from the store and written back, and for fixtures. Listed first, so a document is never without its
   * entry; a refused MULTI wrote nothing, so its entry is taken back as create's is.
   */
  async save(subscription: Subscription): Promise<void> {
    const listed = this.keys.tenantSubscriptions(subscription.tenant);
    await this.redis.zadd(listed, 0, subscription.id);
    try {
      await this.redis
        .multi()
        .set(this.keys.subscription(subscription.id), JSON.stringify(subscription))
        .sadd(this.keys.allSubscriptions(), subscription.id)
        .xadd(this.keys.subscriptionChanges(), 'MAXLEN', '~', CHANGE_STREAM_LENGTH, '*', 'id', subscription.id)
        .exec();
      this.written();
    } catch (error) {
      if (isStoreRefusingWrites(error)) await this.redis.zrem(listed, subscription.id).catch(() => undefined);
      throw error;
    }
  }

  /**
   * A read-modify-write of one stored subscription that no other write can interleave with: `change` gets the document
   * as stored and returns the next one (null: leave it), which is written, with its change stream entry, only if the
   * document is still as read (compare-and-set, as compare-and-set.ts); otherwise it is read and `change` asked again,
   * at most MAX_UPDATE_TRIES times in all (then a 409). `change` may be asynchronous: the API's PATCH looks a new URL
   * up. Of two workers disabling it at once, exactly one writes (subscription-effects.ts); a PATCH that read it active
   * does not undo a disable written meanwhile (apps/api/src/subscription-service.ts). Returns what was written, or
   * null. The tenant's list is not touched: the document exists, so save has listed it, and its tenant never changes.
   */
  async update(id: string, change: (current: Subscription) => Subscription | null | Promise<Subscription | null>): Promise<Subscription | null> {
    for (let tries = 1; ; tries += 1) {
      const read = await this.redis.get(this.keys.subscription(id));
      if (!read) return null;
      const next = await change(JSON.parse(read) as Subscription);
      if (!next) return null;
      if (await this.writeIfUnchanged(id, read, next)) return next;
      if (tries >= MAX_UPDATE_TRIES) throw new Conflict(`subscription ${id} changed under ${tries} writes in a row; send the change again`);
    }
  }

  private async writeIfUnchanged(id: string, read: string, next: Subscription): Promise<boolean> {
    const written = await this.redis.eval(
      SAVE_IF_UNCHANGED,
      3,
      this.keys.subscription(id),
      this.keys.allSubscriptions(),
      this.keys.subscriptionChanges(),
      read,
      JSON.stringify(next),
      id,
      CHANGE_STREAM_LENGTH,
    );
    if (Number(written) !== 1) return false;
    this.written();
    return true;
  }

  async get(id: string): Promise<Subscription | null> {
    const raw = await this.redis.get(this.keys.subscription(id));
    return raw ? (JSON.parse(raw) as Subscription) : null;
  }

  async getMany(ids: readonly string[]): Promise<Array<Subscription | null>> {
    const raws = await getMany(this.redis, ids.map((id) => this.keys.subscription(id)));
    return raws.map((raw) => (raw ? (JSON.parse(raw) as Subscription) : null));
  }

  /** The tenant's subscriptions in creation order (ids are time-ordered), `cursor` being the last id seen. */
  async list(
    tenant: string,
    options: { limit: number; cursor?: string | undefined; filter?: (subscription: Subscription) => boolean },
  ): Promise<SubscriptionPage> {
    const data: Subscription[] = [];
    let from = options.cursor ? `(${options.cursor}` : '-';
    const chunk = Math.max(options.limit, 50);
    for (;;) {
      const ids = await this.redis.zrangebylex(this.keys.tenantSubscriptions(tenant), from, '+', 'LIMIT', 0, chunk);
      if (ids.length === 0) return { data, next_cursor: null };
      const subscriptions = await this.getMany(ids);
      for (let index = 0; index < ids.length; index += 1) {
        const subscription = subscriptions[index];
        if (!subscription || (options.filter && !options.filter(subscription))) continue;
        data.push(subscription);
        if (data.length === options.limit) {
          const lastId = ids[index] as string;
          const more = index < ids.length - 1 || (await this.redis.zrangebylex(this.keys.tenantSubscriptions(tenant), `(${lastId}`, '+', 'LIMIT', 0, 1)).length > 0;
          return { data, next_cursor: more ? lastId : null };
        }
      }
      if (ids.length < chunk) return { data, next_cursor: null };
      from = `(${ids[ids.length - 1] as string}`;
    }
  }

  /**
   * A page of the tenant's list in id order after `after`, with each id's document or null, for its deletion: unlike
   * `list`, ids without a document are answered too (abandonCreation).
   */
  async listedPage(tenant: string, limit: number, after: string | null): Promise<ListedSubscription[]> {
    const ids = await this.redis.zrangebylex(this.keys.tenantSubscriptions(tenant), after === null ? '-' : `(${after}`, '+', 'LIMIT', 0, limit);
    const subscriptions = await this.getMany(ids);
    return ids.map((id, index) => ({ id, subscription: subscriptions[index] ?? null }));
  }

  /**
   * For a tenant being deleted, a listed id without a document: its creation's key is dropped, so a creation still
   * under way never writes it (create), and the id leaves the list. False, and the id stays listed, when the document
   * was written after all (between the deletion's read and this): it is then removed as any other.
   */
  async abandonCreation(tenant: string, id: string): Promise<boolean> {
    const dropped = Number(await this.redis.eval(ABANDON_IF_UNWRITTEN, 2, this.keys.subscriptionCreation(id), this.keys.subscription(id))) === 1;
    if (dropped) await this.redis.zrem(this.keys.tenantSubscriptions(tenant), id);
    return dropped;
  }

  /** Whether this call removed the document (false: it was gone already, removed by another at once). */
  async remove(subscription: Subscription): Promise<boolean> {
    const results = await this.redis
      .multi()
      .del(this.keys.subscription(subscription.id))
      .srem(this.keys.allSubscriptions(), subscription.id)
      .xadd(this.keys.subscriptionChanges(), 'MAXLEN', '~', CHANGE_STREAM_LENGTH, '*', 'id', subscription.id)
      .exec();
    this.written();
    await execChecked(batch(this.redis).zrem(this.keys.tenantSubscriptions(subscription.tenant), subscription.id).del(this.keys.subscriptionState(subscription.id)));
    return Number(results?.[0]?.[1]) === 1;
  }

  async countForTenant(tenant: string): Promise<number> {
    return this.redis.zcard(this.keys.tenantSubscriptions(tenant));
  }

  async allIds(): Promise<string[]> {
    return this.redis.smembers(this.keys.allSubscriptions());
  }

  /** Profile bookkeeping fields (last_status_code, ct_failed …) kept beside the document, written per attempt. */
  async bookkeeping(id: string): Promise<Record<string, string>> {
    return this.redis.hgetall(this.keys.subscriptionState(id));
  }
}
