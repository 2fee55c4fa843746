import { eventListQuerySchema, NotFound, ValidationFailed, type StoredEvent } from '@hookfleet/core';
import { route, tenantScopeOf, type NativeRoute } from './route-table.js';
import { eventDetailSchema, eventPageSchema } from './answer-schemas.js';
import { assertWithinRetention } from '../retention.js';

const summary = (event: StoredEvent) => ({ id: event.id, tenant: event.tenant, profile: event.profile, type: event.type, occurred_at: event.occurred_at, received_at: event.received_at });

/** Retained events by tenant and time, and one event with its deliveries. */
export const eventLogRoutes: NativeRoute[] = [
  route({
    method: 'get',
    path: '/v1/events',
    summary: 'List retained events by tenant and time, newest first',
    tags: ['events'],
    auth: ['operator', 'tenant'],
    query: eventListQuerySchema,
    answers: { 200: { description: 'A page of event summaries', schema: eventPageSchema } },
    async handler(call, { eventStore, retentionMs }) {
      // A window reaching before the retention is a 400 that says so (docs/contract.md, "Operations"), not a quiet short list.
      if (call.query.since !== undefined) assertWithinRetention(call.query.since, retentionMs);
      const tenant = tenantScopeOf(call) ?? call.query.tenant;
      if (!tenant) throw new ValidationFailed('tenant required', [{ path: 'tenant', message: 'the operator must name the tenant (?tenant=)' }]);
      const page = await eventStore.list({ ...call.query, tenant });
      return { status: 200, body: { data: page.data.map(summary), next_cursor: page.next_cursor } };
    },
  }),
  route({
    method: 'get',
    path: '/v1/events/:id',
    summary: 'One event with its data and deliveries',
    tags: ['events'],
    auth: ['operator', 'tenant'],
    answers: { 200: { description: 'The event with `data` and `deliveries: [{ id, subscription_id, status }]`', schema: eventDetailSchema } },
    errors: ['not_found'],
    async handler(call, { eventStore, deliveries }) {
      const id = call.params.id as string;
      const [event] = await eventStore.getMany([id]);
      const scope = tenantScopeOf(call);
      if (!event || (scope !== null && event.tenant !== scope)) throw new NotFound(`event ${id} not found`);
      const body = { ...summary(event), data: event.data, actor: event.actor, fields_changed: event.fields_changed, visible_to: event.visible_to, deliveries: await deliveries.forEvent(event.id) };
      return { status: 200, body };
    },
  }),
];
