import type { StoredEvent } from '@hookfleet/core';
import type { EventStore } from '@hookfleet/store';

/** Events never change once accepted, so delivery workers keep the recent ones and read each payload once. */
export class EventCache {
  private readonly entries = new Map<string, StoredEvent>();

  constructor(private readonly store: EventStore, private readonly capacity = 20_000) {}

  async getMany(ids: readonly string[]): Promise<Map<string, StoredEvent>> {
    const found = new Map<string, StoredEvent>();
    const missing: string[] = [];
    for (const id of ids) {
      const event = this.entries.get(id);
      if (event) found.set(id, event);
      else missing.push(id);
    }
    if (missing.length > 0) {
      const loaded = await this.store.getMany(missing);
      loaded.forEach((event, index) => {
        if (!event) return;
        found.set(missing[index] as string, event);
        this.remember(event);
      });
    }
    return found;
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
