import { eventBatchSchema, eventInputSchema } from '@hookfleet/core';
import { route, type NativeRoute } from './route-table.js';
import { batchAcceptedSchema, eventAcceptedSchema } from './answer-schemas.js';

/** Publishing one event: Express mounts it, and the ingest fast path (ingest-fast-path.ts) runs the same handler. */
export const publishEventRoute = route({
  method: 'post',
  path: '/v1/events',
  summary: 'Publish one event',
  tags: ['events'],
  auth: ['operator'],
  // An event's own `id` deduplicates it, for 24 h, on the ingest fast path too.
  idempotent: false,
  body: eventInputSchema,
  answers: {
    202: { description: 'Accepted: `deduplicated: false`', schema: eventAcceptedSchema },
    200: { description: 'The id was seen within 24 h: `deduplicated: true`, nothing new is delivered', schema: eventAcceptedSchema },
  },
  async handler({ body }, { events }) {
    const [result] = await events.ingest([body]);
    return { status: result?.deduplicated ? 200 : 202, body: result };
  },
});

export const publishRoutes: NativeRoute[] = [
  publishEventRoute,
  route({
    method: 'post',
    path: '/v1/events/batch',
    summary: 'Publish up to 500 events',
    tags: ['events'],
    auth: ['operator'],
    idempotent: false,
    body: eventBatchSchema,
    answers: { 202: { description: '`results: [{ id, deduplicated }]`, in the order sent', schema: batchAcceptedSchema } },
    async handler({ body }, { events }) {
      return { status: 202, body: { results: await events.ingest(body.events, ['events']) } };
    },
  }),
];
