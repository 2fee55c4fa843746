import { Router } from 'express';
import { NotFound } from '@hookfleet/core';
import type { DeliveryStore } from '@hookfleet/store';
import type { SubscriptionService } from '../subscription-service.js';
import { tenantScope } from './subscriptions.js';

export function deliveryRoutes(deliveries: DeliveryStore, subscriptions: SubscriptionService): Router {
  const router = Router();
  router.get('/v1/deliveries/:id', async (request, response) => {
    const delivery = await deliveries.get(request.params.id);
    if (!delivery) throw new NotFound(`delivery ${request.params.id} not found`);
    const scope = tenantScope(request);
    if (scope !== null) {
      const subscription = await subscriptions.store.get(delivery.subscription_id);
      if (!subscription || subscription.tenant !== scope) throw new NotFound(`delivery ${request.params.id} not found`);
    }
    response.json(delivery);
  });
  return router;
}
