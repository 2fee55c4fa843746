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
    if (this.entries.size >= this.capacity) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(event.id, event);
  }
}
