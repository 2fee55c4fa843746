import { deliveryListQuerySchema, NotFound, type Delivery } from '@hookfleet/core';
import { attemptAgainNow } from '@hookfleet/queue';
import { assertActive } from './active-subscription.js';
import { route, tenantScopeOf, type NativeRoute, type RouteCall, type RouteServices } from './route-table.js';
import { deliveryListPageSchema, deliverySchema } from './answer-schemas.js';
import { withEventTypes } from '../delivery-events.js';

/** The delivery of the path, if the caller's tenant owns its subscription. */
async function ownedDelivery(call: RouteCall, { deliveries, subscriptions }: RouteServices): Promise<Delivery> {
  const id = call.params.id as string;
  const delivery = await deliveries.get(id);
  if (!delivery) throw new NotFound(`delivery ${id} not found`);
  const scope = tenantScopeOf(call);
  if (scope !== null) {
    const subscription = await subscriptions.store.get(delivery.subscription_id);
    if (!subscription || subscription.tenant !== scope) throw new NotFound(`delivery ${id} not found`);
  }
  return delivery;
}

/** Deliveries as a queryable log: one, a filtered list per subscription, and one more attempt now. */
export const deliveryRoutes: NativeRoute[] = [
  route({
    method: 'get',
    path: '/v1/deliveries',
    summary: 'A subscription’s deliveries by status and time',
    tags: ['deliveries'],
    auth: ['operator', 'tenant', 'portal'],
    portal: { check: 'subscription-query' },
    query: deliveryListQuerySchema,
    answers: { 200: { description: 'A page of deliveries, each with its event’s type and time', schema: deliveryListPageSchema } },
    errors: ['not_found'],
    async handler(call, { subscriptions, deliveries, eventStore }) {
      await subscriptions.getOwned(call.query.subscription, tenantScopeOf(call));
      return { status: 200, body: await withEventTypes(await deliveries.list({ ...call.query, subscriptionId: call.query.subscription }), eventStore) };
    },
  }),
  route({
    method: 'get',
    path: '/v1/deliveries/:id',
    summary: 'One delivery',
    tags: ['deliveries'],
    auth: ['operator', 'tenant', 'portal'],
    portal: { check: 'delivery' },
    answers: { 200: { description: 'The delivery', schema: deliverySchema } },
    errors: ['not_found'],
    async handler(call, services) {
      return { status: 200, body: await ownedDelivery(call, services) };
    },
  }),
  route({
    method: 'post',
    path: '/v1/deliveries/:id/retry',
    summary: 'One more attempt now, same webhook-id',
    tags: ['deliveries'],
    auth: ['operator', 'tenant', 'portal'],
    portal: { check: 'delivery' },
    answers: {
      202: {
        description:
          'The delivery, status pending; `next_attempt_at` is when the attempt can go: now, or, while the endpoint is paused (its 429 or 503 with `Retry-After`, or the circuit breaker after a failure streak), when the pause ends',
        schema: deliverySchema,
      },
    },
    errors: ['not_found', 'conflict'],
    async handler(call, services) {
      const delivery = await ownedDelivery(call, services);
      const subscription = await services.subscriptions.getOwned(delivery.subscription_id, tenantScopeOf(call));
      // The worker would end the delivery dead without an attempt (a delivered one too).
      assertActive(subscription, 'retry');
      // The endpoint's pause, read beside the event: every worker's grant waits for its end, this attempt's too.
      const [[event], pauseEnd] = await Promise.all([services.eventStore.getMany([delivery.event_id]), services.endpointPauses.endOf(subscription.id)]);
      if (!event) throw new NotFound(`the event of delivery ${delivery.id} is past the retention`);
      await attemptAgainNow(services.queues.deliveriesFor, services.deliveries, [
        { deliveryId: delivery.id, eventId: event.id, subscriptionId: subscription.id, profile: subscription.profile, eventReceivedAt: Date.parse(event.received_at), attempts: delivery.attempts, ordered: subscription.ordered === true, batched: subscription.batch != null, onItsLadder: delivery.status === 'failed' },
      ]);
      const goesAt = Math.max(Date.now(), pauseEnd ?? 0);
      return { status: 202, body: { ...delivery, status: 'pending', next_attempt_at: new Date(goesAt).toISOString() } };
    },
  }),
];
