import type { RedisClient } from './redis.js';
import { compileEventFilter, type EventPredicate, type StoredEvent, type Subscription } from '@hookfleet/core';
import { findProfile, type ProviderProfile } from '@hookfleet/profiles';
import type { Keys } from './keys.js';
import type { SubscriptionStore } from './subscription-store.js';

export interface SubscriptionIndexOptions {
  /** How often the change stream is polled; changes are seen within this interval. */
  pollIntervalMs?: number;
  onError?: (error: unknown) => void;
  /** A subscription this copy held active was disabled or deleted (seen in the change stream): its last active form. */
  onEnded?: (previous: Subscription) => void;
  /** A subscription this copy held was changed and is still there (seen in the change stream): both forms. */
  onChanged?: (previous: Subscription, current: Subscription) => void;
}

const indexKey = (tenant: string, profile: string, pattern: string) => `${tenant}\u0000${profile}\u0000${pattern}`;

/** Key lists kept by SubscriptionIndex.indexKeysFor before it starts over. */
const MAX_CACHED_KEY_LISTS = 10_000;

/**
 * The worker's in-memory copy of every subscription, keyed by (tenant, profile, event pattern), so matching
 * an event looks up a few sets instead of scanning subscriptions. It follows the store's change stream.
 */
export class SubscriptionIndex {
  private readonly byId = new Map<string, Subscription>();
  private readonly byPattern = new Map<string, Set<string>>();
  /** Each filtered subscription's predicate, compiled once when the subscription enters this copy, not per event. */
  private readonly filters = new Map<string, EventPredicate>();
  /** indexKeysFor's lists, by tenant, profile and event type. */
  private readonly keysByTriple = new Map<string, readonly string[]>();
  private lastChangeId = '0-0';
  private timer: NodeJS.Timeout | undefined;
  private polling: Promise<void> | undefined;
  private readonly pollIntervalMs: number;
  private pollStartedAt = 0;
  private stopped = false;

  constructor(
    private readonly redis: RedisClient,
    private readonly keys: Keys,
    private readonly store: SubscriptionStore,
    private readonly options: SubscriptionIndexOptions = {},
  ) {
    this.pollIntervalMs = options.pollIntervalMs ?? 250;
  }

  async start(): Promise<void> {
    await this.reload();
    // Stopped while it loaded (a process that stops before Redis answered): no poll is started after the stop.
    if (this.stopped) return;
    this.timer = setInterval(() => {
      this.pollOnce().catch((error: unknown) => this.options.onError?.(error));
    }, this.pollIntervalMs);
    this.timer.unref();
  }

  /**
   * Catches up with every change written before this call: a poll already running may have started
   * before the caller's change, so it is awaited and, if so, followed by a fresh one.
   */
  async refresh(): Promise<void> {
    const calledAt = performance.now();
    if (this.polling && this.pollStartedAt > calledAt) return this.polling;
    await this.polling?.catch(() => undefined);
    if (this.polling && this.pollStartedAt > calledAt) return this.polling;
    return this.pollOnce();
  }

  private pollOnce(): Promise<void> {
    if (!this.polling) {
      this.pollStartedAt = performance.now();
      this.polling = this.poll().finally(() => {
        this.polling = undefined;
      });
    }
    return this.polling;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.polling?.catch(() => undefined);
  }

  get(id: string): Subscription | undefined {
    return this.byId.get(id);
  }

  /** Every subscription held, active or not. */
  all(): IterableIterator<Subscription> {
    return this.byId.values();
  }

  get size(): number {
    return this.byId.size;
  }

  /** Active subscriptions that take this event: the indexed candidates, then the profile's own filters. */
  match(event: StoredEvent): Subscription[] {
    const profile = findProfile(event.profile);
    if (!profile) return [];
    const matched = new Map<string, Subscription>();
    for (const key of this.indexKeysFor(event.tenant, profile, event.type)) {
      const ids = this.byPattern.get(key);
      if (!ids) continue;
      for (const id of ids) {
        if (matched.has(id)) continue;
        const subscription = this.byId.get(id);
        if (!subscription || !subscription.active) continue;
        if (profile.acceptsEvent && !profile.acceptsEvent(subscription, event)) continue;
        // Unfiltered subscriptions pay one property read here (docs/performance.md, "Payload filters").
        if (subscription.filter && !(this.filters.get(id) as EventPredicate)(event)) continue;
        matched.set(id, subscription);
      }
    }
    return [...matched.values()];
  }

  /**
   * The index keys an event of (tenant, profile, type) looks up: its profile's patterns for the type, each with the
   * tenant and profile. They depend on nothing else, and a fleet sees few distinct triples, so they are made once
   * each instead of once an event (the patterns' arrays and keys were a tenth of the matcher's allocations).
   */
  private indexKeysFor(tenant: string, profile: Pick<ProviderProfile, 'name' | 'subscriptionPatternsFor'>, type: string): readonly string[] {
    const triple = `${tenant}\u0000${profile.name}\u0000${type}`;
    let keys = this.keysByTriple.get(triple);
    if (!keys) {
      if (this.keysByTriple.size >= MAX_CACHED_KEY_LISTS) this.keysByTriple.clear();
      keys = profile.subscriptionPatternsFor(type).map((pattern) => indexKey(tenant, profile.name, pattern));
      this.keysByTriple.set(triple, keys);
    }
    return keys;
  }

  /** Reads everything again: at start, and when the change stream was trimmed past this copy. */
  async reload(): Promise<void> {
    const latest = await this.redis.xrevrange(this.keys.subscriptionChanges(), '+', '-', 'COUNT', 1);
    const ids = await this.store.allIds();
    this.byId.clear();
    this.byPattern.clear();
    this.filters.clear();
    for (let offset = 0; offset < ids.length; offset += 1000) {
      const subscriptions = await this.store.getMany(ids.slice(offset, offset + 1000));
      for (const subscription of subscriptions) if (subscription) this.put(subscription);
    }
    this.lastChangeId = latest[0]?.[0] ?? '0-0';
  }

  /** Applies the changes since the last poll. */
  async poll(): Promise<void> {
    const result = (await this.redis.xread('COUNT', 5000, 'STREAMS', this.keys.subscriptionChanges(), this.lastChangeId)) as Array<
      [string, Array<[string, string[]]>]
    > | null;
    const entries = result?.[0]?.[1];
    if (!entries || entries.length === 0) return;
    const first = await this.redis.xrange(this.keys.subscriptionChanges(), '-', '+', 'COUNT', 1);
    const oldestKept = first[0]?.[0];
    // The entry after our last one was trimmed away: changes may be missing, so start over.
    if (this.lastChangeId !== '0-0' && oldestKept && compareStreamIds(oldestKept, this.lastChangeId) > 0) {
      await this.reload();
      return;
    }
    const changedIds = [...new Set(entries.map(([, fields]) => fields[1] as string))];
    const subscriptions = await this.store.getMany(changedIds);
    changedIds.forEach((id, index) => {
      const previous = this.byId.get(id);
      this.drop(id);
      const subscription = subscriptions[index];
      if (subscription) this.put(subscription);
      if (previous?.active && !subscription?.active) this.options.onEnded?.(previous);
      if (previous && subscription) this.options.onChanged?.(previous, subscription);
    });
    this.lastChangeId = entries[entries.length - 1]?.[0] ?? this.lastChangeId;
  }

  private put(subscription: Subscription): void {
    this.byId.set(subscription.id, subscription);
    if (subscription.filter) this.filters.set(subscription.id, compileEventFilter(subscription.filter));
    for (const pattern of subscription.events) {
      const key = indexKey(subscription.tenant, subscription.profile, pattern);
      let ids = this.byPattern.get(key);
      if (!ids) this.byPattern.set(key, (ids = new Set()));
      ids.add(subscription.id);
    }
  }

  private drop(id: string): void {
    const previous = this.byId.get(id);
    if (!previous) return;
    this.byId.delete(id);
    this.filters.delete(id);
    for (const pattern of previous.events) {
      const key = indexKey(previous.tenant, previous.profile, pattern);
      const ids = this.byPattern.get(key);
      ids?.delete(id);
      if (ids?.size === 0) this.byPattern.delete(key);
    }
  }
}

function compareStreamIds(a: string, b: string): number {
  const [aMs = 0, aSeq = 0] = a.split('-').map(Number);
  const [bMs = 0, bSeq = 0] = b.split('-').map(Number);
  return aMs === bMs ? aSeq - bSeq : aMs - bMs;
}
