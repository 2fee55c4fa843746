import { describe, expect, it } from '@jest/globals';
import type { StoredEvent } from '@hookfleet/core';
import type { EventStore } from '@hookfleet/store';
import { EventCache } from './event-cache.js';

function storeOf(events: StoredEvent[], reads: string[][]): EventStore {
  return {
    async getManyForDelivery(ids: readonly string[]) {
      reads.push([...ids]);
      await new Promise((resolve) => setTimeout(resolve, 5));
      // A new object per read, as JSON.parse gives.
      return ids.map((id) => {
        const event = events.find((candidate) => candidate.id === id);
        return event ? { ...event } : null;
      });
    },
  } as unknown as EventStore;
}

const event = (id: string) =>
  ({
    id,
    tenant: 't',
    profile: 'standard',
    type: 'a.b',
    data: {},
    occurred_at: '',
    received_at: '',
    actor: null,
    fields_changed: null,
    visible_to: null,
  }) as StoredEvent;

describe('EventCache', () => {
  it('reads an event once when many groups ask for it at the same time, and hands them the same object', async () => {
    const reads: string[][] = [];
    const cache = new EventCache(storeOf([event('evt_1'), event('evt_2')], reads));
    const results = await Promise.all(Array.from({ length: 20 }, () => cache.getMany(['evt_1', 'evt_2', 'evt_gone'])));
    expect(reads).toEqual([['evt_1', 'evt_2', 'evt_gone']]);
    expect(new Set(results.map((found) => found.get('evt_1'))).size).toBe(1);
    expect(results.every((found) => found.size === 2)).toBe(true);
    // Later calls are served from memory; an id that was missing is asked for again.
    await cache.getMany(['evt_1', 'evt_gone']);
    expect(reads).toEqual([['evt_1', 'evt_2', 'evt_gone'], ['evt_gone']]);
  });

  it('passes a failed read to every caller waiting on it, and tries again next time', async () => {
    let fail = true;
    const store = {
      async getManyForDelivery(ids: readonly string[]) {
        await new Promise((resolve) => setTimeout(resolve, 5));
        if (fail) throw new Error('redis away');
        return ids.map((id) => event(id));
      },
    } as unknown as EventStore;
    const cache = new EventCache(store);
    const outcomes = await Promise.allSettled([cache.getMany(['evt_1']), cache.getMany(['evt_1'])]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['rejected', 'rejected']);
    fail = false;
    expect((await cache.getMany(['evt_1'])).get('evt_1')?.id).toBe('evt_1');
  });

  it('keeps the most recent events, at most its capacity, dropping the oldest half at once, and forgets on request', async () => {
    const reads: string[][] = [];
    const ids = Array.from({ length: 25 }, (_, index) => `evt_${index}`);
    const cache = new EventCache(storeOf(ids.map(event), reads), 10);
    for (const id of ids) cache.remember(event(id));
    expect(cache.size).toBeLessThanOrEqual(10);
    expect(cache.size).toBeGreaterThanOrEqual(5);
    // The last five remembered are always held; the oldest are read again.
    await cache.getMany(ids.slice(20));
    expect(reads).toEqual([]);
    await cache.getMany(['evt_0', 'evt_24']);
    expect(reads).toEqual([['evt_0']]);
    cache.forget(['evt_24', 'evt_0']);
    await cache.getMany(['evt_24', 'evt_0']);
    expect(reads).toEqual([['evt_0'], ['evt_24', 'evt_0']]);
  });
});
