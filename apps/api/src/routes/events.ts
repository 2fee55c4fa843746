import { Router } from 'express';
import { eventBatchSchema, eventInputSchema } from '@hookfleet/core';
import { requireOperator } from '../auth.js';
import { parseOrThrow } from '../validate.js';
import type { EventService } from '../event-service.js';

export function eventRoutes(events: EventService): Router {
  const router = Router();
  router.post('/v1/events', async (request, response) => {
    requireOperator(request);
    const input = parseOrThrow(eventInputSchema, request.body, 'invalid event');
    const [result] = await events.ingest([input]);
    response.status(result?.deduplicated ? 200 : 202).json(result);
  });
  router.post('/v1/events/batch', async (request, response) => {
    requireOperator(request);
    const input = parseOrThrow(eventBatchSchema, request.body, 'invalid batch');
    const results = await events.ingest(input.events, ['events']);
    response.status(202).json({ results });
  });
  return router;
}
