import { deliveryIdFor, type DeliveryStatus } from '@hookfleet/core';
import { batch, execChecked, getMany } from './batch.js';
import type { AttemptResult, DeliveryState } from './delivery-store.js';
import { eventSubscriptions } from './event-subscriptions.js';
import type { Keys } from './keys.js';
import type { RedisClient } from './redis.js';

/**
 * With retention 0, once every delivery of an event has ended (delivered or dead), the event's payload, its
 * delivery set and its delivered records go; dead ones stay, the dead-letter queue, for their TTL. A worker records
 * its outcomes before it looks, so of two workers ending an event's last two deliveries at once the later one
 * sees both ended. A delivery the event was handed over to at acceptance whose record is not written yet has not
 * ended. Only single-key commands: no assumption about where keys live. `statesOf`: the records' states
 * (DeliveryStore.states).
 */
export async function releaseEndedEvents(
  redis: RedisClient,
  keys: Keys,
  statesOf: (ids: readonly string[]) => Promise<Array<DeliveryState | null>>,
  results: readonly AttemptResult[],
): Promise<string[]> {
  const candidates = results.filter((result) => result.status === 'delivered' || result.status === 'dead');
  if (candidates.length === 0) return [];
  const known = new Map<string, DeliveryStatus>(candidates.map((result) => [result.deliveryId, result.status]));
  const eventIds = [...new Set(candidates.map((result) => result.record.event_id))];
  const stored = await getMany(redis, [...eventIds.map((eventId) => keys.event(eventId)), ...eventIds.map((eventId) => keys.eventSubscriptions(eventId))]);
  const members = eventIds.map((_, index) => eventSubscriptions(stored[index], stored[eventIds.length + index]));
  // The deliveries this batch did not end itself are read; a fan-out 1 event needs no read at all.
  const perEvent = eventIds.map((eventId, index) =>
    (members[index] ?? []).map(({ subscriptionId, handedOver }) => ({ id: deliveryIdFor(eventId, subscriptionId), subscriptionId, handedOver })),
  );
  const unknown = perEvent.flat().filter((delivery) => !known.has(delivery.id));
  if (unknown.length > 0) {
    const states = await statesOf(unknown.map((delivery) => delivery.id));
    // A record gone is one released or expired, so ended; but one the event was handed over to at acceptance may
    // not be written yet (payload-value.ts): that delivery is still to come.
    unknown.forEach((delivery, index) => known.set(delivery.id, states[index]?.status ?? (delivery.handedOver ? 'pending' : 'delivered')));
  }
  const released: string[] = [];
  const pipeline = batch(redis);
  eventIds.forEach((eventId, index) => {
    const deliveries = perEvent[index] ?? [];
    if (deliveries.length === 0 || deliveries.some((delivery) => known.get(delivery.id) !== 'delivered' && known.get(delivery.id) !== 'dead')) return;
    released.push(eventId);
    pipeline.del(keys.event(eventId));
    pipeline.del(keys.eventSubscriptions(eventId));
    for (const delivery of deliveries) {
      if (known.get(delivery.id) !== 'delivered') continue;
      pipeline.del(keys.delivery(delivery.id));
      pipeline.zrem(keys.subscriptionDeliveries(delivery.subscriptionId), delivery.id);
    }
  });
  if (released.length > 0) await execChecked(pipeline);
  return released;
}
