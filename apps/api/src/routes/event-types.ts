import { eventTypesQuerySchema } from '@hookfleet/core';
import { profiles } from '@hookfleet/profiles';
import { route, type NativeRoute } from './route-table.js';
import { eventTypeListSchema } from './answer-schemas.js';

/** Every profile's event catalogue, taken from the profiles themselves. */
export const eventTypeRoutes: NativeRoute[] = [
  route({
    method: 'get',
    path: '/v1/event-types',
    summary: 'Every profile’s event catalogue',
    tags: ['events'],
    auth: ['operator', 'tenant', 'portal'],
    portal: { check: 'none' },
    query: eventTypesQuerySchema,
    answers: { 200: { description: '`data: [{ profile, type, description }]`', schema: eventTypeListSchema } },
    handler({ query }) {
      const data = profiles
        .filter((profile) => !query.profile || profile.name === query.profile)
        .flatMap((profile) => profile.events.map((event) => ({ profile: profile.name, type: event.type, description: event.description })));
      return { status: 200, body: { data } };
    },
  }),
];
