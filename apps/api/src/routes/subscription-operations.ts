import { Router } from 'express';
import { Conflict, NotFound, recoverSchema, replaySchema, testDeliverySchema, type Subscription } from '@hookfleet/core';
import type { OperationStore } from '@hookfleet/store';
import type { HookfleetQueues } from '@hookfleet/queue';
import type { DeliveryTransport } from '@hookfleet/delivery';
import { parseOrThrow } from '../validate.js';
import type { SubscriptionService } from '../subscription-service.js';
import { assertWithinRetention } from '../retention.js';
import { sendTestDelivery } from '../test-delivery.js';
import { tenantScope } from './subscriptions.js';

/** An inactive subscription receives nothing, so sending it its backlog would only mark everything dead again. */
function assertActive(subscription: Subscription): void {
  if (!subscription.active) {
    throw new Conflict(`subscription ${subscription.id} is inactive (${subscription.disabled_reason ?? 'manual'}): enable it first (PATCH active: true), then recover or replay`);
  }
}

/** Recover, replay (background operations with progress) and a synchronous test delivery. */
export function subscriptionOperationRoutes(
  subscriptions: SubscriptionService,
  operations: OperationStore,
  queues: HookfleetQueues,
  transport: DeliveryTransport,
  retentionMs: number,
): Router {
  const router = Router();

  router.post('/v1/subscriptions/:id/recover', async (request, response) => {
    const input = parseOrThrow(recoverSchema, request.body ?? {}, 'invalid recover');
    const subscription = await subscriptions.getOwned(request.params.id, tenantScope(request));
    assertActive(subscription);
    assertWithinRetention(input.since, retentionMs);
    const operation = await operations.create('recover', subscription.tenant, subscription.id);
    await queues.operations.add('recover', { operationId: operation.id, kind: 'recover', subscriptionId: subscription.id, since: input.since, until: input.until ?? Date.now() });
    response.status(202).json({ operation_id: operation.id });
  });

  router.post('/v1/subscriptions/:id/replay', async (request, response) => {
    const input = parseOrThrow(replaySchema, request.body ?? {}, 'invalid replay');
    const subscription = await subscriptions.getOwned(request.params.id, tenantScope(request));
    assertActive(subscription);
    assertWithinRetention(input.since, retentionMs);
    const operation = await operations.create('replay', subscription.tenant, subscription.id);
    await queues.operations.add('replay', { operationId: operation.id, kind: 'replay', subscriptionId: subscription.id, since: input.since, until: input.until ?? Date.now(), types: input.types });
    response.status(202).json({ operation_id: operation.id });
  });

  router.post('/v1/subscriptions/:id/test', async (request, response) => {
    const input = parseOrThrow(testDeliverySchema, request.body ?? {}, 'invalid test');
    const subscription = await subscriptions.getOwned(request.params.id, tenantScope(request));
    response.json(await sendTestDelivery(transport, subscription, input));
  });

  router.get('/v1/operations/:id', async (request, response) => {
    const operation = await operations.get(request.params.id);
    const scope = tenantScope(request);
    if (!operation || (scope !== null && operation.tenant !== scope)) throw new NotFound(`operation ${request.params.id} not found`);
    response.json({ id: operation.id, kind: operation.kind, status: operation.status, total: operation.total, done: operation.done, subscription_id: operation.subscription_id, created_at: operation.created_at, error: operation.error });
  });

  return router;
}
