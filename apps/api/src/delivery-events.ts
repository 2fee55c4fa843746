import type { DeliveryListEntry } from '@hookfleet/core';
import type { EventStore } from '@hookfleet/store';

/** A page of a subscription's deliveries, each with its event's type (read in one round trip), for people to tell them apart. */
export async function withEventTypes<Page extends { data: Array<Omit<DeliveryListEntry, 'event_type'>> }>(
  page: Page,
  events: EventStore,
): Promise<Omit<Page, 'data'> & { data: DeliveryListEntry[] }> {
  const stored = await events.getMany(page.data.map((delivery) => delivery.event_id));
  return { ...page, data: page.data.map((delivery, index) => ({ ...delivery, event_type: stored[index]?.type ?? null })) };
}
