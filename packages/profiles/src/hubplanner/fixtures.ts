import type { CompatExamples, DeliveryFixture, ProfileFixtures } from '../fixture.js';
import { hubPlannerSeedBodies as seed } from './seed-bodies.js';

/** Examples copied from the Hub Planner seed document (001_2c4c4e3c28327e36.txt). */

export const hubPlannerCompatExamples = {
  create: [
    { request: { event: 'project.update', target_url: 'http://mycompany.com/webhooks_listener' } },
    {
      request: { event: 'project.update', target_url: 'http://mydomain.hubplanner.com/webhooks_listener', authorization_token: 'secret-token-123' },
      answer: {
        _id: '448847eea20e6d05bc53a49a',
        companyId: '59841c04844e6738c8d45123',
        creationDate: '2017-06-01T10:56:34.088Z',
        target_url: 'http://mydomain.hubplanner.com/webhooks_listener',
        event: 'project.update',
        authorization_token: 'secret-token-123',
      },
    },
  ],
} satisfies CompatExamples;

/** The producer publishes the object as the document shows it; hookfleet sets `event` to the subscribed name. */
function documentExample(type: keyof typeof seed, published = type): DeliveryFixture {
  const body = seed[type];
  return { name: `Responses: ${type}`, event: { type: published, data: body }, subscription: { events: [type] }, body };
}

function withoutEvent(object: Record<string, unknown>): Record<string, unknown> {
  const { event: _event, ...rest } = object;
  return rest;
}

export const hubPlannerFixtures: ProfileFixtures = {
  deliveries: [
    documentExample('project.update'),
    documentExample('resource.update'),
    documentExample('booking.create'),
    documentExample('timeEntry.create'),
    documentExample('timeEntry.update'),
    // A timeEntry.update reaches a timeEntry.create.update subscription and says so in its body.
    { ...documentExample('timeEntry.create.update', 'timeEntry.update'), event: { type: 'timeEntry.update', data: { ...seed['timeEntry.create.update'], event: 'timeEntry.update' } } },
    documentExample('timeEntry.delete'),
    documentExample('booking.update'),
    documentExample('booking.delete'),
    documentExample('booking.delete.multiple'),
    {
      name: 'an object published without `event` gets it first, and the token as hubplanner-token',
      event: { type: 'timeEntry.create', data: withoutEvent(seed['timeEntry.create']) },
      subscription: { events: ['timeEntry.create.update'], secret: 'secret-token-123' },
      body: { ...seed['timeEntry.create'], event: 'timeEntry.create.update' },
      headers: { 'hubplanner-token': 'secret-token-123' },
    },
    {
      name: 'a booking update published without `event` gets it last, where the document prints it',
      event: { type: 'booking.update', data: withoutEvent(seed['booking.update']) },
      subscription: { events: ['booking.update'] },
      body: seed['booking.update'],
    },
  ],
  successStatuses: [200, 201, 204],
  failureStatuses: [202, 203, 206, 299, 301, 400, 404, 500, 503],
};
