import { Router, type Request } from 'express';
import { listQuerySchema, rotateSecretSchema, subscriptionCreateSchema, subscriptionPatchSchema, ValidationFailed } from '@hookfleet/core';
import type { DeliveryStore } from '@hookfleet/store';
import { principalOf } from '../auth.js';
import { parseOrThrow } from '../validate.js';
import type { SubscriptionService } from '../subscription-service.js';
import { publicSubscription } from '../subscription-view.js';
import { creatorForNewSubscription, ownerScope, ownsSubscription } from '../portal/subscription-scope.js';

/** The tenant a request acts for: the key's (or portal session's) tenant, or for the operator the tenant named in the request. */
export function tenantScope(request: Request): string | null {
  const principal = principalOf(request);
  return principal.kind === 'operator' ? null : principal.tenantId;
}

export function subscriptionRoutes(service: SubscriptionService, deliveries: DeliveryStore): Router {
  const router = Router();

  router.post('/v1/subscriptions', async (request, response) => {
    const input = parseOrThrow(subscriptionCreateSchema, request.body, 'invalid subscription');
    const scope = tenantScope(request);
    const tenant = scope ?? input.tenant;
    if (!tenant) throw new ValidationFailed('tenant required', [{ path: 'tenant', message: 'the operator must name the tenant' }]);
    if (scope && input.tenant && input.tenant !== scope) throw new ValidationFailed('tenant mismatch', [{ path: 'tenant', message: 'a tenant key creates subscriptions for its own tenant only' }]);
    const createdBy = creatorForNewSubscription(principalOf(request), input.created_by);
    const subscription = await service.create(tenant, { ...input, ...(createdBy !== undefined ? { created_by: createdBy } : {}) });
    response.status(201).json(publicSubscription(subscription));
  });

  router.get('/v1/subscriptions', async (request, response) => {
    const query = parseOrThrow(listQuerySchema.extend({ tenant: listQuerySchema.shape.profile }), request.query, 'invalid query');
    const tenant = tenantScope(request) ?? query.tenant;
    if (!tenant) throw new ValidationFailed('tenant required', [{ path: 'tenant', message: 'the operator must name the tenant (?tenant=)' }]);
    const owner = ownerScope(request);
    const page = await service.store.list(tenant, {
      limit: query.limit,
      cursor: query.cursor,
      filter: (subscription) => ownsSubscription(owner, subscription) && (!query.profile || subscription.profile === query.profile),
    });
    response.json({ data: page.data.map(publicSubscription), next_cursor: page.next_cursor });
  });

  router.get('/v1/subscriptions/:id', async (request, response) => {
    const subscription = await service.getOwned(request.params.id, ownerScope(request));
    response.json(publicSubscription(subscription));
  });

  router.patch('/v1/subscriptions/:id', async (request, response) => {
    const subscription = await service.getOwned(request.params.id, ownerScope(request));
    const patch = parseOrThrow(subscriptionPatchSchema, request.body, 'invalid subscription');
    response.json(publicSubscription(await service.update(subscription, patch)));
  });

  router.post('/v1/subscriptions/:id/rotate-secret', async (request, response) => {
    const subscription = await service.getOwned(request.params.id, ownerScope(request));
    const input = parseOrThrow(rotateSecretSchema, request.body ?? {}, 'invalid rotation');
    response.json(publicSubscription(await service.rotate(subscription, input.secret)));
  });

  router.delete('/v1/subscriptions/:id', async (request, response) => {
    const subscription = await service.getOwned(request.params.id, ownerScope(request));
    await service.remove(subscription);
    response.status(204).end();
  });

  router.get('/v1/subscriptions/:id/attempts', async (request, response) => {
    const subscription = await service.getOwned(request.params.id, ownerScope(request));
    const attempts = await deliveries.attempts(subscription.id);
    response.json({ data: attempts });
  });

  return router;
}
