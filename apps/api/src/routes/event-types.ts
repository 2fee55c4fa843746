import { eventTypeCreateSchema, eventTypePatchSchema, eventTypesQuerySchema } from '@hookfleet/core';
import { route, type NativeRoute } from './route-table.js';
import { eventTypeListSchema, registeredEventTypeSchema } from './answer-schemas.js';

/** The event catalogue: every profile's documented types and shapes, and the types operators register (event-type-service.ts). */
export const eventTypeRoutes: NativeRoute[] = [
  route({
    method: 'get',
    path: '/v1/event-types',
    summary: 'Every profile’s event catalogue, with the JSON Schema of each type’s data',
    tags: ['events'],
    auth: ['operator', 'tenant', 'portal'],
    portal: { check: 'none' },
    query: eventTypesQuerySchema,
    answers: { 200: { description: '`data: [{ profile, type, description, schema, deprecated }]`', schema: eventTypeListSchema } },
    async handler({ query }, { eventTypes }) {
      return { status: 200, body: { data: await eventTypes.list(query.profile) } };
    },
  }),
  route({
    method: 'post',
    path: '/v1/event-types',
    summary: 'Register an event type of the standard profile with the JSON Schema its data must satisfy',
    tags: ['events'],
    auth: ['operator'],
    body: eventTypeCreateSchema,
    answers: { 201: { description: 'The registered type; events of it are checked at ingest from now on', schema: registeredEventTypeSchema } },
    errors: ['conflict'],
    async handler({ body }, { eventTypes }) {
      return { status: 201, body: await eventTypes.create(body) };
    },
  }),
  route({
    method: 'patch',
    path: '/v1/event-types/:profile/:type',
    summary: 'Change a registered event type: its description, its schema, or mark it deprecated',
    tags: ['events'],
    auth: ['operator'],
    body: eventTypePatchSchema,
    answers: { 200: { description: 'The changed type', schema: registeredEventTypeSchema } },
    errors: ['not_found'],
    async handler({ params, body }, { eventTypes }) {
      return { status: 200, body: await eventTypes.update(params.profile as string, params.type as string, body) };
    },
  }),
];
