import type { StoredEvent } from '@hookfleet/core';
import type { EventStore } from '@hookfleet/store';

/**
 * Events never change once accepted, so delivery workers keep the recent ones and read each payload once. The recent
 * ones are two generations: events are remembered in the newer; when it holds half the capacity it becomes the older
 * and the older is dropped whole, with no entry deleted one by one (evicting the oldest eighth in one pass when full
 * deleted thousands of entries from one long-lived map, whose table V8 then rebuilt): `remember` took 1.6–2.2 % of a
 * worker's samples at fan-out 1 and in the batch scenario, now 1.1–1.4 % (bench/README.md, the eighteenth round).
 */
export class EventCache {
  private newer = new Map<string, StoredEvent>();
  private older = new Map<string, StoredEvent>();
  /**
   * Reads in progress, by event id: the group jobs of one event's many subscriptions start together, and without
   * this each read and parsed the payload itself (1,000 subscriptions × 4 KB: 8,650 copies of 50 payloads alive at once).
   * One read's promise is shared by all the ids it loads (each id knows its place in it): a promise per id was a
   * matcher job's 500 promises and closures for one round trip.
   */
  private readonly loading = new Map<string, { read: Promise<Array<StoredEvent | null>>; index: number }>();

  constructor(
    private readonly store: EventStore,
    private readonly capacity = 20_000,
  ) {}

  /**
   * `remember` false: what is read is not kept (a batch member handed over at acceptance is read once, by its batch
   * job: kept, 20,000 events outlived young collections for nothing).
   */
  async getMany(ids: readonly string[], remember = true): Promise<Map<string, StoredEvent>> {
    const found = new Map<string, StoredEvent>();
    const missing: string[] = [];
    let others: Array<[string, { read: Promise<Array<StoredEvent | null>>; index: number }]> | undefined;
    for (const id of ids) {
      const event = this.newer.get(id) ?? this.older.get(id);
      if (event) found.set(id, event);
      else {
        const load = this.loading.get(id);
        if (load) (others ??= []).push([id, load]);
        else missing.push(id);
      }
    }
    if (missing.length > 0) {
      const read = this.store.getManyForDelivery(missing);
      missing.forEach((id, index) => this.loading.set(id, { read, index }));
      try {
        const events = await read;
        events.forEach((event, index) => {
          if (!event) return;
          if (remember) this.remember(event);
          found.set(missing[index] as string, event);
        });
      } finally {
        for (const id of missing) if (this.loading.get(id)?.read === read) this.loading.delete(id);
      }
    }
    if (others) {
      for (const [id, { read, index }] of others) {
        const event = (await read)[index];
        if (event) found.set(id, event);
      }
    }
    return found;
  }

  /** Events that are gone from Redis (retention 0, all delivered) leave the cache too. */
  forget(ids: readonly string[]): void {
    for (const id of ids) {
      this.newer.delete(id);
      this.older.delete(id);
    }
  }

  remember(event: StoredEvent): void {
    this.newer.set(event.id, event);
    if (this.newer.size >= this.capacity >> 1) {
      this.older = this.newer;
      this.newer = new Map();
    }
  }

  /** Events held now (between half the capacity and the capacity once it has filled). */
  get size(): number {
    return this.newer.size + this.older.size;
  }
}
