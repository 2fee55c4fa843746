import { Router, type Request, type Response } from 'express';
import { eventBatchSchema, eventInputSchema } from '@hookfleet/core';
import { requireOperator } from '../auth.js';
import { parseOrThrow } from '../validate.js';
import type { EventService } from '../event-service.js';

/** The two publishing handlers, mounted by eventRoutes and by the operator's fast lane (app.ts). */
export function ingestHandlers(events: EventService) {
  return {
    async single(request: Request, response: Response): Promise<void> {
      requireOperator(request);
      const input = parseOrThrow(eventInputSchema, request.body, 'invalid event');
      const [result] = await events.ingest([input]);
      response.status(result?.deduplicated ? 200 : 202).json(result);
    },
    async batch(request: Request, response: Response): Promise<void> {
      requireOperator(request);
      const input = parseOrThrow(eventBatchSchema, request.body, 'invalid batch');
      const results = await events.ingest(input.events, ['events']);
      response.status(202).json({ results });
    },
  };
}

export function eventRoutes(events: EventService): Router {
  const router = Router();
  const handlers = ingestHandlers(events);
  router.post('/v1/events', handlers.single);
  router.post('/v1/events/batch', handlers.batch);
  return router;
}
