import { Router } from 'express';
import { ATTEMPT_LOG_LENGTH, type DeliveryStore } from '@hookfleet/store';
import type { SubscriptionService } from '../subscription-service.js';
import { endpointStats } from './endpoint-stats.js';
import { ownerScope } from './subscription-scope.js';

/** GET /v1/subscriptions/:id/stats: the last 24 h of an endpoint, so a list of endpoints needs no attempt logs. */
export function endpointStatsRoutes(subscriptions: SubscriptionService, deliveries: DeliveryStore): Router {
  const router = Router();
  router.get('/v1/subscriptions/:id/stats', async (request, response) => {
    const subscription = await subscriptions.getOwned(request.params.id, ownerScope(request));
    response.json(endpointStats(await deliveries.attempts(subscription.id), ATTEMPT_LOG_LENGTH));
  });
  return router;
}
