import { newId } from '@hookfleet/core';

/** A fresh event id like the API's own (`evt_` + time + randomness). */
export function newEventId(): string {
  return newId('evt');
}

/**
 * The event with an id: the API deduplicates by id for 24 h, so an id fixed before the first try makes every
 * retry of the same publish a no-op instead of a second delivery.
 */
export function withEventId<Event extends { id?: string | undefined }>(event: Event): Event & { id: string } {
  return { ...event, id: event.id ?? newEventId() };
}

/** Splits items into chunks of at most `size`, in order. */
export function chunk<Item>(items: readonly Item[], size: number): Item[][] {
  const chunks: Item[][] = [];
  for (let start = 0; start < items.length; start += size) chunks.push(items.slice(start, start + size));
  return chunks;
}
