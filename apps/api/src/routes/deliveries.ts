import { Router, type Request } from 'express';
import { deliveryListQuerySchema, NotFound, type Delivery } from '@hookfleet/core';
import type { DeliveryStore, EventStore } from '@hookfleet/store';
import { attemptAgainNow, type HookfleetQueues } from '@hookfleet/queue';
import { parseOrThrow } from '../validate.js';
import { withEventTypes } from '../delivery-events.js';
import type { SubscriptionService } from '../subscription-service.js';
import { tenantScope } from './subscriptions.js';

/** Deliveries as a queryable log: one, a filtered list per subscription, and one more attempt now. */
export function deliveryRoutes(deliveries: DeliveryStore, subscriptions: SubscriptionService, events: EventStore, queues: HookfleetQueues): Router {
  const router = Router();

  async function ownedDelivery(request: Request): Promise<Delivery> {
    const id = String(request.params.id);
    const delivery = await deliveries.get(id);
    if (!delivery) throw new NotFound(`delivery ${id} not found`);
    const scope = tenantScope(request);
    if (scope !== null) {
      const subscription = await subscriptions.store.get(delivery.subscription_id);
      if (!subscription || subscription.tenant !== scope) throw new NotFound(`delivery ${id} not found`);
    }
    return delivery;
  }

  router.get('/v1/deliveries', async (request, response) => {
    const query = parseOrThrow(deliveryListQuerySchema, request.query, 'invalid query');
    await subscriptions.getOwned(query.subscription, tenantScope(request));
    response.json(await withEventTypes(await deliveries.list({ ...query, subscriptionId: query.subscription }), events));
  });

  router.get('/v1/deliveries/:id', async (request, response) => {
    response.json(await ownedDelivery(request));
  });

  router.post('/v1/deliveries/:id/retry', async (request, response) => {
    const delivery = await ownedDelivery(request);
    const subscription = await subscriptions.getOwned(delivery.subscription_id, tenantScope(request));
    const [event] = await events.getMany([delivery.event_id]);
    if (!event) throw new NotFound(`the event of delivery ${delivery.id} is past the retention`);
    await attemptAgainNow(queues.deliveriesFor, deliveries, [
      { deliveryId: delivery.id, eventId: event.id, subscriptionId: subscription.id, profile: subscription.profile, eventReceivedAt: Date.parse(event.received_at), attempts: delivery.attempts, ordered: subscription.ordered === true },
    ]);
    response.status(202).json({ ...delivery, status: 'pending', next_attempt_at: new Date().toISOString() });
  });

  return router;
}
