import { Router } from 'express';
import { eventListQuerySchema, NotFound, ValidationFailed, type StoredEvent } from '@hookfleet/core';
import type { DeliveryStore, EventStore } from '@hookfleet/store';
import { parseOrThrow } from '../validate.js';
import { tenantScope } from './subscriptions.js';

const summary = (event: StoredEvent) => ({ id: event.id, tenant: event.tenant, profile: event.profile, type: event.type, occurred_at: event.occurred_at, received_at: event.received_at });

/** Retained events by tenant and time, and one event with its deliveries. */
export function eventLogRoutes(events: EventStore, deliveries: DeliveryStore): Router {
  const router = Router();
  router.get('/v1/events', async (request, response) => {
    const query = parseOrThrow(eventListQuerySchema, request.query, 'invalid query');
    const tenant = tenantScope(request) ?? query.tenant;
    if (!tenant) throw new ValidationFailed('tenant required', [{ path: 'tenant', message: 'the operator must name the tenant (?tenant=)' }]);
    const page = await events.list({ ...query, tenant });
    response.json({ data: page.data.map(summary), next_cursor: page.next_cursor });
  });
  router.get('/v1/events/:id', async (request, response) => {
    const [event] = await events.getMany([request.params.id]);
    const scope = tenantScope(request);
    if (!event || (scope !== null && event.tenant !== scope)) throw new NotFound(`event ${request.params.id} not found`);
    response.json({ ...summary(event), data: event.data, actor: event.actor, fields_changed: event.fields_changed, visible_to: event.visible_to, deliveries: await deliveries.forEvent(event.id) });
  });
  return router;
}
