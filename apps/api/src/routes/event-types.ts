import { Router } from 'express';
import { eventTypesQuerySchema } from '@hookfleet/core';
import { profiles } from '@hookfleet/profiles';
import { parseOrThrow } from '../validate.js';

/** Every profile's event catalogue, taken from the profiles themselves. */
export function eventTypeRoutes(): Router {
  const router = Router();
  router.get('/v1/event-types', (request, response) => {
    const query = parseOrThrow(eventTypesQuerySchema, request.query, 'invalid query');
    const data = profiles
      .filter((profile) => !query.profile || profile.name === query.profile)
      .flatMap((profile) => profile.events.map((event) => ({ profile: profile.name, type: event.type, description: event.description })));
    response.json({ data });
  });
  return router;
}
