import type { RedisClient } from './redis.js';
import type { Subscription } from '@hookfleet/core';
import { batch, execChecked, getMany } from './batch.js';
import type { Keys } from './keys.js';

export interface SubscriptionPage {
  data: Subscription[];
  next_cursor: string | null;
}

/** Bound on the change stream the workers' caches follow; a cache further behind reloads everything. */
const CHANGE_STREAM_LENGTH = 100_000;

/**
 * Subscriptions as JSON documents, a per-tenant id list for paging, and a change stream that
 * lets every worker's in-memory index catch up within a poll interval.
 *
 * The document, the set of all subscriptions and the change stream share one slot and change in one MULTI, so a
 * change is announced exactly when its document is written. The tenant's list (another slot) follows: a crash in
 * between leaves at most an id whose document is gone, which listing skips.
 */
export class SubscriptionStore {
  constructor(private readonly redis: RedisClient, private readonly keys: Keys) {}

  async save(subscription: Subscription): Promise<void> {
    await this.redis.zadd(this.keys.tenantSubscriptions(subscription.tenant), 0, subscription.id);
    await this.redis
      .multi()
      .set(this.keys.subscription(subscription.id), JSON.stringify(subscription))
      .sadd(this.keys.allSubscriptions(), subscription.id)
      .xadd(this.keys.subscriptionChanges(), 'MAXLEN', '~', CHANGE_STREAM_LENGTH, '*', 'id', subscription.id)
      .exec();
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

  async remove(subscription: Subscription): Promise<void> {
    await this.redis
      .multi()
      .del(this.keys.subscription(subscription.id))
      .srem(this.keys.allSubscriptions(), subscription.id)
      .xadd(this.keys.subscriptionChanges(), 'MAXLEN', '~', CHANGE_STREAM_LENGTH, '*', 'id', subscription.id)
      .exec();
    await execChecked(batch(this.redis).zrem(this.keys.tenantSubscriptions(subscription.tenant), subscription.id).del(this.keys.subscriptionState(subscription.id)));
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
