import type { RedisClient } from './redis.js';
import { Conflict, type Subscription } from '@hookfleet/core';
import { batch, execChecked, getMany } from './batch.js';
import type { Keys } from './keys.js';
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

/**
 * Subscriptions as JSON documents, a per-tenant id list for paging, and a change stream that
 * lets every worker's in-memory index catch up within a poll interval.
 *
 * The document, the set of all subscriptions and the change stream share one slot and change in one MULTI, so a
 * change is announced exactly when its document is written. The tenant's list (another slot) is written before and
 * cleared after: a crash in between leaves at most an id whose document is gone, which listing skips.
 */
export class SubscriptionStore {
  constructor(private readonly redis: RedisClient, private readonly keys: Keys) {}

  /**
   * A new subscription: listed first, so a document is never without its entry. If Redis refuses the document (it
   * reached its limit after taking the entry), the entry is taken back: a refused MULTI wrote nothing, and an entry
   * left behind would count towards the tenant's limit (countForTenant). ZREM needs no memory, so a Redis at its limit
   * takes it. Any other failure leaves the entry: the document may have been written.
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
    return Number(written) === 1;
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

  /** Whether this call removed the document (false: it was gone already, removed by another at once). */
  async remove(subscription: Subscription): Promise<boolean> {
    const results = await this.redis
      .multi()
      .del(this.keys.subscription(subscription.id))
      .srem(this.keys.allSubscriptions(), subscription.id)
      .xadd(this.keys.subscriptionChanges(), 'MAXLEN', '~', CHANGE_STREAM_LENGTH, '*', 'id', subscription.id)
      .exec();
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
