import { z } from 'zod';
import { eventTypeCreateSchema, eventTypePatchSchema, eventTypesQuerySchema, listQuerySchema } from '@hookfleet/core';
import { route, type NativeRoute } from './route-table.js';
import { eventTypeListSchema, registeredEventTypeSchema } from './answer-schemas.js';
import { MAX_EVENT_TYPE_PAGE_BYTES } from '../event-type-page.js';

/**
 * `?profile=` as before, and `limit` (1–500) and `cursor` as on the other lists; `limit` defaults to its most, so a
 * plain GET still answers a whole catalogue of documented and common registered types in one page (what clients of
 * the unpaged list read), and only one past 500 entries or MAX_EVENT_TYPE_PAGE_BYTES pages.
 */
const eventTypeListQuerySchema = eventTypesQuerySchema.extend({
  limit: listQuerySchema.shape.limit.removeDefault().default(500),
  // A cursor names a profile (≤ 50 characters) and a type (≤ 200), base64url-encoded JSON (event-type-page.ts).
  cursor: z.string().max(400).optional(),
});

const eventTypePageSchema = eventTypeListSchema.extend({
  next_cursor: z.string().nullable().describe('the `cursor` of the next page; null on the last'),
});

/** The event catalogue: every profile's documented types and shapes, and the types operators register (event-type-service.ts). */
export const eventTypeRoutes: NativeRoute[] = [
  route({
    method: 'get',
    path: '/v1/event-types',
    summary: 'Every profile’s event catalogue, with the JSON Schema of each type’s data, a page at a time',
    tags: ['events'],
    auth: ['operator', 'tenant', 'portal'],
    portal: { check: 'none' },
    query: eventTypeListQuerySchema,
    answers: {
      200: {
        description: `A page: \`data: [{ profile, type, description, schema, deprecated }]\` (the documented types, then the registered ones), at most \`limit\` entries and, past the first, at most ${MAX_EVENT_TYPE_PAGE_BYTES} bytes of them; \`next_cursor\` until the last page`,
        schema: eventTypePageSchema,
      },
    },
    async handler({ query }, { eventTypes }) {
      return { status: 200, body: await eventTypes.list(query) };
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
