import type { StoredEvent } from '@hookfleet/core';
import type { EventStore } from '@hookfleet/store';

/** Events never change once accepted, so delivery workers keep the recent ones and read each payload once. */
export class EventCache {
  private readonly entries = new Map<string, StoredEvent>();
  /**
   * Reads in progress, by event id: the group jobs of one event's many subscriptions start together, and without
   * this each read and parsed the payload itself (1,000 subscriptions × 4 KB: 8,650 copies of 50 payloads alive at once).
   */
  private readonly loading = new Map<string, Promise<StoredEvent | null>>();

  constructor(
    private readonly store: EventStore,
    private readonly capacity = 20_000,
  ) {}

  async getMany(ids: readonly string[]): Promise<Map<string, StoredEvent>> {
    const found = new Map<string, StoredEvent>();
    const missing: string[] = [];
    const waiting: Array<[string, Promise<StoredEvent | null>]> = [];
    for (const id of ids) {
      const event = this.entries.get(id);
      if (event) found.set(id, event);
      else {
        const load = this.loading.get(id);
        if (load) waiting.push([id, load]);
        else missing.push(id);
      }
    }
    if (missing.length > 0) {
      const loaded = this.store.getMany(missing).then((events) => {
        for (const event of events) if (event) this.remember(event);
        return events;
      });
      missing.forEach((id, index) => {
        const one = loaded.then((events) => events[index] ?? null);
        this.loading.set(id, one);
        waiting.push([id, one]);
      });
      const forget = () => {
        for (const id of missing) this.loading.delete(id);
      };
      loaded.then(forget, forget);
    }
    const events = await Promise.all(waiting.map(([, load]) => load));
    waiting.forEach(([id], index) => {
      const event = events[index];
      if (event) found.set(id, event);
    });
    return found;
  }

  /** Events that are gone from Redis (retention 0, all delivered) leave the cache too. */
  forget(ids: readonly string[]): void {
    for (const id of ids) this.entries.delete(id);
  }

  remember(event: StoredEvent): void {
    // Full: the oldest eighth goes in one pass, instead of one iterator per event remembered.
    if (this.entries.size >= this.capacity) {
      let evict = Math.max(1, this.capacity >> 3);
      for (const id of this.entries.keys()) {
        this.entries.delete(id);
        if (--evict === 0) break;
      }
    }
    this.entries.set(event.id, event);
  }
}
